// tf.foldl, tf.foldr, tf.scan and tf.mapFn: values in a graph (one whileLoop each, rows known
// only at run time) and eagerly, gradients against float64 finite differences, and the errors.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { inGraph, withEager } from '../helpers/check_op.js';
import { rng, uniform } from '../helpers/random.js';

const rows = [[1, 2], [3, 4], [5, 6]];
const values = async (sess: tf.Session, ts: Tensor[], feeds: tf.Feeds) =>
  ((await sess.run(ts, feeds)) as Tensor[]).map((t) => [t.shape, Array.from(t.dataSync())]);

describe('functional ops over rows', () => {
  it('fold, scan and map in a graph, over rows counted at run time', async () => {
    await inGraph(async () => {
      const xs = tf.placeholder('float32', [null, 2], 'xs');
      const sum = (a: Tensor, x: Tensor) => tf.add(a, x);
      const outs = [
        tf.foldl((a, x) => tf.mul(a, x), xs),
        tf.foldr((a, x) => tf.sub(x, a), xs, { initializer: tf.zeros([2]) }),
        tf.scan(sum, xs),
        tf.scan(sum, xs, { reverse: true, initializer: tf.zeros([2]) }),
        tf.mapFn((r) => tf.reduceSum(tf.square(r)), xs),
        ...tf.mapFn((r) => [tf.reduceMax(r), tf.cast(tf.argmax(r, 0), 'float32')], xs),
      ];
      expect(outs[2].shape).toEqual([null, 2]);
      expect(outs[4].shape).toEqual([null]);
      const sess = new tf.Session();
      expect(await values(sess, outs, { xs: rows })).toEqual([
        [[2], [15, 48]],
        [[2], [3, 4]],                      // ((0 → 5-0) → 3-5) → 1-(-2), per column
        [[3, 2], [1, 2, 4, 6, 9, 12]],
        [[3, 2], [9, 12, 8, 10, 5, 6]],
        [[3], [5, 25, 61]],
        [[3], [2, 4, 6]],
        [[3], [1, 1, 1]],
      ]);
      expect(await values(sess, [outs[2], outs[4]], { xs: [[7, 8]] })).toEqual([[[1, 2], [7, 8]], [[1], [113]]]);
    });
  });

  it('maps over zero rows in a graph: an empty result of the static shape', async () => {
    await inGraph(async () => {
      const m = tf.mapFn((r) => tf.mul(r, 2), tf.zeros([0, 3]));
      expect((await new tf.Session().run(m)).shape).toEqual([0, 3]);
    });
  });

  it('gradients match finite differences (float64), through rows and captured tensors', async () => {
    await inGraph(async () => {
      const xs = tf.placeholder('float64', [3, 2], 'xs');
      const w = tf.placeholder('float64', [2], 'w');
      const s = tf.scan((a, x) => tf.tanh(tf.add(tf.mul(a, w), x)), xs);
      const m = tf.mapFn((r) => tf.reduceSum(tf.mul(tf.sin(r), w)), xs);
      const f = tf.foldr((a, x) => tf.mul(a, tf.add(x, w)), xs, { initializer: tf.ones([2], 'float64') });
      const y = tf.add(tf.add(tf.reduceSum(tf.mul(s, tf.constant([[1, -2], [0.5, 3], [-1, 1]], 'float64'))), tf.reduceSum(m)), tf.reduceSum(f));
      const grads = tf.gradients(y, [xs, w]) as Tensor[];
      const sess = new tf.Session();
      const next = rng(8);
      const feeds: Record<string, Float64Array> = { xs: uniform(6, -1, 1, next), w: uniform(2, -1, 1, next) };
      const analytic = ((await sess.run(grads, feeds)) as Tensor[]).map((t) => t.dataSync());
      const eps = 1e-6;
      for (const [gi, k] of ['xs', 'w'].entries()) {
        for (let e = 0; e < feeds[k].length; e++) {
          const at = (d: number) => { const v = Float64Array.from(feeds[k]); v[e] += d; return { ...feeds, [k]: v }; };
          const numeric = ((await sess.run(y, at(eps))).item() as number - ((await sess.run(y, at(-eps))).item() as number)) / (2 * eps);
          expect(analytic[gi][e] as number, `d y / d ${k}[${e}]`).toBeCloseTo(numeric, 6);
        }
      }
    });
  });

  it('runs eagerly, and refuses what it cannot do', () => {
    withEager(() => {
      const xs = tf.constant(rows);
      expect(Array.from(tf.scan((a, x) => tf.add(a, x), xs).dataSync())).toEqual([1, 2, 4, 6, 9, 12]);
      expect(Array.from(tf.foldl((a, x) => tf.add(a, x), xs, { initializer: tf.constant([10, 10]) }).dataSync())).toEqual([19, 22]);
      expect(Array.from(tf.mapFn((r) => tf.reduceSum(r), xs).dataSync())).toEqual([3, 7, 11]);
      expect(() => tf.foldl((a, x) => tf.add(a, x), tf.zeros([0, 2]))).toThrow(/foldl: elems has no rows and there is no initializer/);
      expect(() => tf.mapFn((r) => r, tf.constant(1))).toThrow(/mapFn: elems must have at least one dimension, got a scalar/);
    });
  });
});
