/**
 * fusedBatchNorm and lrn: float64 JS references (TF's definitions), gradchecks through every
 * output, threaded sizes, NaN / Inf handling and error messages.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { expectClose } from '../helpers/close.js';
import { checkOp, withEager } from '../helpers/check_op.js';
import { gradientOf } from '../helpers/gradcheck.js';
import { rng, uniform } from '../helpers/random.js';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/**
 * TF's FusedBatchNorm: training normalises with the batch mean and biased variance and reports
 * the variance times n/(n−1); inference uses (and reports) the given statistics.
 */
type F64 = Float64Array;
function fbnRef(x: F64, C: number, s: F64, o: F64, eps: number, stats?: F64[]): F64[] {
  const R = x.length / C;
  const mean = new Float64Array(C), vr = new Float64Array(C);
  if (stats) {
    mean.set(stats[0]);
    vr.set(stats[1]);
  } else {
    for (let i = 0; i < x.length; i++) mean[i % C] += x[i] / R;
    for (let i = 0; i < x.length; i++) vr[i % C] += (x[i] - mean[i % C]) ** 2 / R;
  }
  const y = x.map((v, i) => ((v - mean[i % C]) * s[i % C]) / Math.sqrt(vr[i % C] + eps) + o[i % C]);
  return [y, mean, stats ? vr : vr.map((v) => (v * R) / Math.max(R - 1, 1))];
}

describe('fusedBatchNorm', () => {
  checkOp('fused_batch_norm', {
    name: 'fusedBatchNorm training x[2,3,2,3]',
    fn: (x, s, o) => tf.nn.fusedBatchNorm(x, s, o),
    shapes: [[2, 3, 2, 3], [3], [3]],
    outShapes: [[2, 3, 2, 3], [3], [3]],
    ref: ([x, s, o]) => fbnRef(x, 3, s, o, 0.001),
  });
  checkOp('fused_batch_norm', {
    name: 'fusedBatchNorm training, epsilon 0.1, one pixel per channel group [5,1,1,2]',
    fn: (x, s, o) => tf.nn.fusedBatchNorm(x, s, o, null, null, { epsilon: 0.1 }),
    shapes: [[5, 1, 1, 2], [2], [2]],
    ref: ([x, s, o]) => fbnRef(x, 2, s, o, 0.1),
  });
  checkOp('fused_batch_norm', {
    name: 'fusedBatchNorm inference x[2,2,2,2] (gradients to mean and variance too)',
    fn: (x, s, o, m, v) =>
      tf.nn.fusedBatchNorm(x, s, o, m, v, { epsilon: 0.01, isTraining: false }),
    shapes: [[2, 2, 2, 2], [2], [2], [2], [2]],
    inputs: [undefined, undefined, undefined, undefined, [0.7, 1.5]],
    ref: ([x, s, o, m, v]) => fbnRef(x, 2, s, o, 0.01, [m, v]),
  });
  checkOp('fused_batch_norm', {
    name: 'fusedBatchNorm training, transposed (non-contiguous) x',
    fn: (x, s, o) => tf.nn.fusedBatchNorm(x, s, o),
    shapes: [[1, 2, 4, 3], [3], [3]],
    transpose: true,
    ref: ([x, s, o]) => fbnRef(x, 3, s, o, 0.001),
  });
  // A batch of one pixel: zero variance, reported as is (no n/(n−1) for n = 1).
  checkOp('fused_batch_norm', {
    name: 'fusedBatchNorm training, one row',
    fn: (x, s, o) => tf.nn.fusedBatchNorm(x, s, o),
    shapes: [[1, 1, 1, 3], [3], [3]],
    ref: ([x, s, o]) => fbnRef(x, 3, s, o, 0.001),
  });
  // |mean| >> std in float32: y = ((x − μ_hi) − μ_lo)·k + offset keeps ~1e-7 accuracy, where
  // x·k + (offset − μ·k), or one rounded μ, would be off by ~1e-4 (cancellation at 1000).
  checkOp('fused_batch_norm', {
    name: 'fusedBatchNorm training, large mean (float32 accuracy)',
    fn: (x, s, o) => tf.nn.fusedBatchNorm(x, s, o),
    shapes: [[4, 2, 2, 2], [2], [2]],
    inputs: [
      Array.from({ length: 32 }, (_, i) => 1000 + Math.sin(i) * 0.01),
      [1.5, -0.5],
      [0.25, 1],
    ],
    ref: ([x, s, o]) => fbnRef(x, 2, s, o, 0.001),
    atol: 2e-6,
    rtol: 1e-6,
    forwardOnly: true,
  });
  checkOp('fused_batch_norm', {
    name: 'fusedBatchNorm empty batch: NaN statistics (as TF)',
    fn: (x, s, o) => tf.nn.fusedBatchNorm(x, s, o),
    shapes: [[0, 2, 2, 2], [2], [2]],
    ref: () => [[], [NaN, NaN], [NaN, NaN]],
    forwardOnly: true,
  });
  // 40·2·2·130 = 20800 elements: the threaded statistics and the threaded normalisation.
  const big = [40, 2, 2, 130];
  checkOp('fused_batch_norm', {
    name: 'fusedBatchNorm training, large (threaded), forward',
    fn: (x, s, o) => tf.nn.fusedBatchNorm(x, s, o),
    shapes: [big, [130], [130]],
    ref: ([x, s, o]) => fbnRef(x, 130, s, o, 0.001),
    forwardOnly: true,
  });
  it('large (threaded) backward matches the gradient of the composed batch norm (float64)', () =>
    withEager(() => {
      const next = rng(3);
      const rand = (sh: number[], r: number) =>
        tf.constant(uniform(size(sh), -r, r, next), 'float64', sh);
      const [x, s, o] = [big, [130], [130]].map((sh) => rand(sh, 2));
      const seeds = [big, [130], [130]].map((sh) => rand(sh, 1));
      const grads = (fused: boolean) => {
        const tape = new tf.GradientTape();
        const ys = tape.record(() => {
          tape.watch([x, s, o]);
          if (fused) return tf.nn.fusedBatchNorm(x, s, o);
          const [m, v] = tf.nn.moments(x, [0, 1, 2]);
          const n = size(big) / 130;
          return [tf.nn.batchNormalization(x, m, v, o, s, 0.001), m, tf.mul(v, n / (n - 1))];
        });
        return tape.gradient(ys, [x, s, o], seeds).map((g) => g!.dataSync());
      };
      const [want, got] = [grads(false), grads(true)];
      got.forEach((g, i) => expectClose(g, want[i], { atol: 1e-9, rtol: 1e-8 }, `gradient ${i}`));
    }));
  it('validates inputs and attributes', () =>
    withEager(() => {
      const x = tf.zeros([2, 2, 2, 3]);
      expect(() => tf.nn.fusedBatchNorm(x, tf.ones([2]), tf.zeros([3]))).toThrow(
        new RegExp(
          "fused_batch_norm: 'scale' must have shape \\[3\\] " +
            '\\(the channels of x \\[2,2,2,3\\]\\), ' +
            'got \\[2\\].*float32\\[2,2,2,3\\], float32\\[2\\]',
        ),
      );
      expect(() => tf.nn.fusedBatchNorm(x, tf.ones([3], 'float64'), tf.zeros([3]))).toThrow(
        /fused_batch_norm: 'scale' must be float32 like x, got float64/,
      );
      type Opts = Parameters<typeof tf.nn.fusedBatchNorm>[5];
      const fbn = (opts: Opts) => () =>
        tf.nn.fusedBatchNorm(x, tf.ones([3]), tf.zeros([3]), null, null, opts);
      expect(fbn({ isTraining: false })).toThrow(
        /fusedBatchNorm \(x \[2,2,2,3\]\): inference \(isTraining false\) needs mean and variance/,
      );
      expect(fbn({ epsilon: -1 })).toThrow(
        /fusedBatchNorm \(x \[2,2,2,3\]\): epsilon must be a finite number >= 0, got -1/,
      );
      expect(fbn({ dataFormat: 'NCHW' })).toThrow(
        /fusedBatchNorm \(x \[2,2,2,3\]\): only dataFormat 'NHWC' is supported on the CPU/,
      );
      expect(() => tf.nn.fusedBatchNorm(tf.zeros([2, 3]), tf.ones([3]), tf.zeros([3]))).toThrow(
        /fused_batch_norm: 'x' must be NHWC \(rank 4\), got \[2,3\]/,
      );
      const xi = tf.zeros([1, 1, 1, 3], 'int32');
      expect(() => tf.nn.fusedBatchNorm(xi, tf.ones([3]), tf.zeros([3]))).toThrow(
        /fusedBatchNorm: expected float32 or float64 input 'x', got int32/,
      );
    }));
  it('graph mode: unknown batch propagates, the channel vectors are [C]', () => {
    const was = tf.executingEagerly();
    tf.disableEagerExecution();
    try {
      new tf.Graph().asDefault(() => {
        const x = tf.placeholder('float32', [null, 7, 7, 4], 'x');
        const [y, m, v] = tf.nn.fusedBatchNorm(x, tf.ones([4]), tf.zeros([4]));
        expect([y.shape, m.shape, v.shape]).toEqual([[null, 7, 7, 4], [4], [4]]);
      });
    } finally {
      if (was) tf.enableEagerExecution();
    }
  });
});

function lrnRef(x: F64, C: number, r: number, bias: number, alpha: number, beta: number): F64 {
  return x.map((v, i) => {
    const c = i % C, base = i - c;
    let s = 0;
    for (let j = Math.max(0, c - r); j <= Math.min(C - 1, c + r); j++) s += x[base + j] ** 2;
    return v / (bias + alpha * s) ** beta;
  });
}

describe('lrn', () => {
  checkOp('lrn', {
    name: 'lrn defaults (radius 5, bias 1, alpha 1, beta 0.5)',
    fn: (x) => tf.nn.lrn(x),
    shapes: [[2, 2, 2, 7]],
    ref: ([x]) => lrnRef(x, 7, 5, 1, 1, 0.5),
  });
  checkOp('lrn', {
    name: 'lrn radius 2, bias 2, alpha 0.1, beta 0.75',
    fn: (x) => tf.nn.localResponseNormalization(x, 2, 2, 0.1, 0.75),
    shapes: [[1, 3, 2, 6]],
    ref: ([x]) => lrnRef(x, 6, 2, 2, 0.1, 0.75),
  });
  checkOp('lrn', {
    name: 'lrn one channel, radius 0',
    fn: (x) => tf.nn.lrn(x, 0),
    shapes: [[1, 1, 1, 1]],
    ref: ([x]) => lrnRef(x, 1, 0, 1, 1, 0.5),
  });
  checkOp('lrn', {
    fn: (x) => tf.nn.lrn(x, 1),
    shapes: [[1, 2, 3, 4]],
    transpose: true,
    ref: ([x]) => lrnRef(x, 4, 1, 1, 1, 0.5),
  });
  // radius > 16: window sums from prefix sums
  checkOp('lrn', {
    name: 'lrn wide window (radius 20, 45 channels)',
    fn: (x) => tf.nn.lrn(x, 20, 1, 0.05, 0.75),
    shapes: [[1, 2, 1, 45]],
    ref: ([x]) => lrnRef(x, 45, 20, 1, 0.05, 0.75),
  });
  checkOp('lrn', {
    name: 'lrn empty',
    fn: (x) => tf.nn.lrn(x),
    shapes: [[0, 2, 2, 3]],
    ref: () => [],
    forwardOnly: true,
  });
  // 8·8·8·64 = 32K elements: the threaded path.
  checkOp('lrn', {
    name: 'lrn large (threaded) forward',
    fn: (x) => tf.nn.lrn(x, 2, 1, 1e-2, 0.75),
    shapes: [[8, 8, 8, 64]],
    ref: ([x]) => lrnRef(x, 64, 2, 1, 1e-2, 0.75),
    forwardOnly: true,
  });
  for (const r of [1, 17]) {
    it(`NaN and Inf reach only the channels whose window sees them (radius ${r})`, () =>
      withEager(() => {
        const C = 40;
        for (const bad of [NaN, Infinity, -Infinity]) {
          const v = Float64Array.from({ length: C }, (_, i) => (i === 3 ? bad : 0.5 + i / C));
          const y = tf.nn.lrn(tf.constant(v, 'float64', [1, 1, 1, C]), r).dataSync();
          // NaN: channels within r of 3 are NaN. ±Inf: N = Inf there, so they are 0, and
          // channel 3 itself is ±Inf / Inf = NaN.
          expectClose(y, lrnRef(v, C, r, 1, 1, 0.5), { atol: 1e-12, rtol: 1e-12 }, `x[3] = ${bad}`);
        }
      }));
  }
  it('validates attributes and rank', () =>
    withEager(() => {
      const x = tf.zeros([1, 1, 1, 3]);
      expect(() => tf.nn.lrn(x, -1)).toThrow(
        /lrn \(input \[1,1,1,3\]\): depthRadius must be an integer >= 0, got -1/,
      );
      expect(() => tf.nn.lrn(x, 1.5)).toThrow(
        /lrn \(input \[1,1,1,3\]\): depthRadius must be an integer >= 0, got 1.5/,
      );
      expect(() => tf.nn.lrn(x, 2, 1, 1, NaN)).toThrow(
        /lrn \(input \[1,1,1,3\]\): beta must be a finite number, got NaN/,
      );
      expect(() => tf.nn.lrn(tf.zeros([3, 3]))).toThrow(
        /lrn: 'input' must be NHWC \(rank 4\), got \[3,3\]/,
      );
      expect(() => tf.nn.lrn(tf.zeros([1, 1, 1, 3], 'int32'))).toThrow(
        /lrn: expected float32 or float64 input 'input', got int32/,
      );
    }));
});

describe('second order (the gradient of the gradient) through fused batch norm and lrn', () => {
  // g = d<w, f(...)>/d(input i) runs the backward kernel; gradient-checking g checks that
  // kernel's own gradient (a composite's backprop, differentiated again) for every input and w.
  // The batch statistics enter f too, so their cotangents reach the kernel.
  const training = (x: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
    const [y, mean, variance] = tf.nn.fusedBatchNorm(x, s, o);
    return tf.add(y, tf.sub(tf.mul(mean, 0.3), tf.mul(variance, 0.2)));
  };
  for (const [i, what] of [[0, 'x'], [1, 'scale']] as const) {
    checkOp('fused_batch_norm_backward', {
      name: `fusedBatchNorm training x[2,3,2,3]: gradient of d/d${what}`,
      fn: gradientOf(training, i),
      shapes: [[2, 3, 2, 3], [3], [3], [2, 3, 2, 3]],
    });
  }
  const inference = (x: tf.Tensor, s: tf.Tensor, o: tf.Tensor, m: tf.Tensor, v: tf.Tensor) =>
    tf.nn.fusedBatchNorm(x, s, o, m, v, { epsilon: 0.01, isTraining: false })[0];
  for (const [i, what] of [[0, 'x'], [3, 'mean'], [4, 'variance']] as const) {
    checkOp('fused_batch_norm_backward', {
      name: `fusedBatchNorm inference x[2,2,2,2]: gradient of d/d${what}`,
      fn: gradientOf(inference, i),
      shapes: [[2, 2, 2, 2], [2], [2], [2], [2], [2, 2, 2, 2]],
      inputs: [undefined, undefined, undefined, undefined, [0.7, 1.5]],
    });
  }
  checkOp('lrn_backward', {
    name: 'lrn radius 2, bias 2, alpha 0.1, beta 0.75: gradient of the gradient',
    fn: gradientOf((x) => tf.nn.lrn(x, 2, 2, 0.1, 0.75)),
    shapes: [[1, 3, 2, 6], [1, 3, 2, 6]],
  });
  checkOp('lrn_backward', {
    name: 'lrn radius 5 > channels, defaults: gradient of the gradient',
    fn: gradientOf((x) => tf.nn.lrn(x)),
    shapes: [[2, 1, 2, 3], [2, 1, 2, 3]],
  });
});
