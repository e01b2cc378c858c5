/** conv2d (+ transpose, 1-D), pooling: float64 JS references by direct loops, gradchecks, errors. */
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { runOp } from '../../lib/engine.js';
import { checkOp, withEager } from '../helpers/check_op.js';
import { gradientOf } from '../helpers/gradcheck.js';
import type { Geom } from '../helpers/conv_ref.js';
import { convRef, outSize } from '../helpers/conv_ref.js';

function poolRef(x: Float64Array, xs: number[], k: [number, number], st: [number, number], same: boolean, kind: 'max' | 'avg'): number[] {
  return windowsOf(xs, k, st, same).map((win) => {
    const vals = win.map((i) => x[i]);
    return kind === 'max' ? Math.max(...vals) : vals.reduce((p, v) => p + v, 0) / vals.length;
  });
}

describe('conv2d', () => {
  const cases: [number[], number[], Geom][] = [
    [[2, 5, 5, 3], [3, 3, 3, 4], { stride: [1, 1], dil: [1, 1], same: true }],
    [[1, 6, 7, 2], [3, 2, 2, 3], { stride: [2, 2], dil: [1, 1], same: true }],
    [[2, 7, 6, 2], [3, 3, 2, 2], { stride: [1, 2], dil: [1, 1], same: false }],
    [[1, 7, 7, 1], [3, 3, 1, 2], { stride: [1, 1], dil: [2, 2], same: true }],
    [[3, 4, 4, 5], [1, 1, 5, 2], { stride: [1, 1], dil: [1, 1], same: false }],
    [[1, 5, 5, 1], [5, 5, 1, 1], { stride: [1, 1], dil: [1, 1], same: false }],
  ];
  for (const [xs, fs, g] of cases) {
    checkOp('conv2d', {
      name: `conv2d x[${xs}] f[${fs}] stride ${g.stride} dilation ${g.dil} ${g.same ? 'SAME' : 'VALID'}`,
      fn: (x, f) => tf.nn.conv2d(x, f, g.stride, g.same ? 'SAME' : 'VALID', { dilations: g.dil }),
      shapes: [xs, fs],
      ref: ([x, f]) => convRef(x, xs, f, fs, g),
    });
  }
  checkOp('conv2d', {
    name: 'conv2d transposed (non-contiguous) filter',
    fn: (x, f) => tf.nn.conv2d(x, tf.reshape(f, [2, 2, 2, 3]), 1, 'SAME'),
    shapes: [[1, 3, 3, 2], [6, 4]],
    transpose: true,
    ref: ([x, f]) => convRef(x, [1, 3, 3, 2], f, [2, 2, 2, 3], { stride: [1, 1], dil: [1, 1], same: true }),
  });
  checkOp('conv2d', { name: 'conv2d empty batch', fn: (x, f) => tf.nn.conv2d(x, f, 1, 'SAME'), shapes: [[0, 4, 4, 2], [3, 3, 2, 2]], outShapes: [[0, 4, 4, 2]], ref: () => [], forwardOnly: true });

  it('errors name the op and the shapes', () =>
    withEager(() => {
      const x = tf.zeros([1, 5, 5, 3]);
      expect(() => tf.nn.conv2d(x, tf.zeros([3, 3, 2, 4]), 1, 'SAME')).toThrow(/conv2d: input has 3 channels but the filter expects 2.*\[1,5,5,3\].*\[3,3,2,4\]/);
      expect(() => tf.nn.conv2d(x, tf.zeros([3, 3, 3, 4]), 1, 'FULL' as never)).toThrow(/conv2d \(input \[1,5,5,3\], filter \[3,3,3,4\]\): padding must be 'SAME' or 'VALID', got 'FULL'/);
      expect(() => tf.nn.conv2d(x, tf.zeros([7, 7, 3, 4]), 1, 'VALID')).toThrow(/conv2d: the window \(7, dilated to 7\) is larger than the input \(5\)/);
      expect(() => tf.nn.conv2d(x, tf.zeros([3, 3, 3, 4]), -1, 'SAME')).toThrow(/conv2d \(input \[1,5,5,3\], filter \[3,3,3,4\]\): strides must be positive integers/);
      expect(() => tf.nn.conv2d(tf.zeros([5, 5, 3]), tf.zeros([3, 3, 3, 4]), 1, 'SAME')).toThrow(/must be NHWC \(rank 4\)/);
    }));
  it('graph mode: unknown batch propagates; the window check happens at build time', () => {
    tf.disableEagerExecution();
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [null, 28, 28, 1], 'x');
      expect(tf.nn.conv2d(x, tf.zeros([5, 5, 1, 32]), [1, 2, 2, 1], 'SAME').shape).toEqual([null, 14, 14, 32]);
      expect(() => tf.nn.conv2d(x, tf.zeros([29, 3, 1, 1]), 1, 'VALID')).toThrow(/larger than the input \(28\).*\[node 'conv2d/);
    });
  });
});

describe('conv2dTranspose and conv1d', () => {
  // conv2dTranspose(value, filter) is the adjoint of conv2d: <conv2d(a, f), b> = <a, convT(b, f)>.
  checkOp('conv2d_backward_input', {
    name: 'conv2dTranspose stride 2 SAME',
    fn: (v, f) => tf.nn.conv2dTranspose(v, f, [2, 6, 6, 3], [1, 2, 2, 1], 'SAME'),
    shapes: [[2, 3, 3, 4], [3, 3, 3, 4]],
    outShapes: [[2, 6, 6, 3]],
  });
  it('is the adjoint of conv2d', () =>
    withEager(() => {
      const a = tf.randomUniform([2, 6, 6, 3], { dtype: 'float64', seed: 1 });
      const b = tf.randomUniform([2, 3, 3, 4], { dtype: 'float64', seed: 2 });
      const f = tf.randomUniform([3, 3, 3, 4], { dtype: 'float64', seed: 3 });
      const lhs = tf.reduceSum(tf.mul(tf.nn.conv2d(a, f, 2, 'SAME'), b)).item() as number;
      const rhs = tf.reduceSum(tf.mul(a, tf.nn.conv2dTranspose(b, f, [2, 6, 6, 3], 2, 'SAME'))).item() as number;
      expect(lhs).toBeCloseTo(rhs, 9);
    }));
  checkOp('conv2d', {
    name: 'conv1d via conv2d',
    fn: (x, f) => tf.nn.conv1d(x, f, 1, 'SAME'),
    shapes: [[2, 7, 3], [3, 3, 2]],
    ref: ([x, f]) => convRef(x, [2, 1, 7, 3], f, [1, 3, 3, 2], { stride: [1, 1], dil: [1, 1], same: true }),
  });
});

/** For each pooled output (NHWC order), the flat input indices of its window's valid positions. */
function windowsOf(xs: number[], k: [number, number], st: [number, number], same: boolean): number[][] {
  const [n, h, w, c] = xs;
  const [oh, pt] = outSize(h, k[0], st[0], 1, same);
  const [ow, pl] = outSize(w, k[1], st[1], 1, same);
  const out: number[][] = [];
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let cc = 0; cc < c; cc++) {
          const win: number[] = [];
          for (let a = 0; a < k[0]; a++)
            for (let e = 0; e < k[1]; e++) {
              const [ih, iw] = [i * st[0] - pt + a, j * st[1] - pl + e];
              if (ih >= 0 && ih < h && iw >= 0 && iw < w) win.push(((b * h + ih) * w + iw) * c + cc);
            }
          out.push(win);
        }
  return out;
}

describe('pooling', () => {
  const cases: [number[], [number, number], [number, number], boolean][] = [
    [[2, 6, 6, 3], [2, 2], [2, 2], false],
    [[1, 5, 7, 2], [3, 3], [2, 2], true],
    [[2, 4, 4, 1], [3, 2], [1, 1], true],
  ];
  for (const [xs, k, st, same] of cases) {
    const pad = same ? 'SAME' : 'VALID';
    checkOp('max_pool', {
      name: `maxPool x[${xs}] k${k} s${st} ${pad}`,
      fn: (x) => tf.nn.maxPool(x, [1, ...k, 1], [1, ...st, 1], pad),
      shapes: [xs],
      ref: ([x]) => poolRef(x, xs, k, st, same, 'max'),
    });
    checkOp('avg_pool', {
      name: `avgPool x[${xs}] k${k} s${st} ${pad}`,
      fn: (x) => tf.nn.avgPool(x, [1, ...k, 1], [1, ...st, 1], pad),
      shapes: [xs],
      ref: ([x]) => poolRef(x, xs, k, st, same, 'avg'),
    });
  }
  it('max pooling propagates NaN; errors name the op', () =>
    withEager(() => {
      const x = tf.constant([1, NaN, 3, 2], 'float32', [1, 2, 2, 1]);
      expect(Number.isNaN(tf.nn.maxPool(x, 2, 2, 'VALID').item() as number)).toBe(true);
      // Ties and NaN: the gradient goes to the first maximum, or to the first NaN, as in TF.
      const grad = (v: number[]) => {
        const t = tf.constant(v, 'float32', [1, 2, 2, 1]);
        const tape = new tf.GradientTape();
        tape.watch(t);
        const y = tape.record(() => tf.nn.maxPool(t, 2, 2, 'VALID'));
        return tape.gradient(y, [t])[0]!.dataSync();
      };
      expect(Array.from(grad([1, 5, 5, 2]))).toEqual([0, 1, 0, 0]);
      expect(Array.from(grad([7, NaN, 9, NaN]))).toEqual([0, 1, 0, 0]);
      expect(() => tf.nn.maxPool(x, 3, 1, 'VALID')).toThrow(/max_pool: the window \(3, dilated to 3\) is larger than the input \(2\)/);
      expect(() => tf.nn.avgPool(x, [2, 2, 2, 2], 1, 'VALID')).toThrow(/avgPool \(value \[1,2,2,1\]\): ksize over the batch and channel dims must be 1/);
    }));
});

describe('pooling: second order (the gradient of the gradient)', () => {
  // g(x, w) = d<w, pool(x)>/dx runs the backward kernel. Its gradient for w is avg_pool, or
  // max_pool_grad_grad (w's value at each window's maximum); for x it is zero (away from ties).
  // Reference: the adjoint of pooling, w routed to each window's first maximum or spread evenly.
  const poolBackRef = (x: Float64Array, w: Float64Array, xs: number[], k: [number, number], st: [number, number], same: boolean, kind: 'max' | 'avg') => {
    const dx = new Float64Array(x.length);
    windowsOf(xs, k, st, same).forEach((win, o) => {
      if (kind === 'avg') return win.forEach((i) => (dx[i] += w[o] / win.length));
      const first = win.reduce((best, i) => (x[i] > x[best] ? i : best), win[0]);
      dx[first] += w[o];
    });
    return dx;
  };
  for (const [xs, k, st, same] of [[[2, 6, 6, 3], [2, 2], [2, 2], false], [[1, 5, 7, 2], [3, 3], [2, 2], true]] as const) {
    const pad = same ? 'SAME' : 'VALID';
    const oshape = tf.tidy(() => withEager(() => tf.nn.maxPool(tf.zeros([...xs]), [...k], [...st], pad).shape));
    for (const kind of ['max', 'avg'] as const) {
      const pool = (x: tf.Tensor) => (kind === 'max' ? tf.nn.maxPool : tf.nn.avgPool)(x, [...k], [...st], pad);
      checkOp(`${kind}_pool_backward`, {
        name: `${kind}Pool x[${xs}] k${k} s${st} ${pad}: gradient of the gradient`,
        fn: gradientOf(pool),
        shapes: [[...xs], oshape],
        ref: ([x, w]) => poolBackRef(x, w, [...xs], [...k], [...st], same, kind),
      });
    }
  }
  checkOp('max_pool_grad_grad', {
    name: 'max_pool_grad_grad: g at each window\'s first maximum',
    fn: (x, g) => runOp('max_pool_grad_grad', [x, g], { ksize: [3, 3], strides: [2, 2], padding: 'SAME' })[0],
    shapes: [[1, 5, 7, 2], [1, 5, 7, 2]],
    ref: ([x, g]) => windowsOf([1, 5, 7, 2], [3, 3], [2, 2], true).map((win) => g[win.reduce((best, i) => (x[i] > x[best] ? i : best), win[0])]),
  });
  it('pool backward kernels reject a dy that does not fit the input, naming the shapes and dtypes', () =>
    withEager(() => {
      const x = tf.zeros([1, 4, 4, 1]);
      const attrs = { ksize: [2, 2], strides: [2, 2], padding: 'VALID' };
      for (const op of ['max_pool_backward', 'avg_pool_backward']) {
        expect(() => runOp(op, [tf.zeros([1, 1, 1, 1]), x], attrs)).toThrow(new RegExp(`${op}: gradient 'dy' has shape \\[1,1,1,1\\], expected \\[1,2,2,1\\]`));
        expect(() => runOp(op, [tf.zeros([1, 2, 2, 1], 'float64'), x], attrs)).toThrow(new RegExp(`${op}: dy is float64 but the input is float32`));
      }
      expect(() => runOp('max_pool_grad_grad', [x, tf.zeros([1, 4, 4, 2])], attrs)).toThrow(/max_pool_grad_grad: gradient 'dy' has shape \[1,4,4,2\], expected \[1,4,4,1\]/);
      const f = tf.zeros([3, 3, 1, 2]);
      const conv = { strides: [1, 1], padding: 'SAME', dilations: [1, 1] };
      expect(() => runOp('conv2d_backward_filter', [x, tf.zeros([1, 4, 4, 2], 'float64'), f], conv)).toThrow(/conv2d_backward_filter: dy is float64 but the input is float32/);
    }));
});

describe('conv2d: second order (the gradient of the gradient)', () => {
  // d<w, conv2d(x, f)>/df = conv2d_backward_filter(x, w): its gradients for x and w need that
  // kernel's own gradient; d/dx = conv2d_backward_input(w, f), whose gradients were already
  // there. Both checked by finite differences in float64, eagerly and in graph mode.
  const cases: [number[], number[], number, 'SAME' | 'VALID', number][] = [
    [[2, 5, 6, 3], [3, 3, 3, 4], 1, 'SAME', 1],
    [[1, 7, 7, 2], [3, 2, 2, 3], 2, 'VALID', 1],
    [[1, 7, 6, 2], [2, 2, 2, 2], 1, 'SAME', 2],
  ];
  for (const [xs, fs, s, pad, d] of cases) {
    const conv = (x: tf.Tensor, f: tf.Tensor) => tf.nn.conv2d(x, f, s, pad, { dilations: d });
    const ys = withEager(() => tf.tidy(() => conv(tf.zeros(xs), tf.zeros(fs)).shape));
    checkOp('conv2d_backward_filter', {
      name: `x[${xs}] f[${fs}] s${s} ${pad} d${d}: gradient of the filter gradient`,
      fn: gradientOf(conv, 1), shapes: [xs, fs, ys], wrt: [0, 2], outShapes: [fs],
    });
    checkOp('conv2d_backward_input', {
      name: `x[${xs}] f[${fs}] s${s} ${pad} d${d}: gradient of the input gradient`,
      fn: gradientOf(conv, 0), shapes: [xs, fs, ys], wrt: [1, 2], outShapes: [xs],
    });
  }
});

describe('biasAdd and batchNormalization', () => {
  it('biasAdd adds along channels and checks the bias shape', () =>
    withEager(() => {
      expect(tf.nn.biasAdd(tf.zeros([1, 1, 2, 3]), tf.constant([1, 2, 3])).arraySync()).toEqual([[[[1, 2, 3], [1, 2, 3]]]]);
      expect(() => tf.nn.biasAdd(tf.zeros([2, 3]), tf.constant([1, 2]))).toThrow(/biasAdd: bias must be a vector matching the last dimension/);
    }));
  it('batchNormalization matches the formula', () =>
    withEager(() => {
      const y = tf.nn.batchNormalization(tf.constant([1, 2, 3]), 2, 4, 1, 2, 0).arraySync() as number[];
      expect(y).toEqual([0, 1, 2]);
    }));
});
