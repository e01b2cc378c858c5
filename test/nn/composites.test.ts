// Composite TF 1.x functions built from ops: tf.nn.l2Normalize, tf.nn.embeddingLookup,
// tf.sequenceMask, tf.case, and tf.image's flips and perImageStandardization: values against
// JavaScript references, float64 gradients by finite differences, graph mode, and the errors.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { inGraph, withEager } from '../helpers/check_op.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { rng, uniform } from '../helpers/random.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, digits = 12) =>
  Array.from(a).forEach((v, i) => expect(v, `[${i}]`).toBeCloseTo(b[i], digits));

describe('tf.nn.l2Normalize', () => {
  it('unit norm along an axis (a zero row stays zero), with float64 gradients', () =>
    withEager(() => {
      const x = tf.constant([[3, 4, 0], [0, 0, 0]], 'float64');
      close(tf.nn.l2Normalize(x, 1).dataSync(), [0.6, 0.8, 0, 0, 0, 0]);
      const col = tf.nn.l2Normalize(tf.constant([[1, 2], [2, 2]], 'float64'), 0).dataSync();
      close(col, [1 / Math.sqrt(5), 1 / Math.sqrt(2), 2 / Math.sqrt(5), 1 / Math.sqrt(2)]);
      gradcheck((t) => tf.nn.l2Normalize(t, 1), [uniform(12, -1, 1, rng(1))], [[3, 4]], ['float64']);
      gradcheck((t) => tf.nn.l2Normalize(t), [uniform(6, -1, 1, rng(2))], [[2, 3]], ['float64']);
      expect(() => tf.nn.l2Normalize(tf.constant([1, 2], 'int32'))).toThrow(/l2Normalize: expected float32 or float64 input 'x', got int32/);
    }));
});

describe('tf.nn.embeddingLookup', () => {
  it('gathers rows for ids of any shape, and its gradient sums into the rows', () =>
    withEager(() => {
      const table = tf.constant([[0, 1], [10, 11], [20, 21]], 'float64');
      const out = tf.nn.embeddingLookup(table, tf.constant([[2, 0], [2, 1]], 'int32'));
      expect(out.shape).toEqual([2, 2, 2]);
      expect(Array.from(out.dataSync())).toEqual([20, 21, 0, 1, 20, 21, 10, 11]);
      gradcheck((t) => tf.nn.embeddingLookup(t, tf.constant([2, 0, 2], 'int32')), [uniform(6, -1, 1, rng(3))], [[3, 2]], ['float64']);
      expect(() => tf.nn.embeddingLookup([table, table], [0])).toThrow(/embeddingLookup: params must be one tensor .*got 2/);
    }));
});

describe('tf.sequenceMask', () => {
  it('masks positions below each length; maxlen from the data eagerly; required in a graph', async () => {
    withEager(() => {
      expect(Array.from(tf.sequenceMask([1, 3, 0], 4).dataSync())).toEqual([1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
      const m = tf.sequenceMask(tf.constant([2, 1], 'int32'), undefined, 'float32');
      expect([m.shape, m.dtype, Array.from(m.dataSync())]).toEqual([[2, 2], 'float32', [1, 1, 1, 0]]);
    });
    await inGraph(async () => {
      const lens = tf.placeholder('int32', [null], 'lens');
      expect(() => tf.sequenceMask(lens)).toThrow(/sequenceMask: give maxlen in graph mode/);
      const m = tf.sequenceMask(lens, 3);
      expect(m.shape).toEqual([null, 3]);
      expect(Array.from((await new tf.Session().run(m, { lens: [3, 1] })).dataSync())).toEqual([1, 1, 1, 1, 0, 0]);
    });
  });
});

describe('tf.case', () => {
  it('takes the first predicate that holds, else the default; only that function runs', async () => {
    await inGraph(async () => {
      const x = tf.placeholder('float64', [], 'x');
      const v = new tf.Variable(tf.constant(0, 'float64'), { name: 'count' });
      const y = tf.case([
        [tf.less(x, 0), () => tf.neg(x)],
        [tf.less(x, 1), () => {
          tf.assignAdd(v, 1);   // a side effect of this branch only
          return tf.mul(x, 10);
        }],
      ], () => tf.sqrt(x)) as Tensor;
      const [dy] = tf.gradients(y, [x]);
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      const at = async (xv: number) => ((await sess.run([y, dy!], { x: xv })) as Tensor[]).map((t) => t.item());
      expect(await at(-2)).toEqual([2, -1]);
      expect((await sess.run(v)).item()).toBe(0);
      expect(await at(0.5)).toEqual([5, 10]);
      expect((await sess.run(v)).item()).toBe(1);             // once: the gradient does not run effects again
      const [y4, d4] = await at(4);
      expect([y4, d4]).toEqual([2, 0.25]);
      expect(() => tf.case([[tf.less(x, 0), () => x]], () => x, { exclusive: true })).toThrow(/case: exclusive is not supported/);
    });
  });
});

describe('tf.image flips and perImageStandardization', () => {
  it('flips single images and batches; random flips are per image and keep the values', async () => {
    withEager(() => {
      const img = tf.constant([[[1], [2]], [[3], [4]]]);   // [2, 2, 1]
      expect(Array.from(tf.image.flipLeftRight(img).dataSync())).toEqual([2, 1, 4, 3]);
      expect(Array.from(tf.image.flipUpDown(img).dataSync())).toEqual([3, 4, 1, 2]);
      const batch = tf.stack([img, img, img, img, img, img, img, img]);
      const flipped = tf.image.randomFlipLeftRight(batch, { seed: 3 }).dataSync();
      const kinds = new Set<string>();
      for (let b = 0; b < 8; b++) {
        const v = Array.from(flipped.slice(b * 4, b * 4 + 4));
        expect([[1, 2, 3, 4], [2, 1, 4, 3]]).toContainEqual(v);
        kinds.add(v.join());
      }
      expect(kinds.size).toBe(2);   // 8 draws: both kinds (p = 1 - 2/256)
      expect(() => tf.image.flipLeftRight(tf.zeros([4, 4]))).toThrow(/flipLeftRight: image must be \[height, width, channels\]/);
    });
    await inGraph(async () => {
      const x = tf.placeholder('float32', [null, 2, 2, 1], 'x');
      expect(() => tf.image.randomFlipUpDown(x)).toThrow(/randomFlipUpDown: the batch size must be known, got \[\?,2,2,1\]/);
    });
  });

  it('standardizes each image (mean 0, stddev 1; a flat image stays finite), with float64 gradients', () =>
    withEager(() => {
      const x = uniform(2 * 3 * 3 * 2, 0, 255, rng(4));
      const y = tf.image.perImageStandardization(tf.constant(x, 'float64', [2, 3, 3, 2])).dataSync();
      for (let b = 0; b < 2; b++) {
        const v = Array.from(y.slice(b * 18, b * 18 + 18));
        const mean = v.reduce((a, c) => a + c, 0) / 18;
        expect(mean).toBeCloseTo(0, 12);
        expect(Math.sqrt(v.reduce((a, c) => a + (c - mean) ** 2, 0) / 18)).toBeCloseTo(1, 12);
      }
      expect(Array.from(tf.image.perImageStandardization(tf.fill([2, 2, 1], 7)).dataSync())).toEqual([0, 0, 0, 0]);
      gradcheck((t) => tf.image.perImageStandardization(t), [uniform(12, -1, 1, rng(5))], [[2, 3, 2]], ['float64']);
    }));
});
