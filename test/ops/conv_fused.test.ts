/**
 * fused_conv2d (conv2d + bias + activation in one kernel): float64 reference, gradchecks, errors.
 * The graph rewrite that substitutes it for conv2d → biasAdd → activation: test/graph/fuse.test.ts.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { FusedActivation } from '../../lib/ops/conv.js';
import { fusedConv2d } from '../../lib/ops/conv.js';
import { checkOp, withEager } from '../helpers/check_op.js';
import type { Geom } from '../helpers/conv_ref.js';
import { convRef } from '../helpers/conv_ref.js';

const ACTS: Record<FusedActivation, (v: number) => number> = {
  '': (v) => v,
  relu: (v) => Math.max(v, 0),
  relu6: (v) => Math.min(Math.max(v, 0), 6),
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
};

function fusedRef(x: Float64Array, xs: number[], f: Float64Array, fs: number[], b: Float64Array, g: Geom, act: FusedActivation): number[] {
  const o = fs[3];
  return convRef(x, xs, f, fs, g).map((v, i) => ACTS[act](v + b[i % o]));
}

describe('fused_conv2d', () => {
  const cases: [number[], number[], Geom, FusedActivation][] = [
    [[2, 5, 5, 3], [3, 3, 3, 4], { stride: [1, 1], dil: [1, 1], same: true }, 'relu'],
    [[1, 6, 7, 2], [3, 2, 2, 3], { stride: [2, 2], dil: [1, 1], same: true }, ''],
    [[2, 7, 6, 2], [3, 3, 2, 2], { stride: [1, 2], dil: [1, 1], same: false }, 'elu'],
    [[1, 7, 7, 1], [3, 3, 1, 2], { stride: [1, 1], dil: [2, 2], same: true }, 'relu'],
  ];
  for (const [xs, fs, g, act] of cases) {
    checkOp('fused_conv2d', {
      name: `fused_conv2d '${act}' x[${xs}] f[${fs}] stride ${g.stride} dilation ${g.dil} ${g.same ? 'SAME' : 'VALID'}`,
      fn: (x, f, b) => fusedConv2d(x, f, b, g.stride, g.same ? 'SAME' : 'VALID', { dilations: g.dil, activation: act }),
      shapes: [xs, fs, [fs[3]]],
      ref: ([x, f, b]) => fusedRef(x, xs, f, fs, b, g, act),
    });
  }
  // relu6 clips at both ends: inputs in [-3, 3] over a 3x3x2 window reach past 6 and below 0.
  checkOp('fused_conv2d', {
    name: "fused_conv2d 'relu6' reaching both clips",
    fn: (x, f, b) => fusedConv2d(x, f, b, 1, 'SAME', { activation: 'relu6' }),
    shapes: [[2, 4, 4, 2], [3, 3, 2, 3], [3]],
    low: -3,
    high: 3,
    ref: ([x, f, b]) => fusedRef(x, [2, 4, 4, 2], f, [3, 3, 2, 3], b, { stride: [1, 1], dil: [1, 1], same: true }, 'relu6'),
  });

  it('matches conv2d + biasAdd + activation exactly (float32)', () =>
    withEager(() => {
      const x = tf.randomNormal([3, 9, 9, 5], { seed: 1 });
      const f = tf.randomNormal([3, 3, 5, 7], { seed: 2 });
      const b = tf.randomNormal([7], { seed: 3 });
      for (const act of ['', 'relu', 'relu6', 'elu'] as const) {
        const pre = tf.nn.biasAdd(tf.nn.conv2d(x, f, 1, 'SAME'), b);
        const want = act === '' ? pre : tf.nn[act](pre);
        expect(fusedConv2d(x, f, b, 1, 'SAME', { activation: act }).dataSync()).toEqual(want.dataSync());
      }
    }));

  it('errors name the op and the shapes', () =>
    withEager(() => {
      const x = tf.zeros([1, 5, 5, 3]);
      const f = tf.zeros([3, 3, 3, 4]);
      expect(() => fusedConv2d(x, f, tf.zeros([3]), 1, 'SAME')).toThrow(/fused_conv2d: bias must be a vector of the filter's 4 output channels, got \[3\] \(filter \[3,3,3,4\]\)/);
      expect(() => fusedConv2d(x, f, tf.zeros([4], 'float64'), 1, 'SAME')).toThrow(/fused_conv2d: bias is float64 but the input is float32/);
      expect(() => fusedConv2d(x, f, tf.zeros([4]), 1, 'SAME', { activation: 'tanh' as never })).toThrow(/fusedConv2d \(input \[1,5,5,3\], filter \[3,3,3,4\], bias \[4\]\): activation must be one of '', 'relu', 'relu6', 'elu', got 'tanh'/);
      expect(() => fusedConv2d(x, tf.zeros([3, 3, 2, 4]), tf.zeros([4]), 1, 'SAME')).toThrow(/fused_conv2d: input has 3 channels but the filter expects 2/);
    }));
});
