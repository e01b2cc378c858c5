/**
 * depthwiseConv2d and its native backprops: float64 JS references by direct loops (forward,
 * backward input, backward filter), gradchecks (also second order, through the backprops),
 * threaded sizes, graph-mode shapes and error messages.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { expectClose } from '../helpers/close.js';
import { checkOp, withEager } from '../helpers/check_op.js';
import { rng, uniform } from '../helpers/random.js';

type Geom = { stride: [number, number]; dil: [number, number]; same: boolean };

function outSize(inp: number, k: number, s: number, d: number, same: boolean): [number, number] {
  const eff = (k - 1) * d + 1;
  if (same) {
    const out = Math.ceil(inp / s);
    return [out, Math.floor(Math.max((out - 1) * s + eff - inp, 0) / 2)];
  }
  return [Math.floor((inp - eff) / s) + 1, 0];
}

function outShape(xs: number[], fs: number[], g: Geom): number[] {
  const [oh] = outSize(xs[1], fs[0], g.stride[0], g.dil[0], g.same);
  const [ow] = outSize(xs[2], fs[1], g.stride[1], g.dil[1], g.same);
  return [xs[0], oh, ow, xs[3] * fs[3]];
}

/** Calls fn(xIndex, yIndex, fIndex) for every (input, output, filter) triple a tap connects. */
type Link = (xi: number, yi: number, fi: number) => void;
function taps(xs: number[], fs: number[], g: Geom, fn: Link): void {
  const [n, h, w, c] = xs;
  const [kh, kw, , m] = fs;
  const [oh, pt] = outSize(h, kh, g.stride[0], g.dil[0], g.same);
  const [ow, pl] = outSize(w, kw, g.stride[1], g.dil[1], g.same);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let a = 0; a < kh; a++)
          for (let e = 0; e < kw; e++) {
            const ih = i * g.stride[0] - pt + a * g.dil[0];
            const iw = j * g.stride[1] - pl + e * g.dil[1];
            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
            for (let cc = 0; cc < c; cc++)
              for (let q = 0; q < m; q++) {
                const xi = ((b * h + ih) * w + iw) * c + cc;
                const yi = ((b * oh + i) * ow + j) * c * m + cc * m + q;
                fn(xi, yi, ((a * kw + e) * c + cc) * m + q);
              }
          }
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

type F64 = Float64Array;
function dwRef(x: F64, xs: number[], f: F64, fs: number[], g: Geom): F64 {
  const y = new Float64Array(size(outShape(xs, fs, g)));
  taps(xs, fs, g, (xi, yi, fi) => (y[yi] += x[xi] * f[fi]));
  return y;
}
function dwBackInputRef(dy: F64, xs: number[], f: F64, fs: number[], g: Geom): F64 {
  const dx = new Float64Array(size(xs));
  taps(xs, fs, g, (xi, yi, fi) => (dx[xi] += dy[yi] * f[fi]));
  return dx;
}
function dwBackFilterRef(x: F64, xs: number[], dy: F64, fs: number[], g: Geom): F64 {
  const df = new Float64Array(size(fs));
  taps(xs, fs, g, (xi, yi, fi) => (df[fi] += x[xi] * dy[yi]));
  return df;
}

type Pair = [number, number];
const geom = (stride: Pair, same: boolean, dil: Pair = [1, 1]): Geom => ({ stride, dil, same });
const pad = (g: Geom) => (g.same ? 'SAME' : 'VALID');

describe('depthwiseConv2d', () => {
  const cases: [number[], number[], Geom][] = [
    [[2, 5, 5, 3], [3, 3, 3, 1], geom([1, 1], true)],
    [[1, 6, 7, 2], [3, 2, 2, 3], geom([2, 2], false)],
    [[1, 7, 7, 2], [3, 3, 2, 2], geom([1, 1], true, [2, 2])],
    [[2, 6, 5, 3], [2, 3, 3, 2], geom([2, 1], true, [1, 2])],
    [[1, 1, 1, 1], [1, 1, 1, 1], geom([1, 1], true)],
    // a window larger than the image: SAME pads it (no error)
    [[1, 2, 2, 2], [3, 3, 2, 1], geom([1, 1], true)],
    [[1, 5, 5, 1], [5, 5, 1, 2], geom([1, 1], false)],
  ];
  for (const [xs, fs, g] of cases) {
    checkOp('depthwise_conv2d', {
      name: `depthwiseConv2d x[${xs}] f[${fs}] stride ${g.stride} dilation ${g.dil} ${pad(g)}`,
      fn: (x, f) => tf.nn.depthwiseConv2d(x, f, [1, ...g.stride, 1], pad(g), { dilations: g.dil }),
      shapes: [xs, fs],
      outShapes: [outShape(xs, fs, g)],
      ref: ([x, f]) => dwRef(x, xs, f, fs, g),
    });
  }
  checkOp('depthwise_conv2d', {
    name: 'depthwiseConv2d rate (TF 1.x name for dilations)',
    fn: (x, f) => tf.nn.depthwiseConv2d(x, f, 1, 'VALID', { rate: [2, 1] }),
    shapes: [[1, 6, 4, 2], [2, 2, 2, 1]],
    ref: ([x, f]) => dwRef(x, [1, 6, 4, 2], f, [2, 2, 2, 1], geom([1, 1], false, [2, 1])),
  });
  checkOp('depthwise_conv2d', {
    name: 'depthwiseConv2d transposed (non-contiguous) input and filter',
    fn: (x, f) => tf.nn.depthwiseConv2dNative(x, f, 1, 'VALID'),
    shapes: [[1, 4, 5, 2], [2, 2, 2, 2]],
    transpose: true,
    ref: ([x, f]) => dwRef(x, [1, 4, 5, 2], f, [2, 2, 2, 2], geom([1, 1], false)),
  });
  checkOp('depthwise_conv2d', {
    name: 'depthwiseConv2d empty batch',
    fn: (x, f) => tf.nn.depthwiseConv2d(x, f, 1, 'SAME'),
    shapes: [[0, 3, 3, 2], [2, 2, 2, 1]],
    outShapes: [[0, 3, 3, 2]],
    ref: () => [],
    forwardOnly: true,
  });
  checkOp('depthwise_conv2d', {
    name: 'depthwiseConv2d multiplier 0 (no output channels)',
    fn: (x, f) => tf.nn.depthwiseConv2d(x, f, 1, 'SAME'),
    shapes: [[1, 3, 3, 2], [2, 2, 2, 0]],
    outShapes: [[1, 3, 3, 0]],
    ref: () => [],
    forwardOnly: true,
  });
  // 4·16·16·32·9 ≈ 295K multiply-adds per kernel: the threaded paths of all three kernels.
  const bigX = [4, 16, 16, 32], bigF = [3, 3, 32, 1], bigG = geom([1, 1], true);
  checkOp('depthwise_conv2d', {
    name: 'depthwiseConv2d large (threaded) forward',
    fn: (x, f) => tf.nn.depthwiseConv2d(x, f, 1, 'SAME'),
    shapes: [bigX, bigF],
    ref: ([x, f]) => dwRef(x, bigX, f, bigF, bigG),
    forwardOnly: true,
  });
  it('large (threaded) backward kernels match the references (float64)', () =>
    withEager(() => {
      const next = rng(5);
      const xv = uniform(size(bigX), -2, 2, next), fv = uniform(size(bigF), -2, 2, next);
      const dyv = uniform(size(outShape(bigX, bigF, bigG)), -1, 1, next);
      const x = tf.constant(xv, 'float64', bigX), f = tf.constant(fv, 'float64', bigF);
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tape.watch([x, f]);
        return tf.nn.depthwiseConv2d(x, f, 1, 'SAME');
      });
      const [dx, df] = tape.gradient(y, [x, f], [tf.constant(dyv, 'float64', y.shape)]);
      const tol = { atol: 1e-9, rtol: 1e-9 };
      expectClose(dx!.dataSync(), dwBackInputRef(dyv, bigX, fv, bigF, bigG), tol, 'dx');
      expectClose(df!.dataSync(), dwBackFilterRef(xv, bigX, dyv, bigF, bigG), tol, 'dfilter');
    }));
});

describe('depthwiseConv2d native backprops (and their gradients: double backprop)', () => {
  const cases: [number[], number[], Geom][] = [
    [[1, 5, 4, 2], [3, 3, 2, 2], geom([2, 1], true)],
    [[2, 6, 6, 2], [2, 3, 2, 1], geom([1, 2], false, [2, 1])],
  ];
  for (const [xs, fs, g] of cases) {
    const ys = outShape(xs, fs, g);
    const desc = `x[${xs}] f[${fs}] stride ${g.stride} dilation ${g.dil} ${pad(g)}`;
    const opts = { dilations: g.dil };
    checkOp('depthwise_conv2d_backward_input', {
      name: `depthwiseConv2dNativeBackpropInput ${desc}`,
      fn: (f, dy) => tf.nn.depthwiseConv2dNativeBackpropInput(xs, f, dy, g.stride, pad(g), opts),
      shapes: [fs, ys],
      outShapes: [xs],
      ref: ([f, dy]) => dwBackInputRef(dy, xs, f, fs, g),
    });
    checkOp('depthwise_conv2d_backward_filter', {
      name: `depthwiseConv2dNativeBackpropFilter ${desc}`,
      fn: (x, dy) => tf.nn.depthwiseConv2dNativeBackpropFilter(x, fs, dy, g.stride, pad(g), opts),
      shapes: [xs, ys],
      outShapes: [fs],
      ref: ([x, dy]) => dwBackFilterRef(x, xs, dy, fs, g),
    });
  }
  it('inputSizes with a -1 batch takes outBackprop\'s', () =>
    withEager(() => {
      const dy = tf.ones([3, 4, 4, 2]);
      const w = tf.ones([3, 3, 2, 1]);
      const dx = tf.nn.depthwiseConv2dNativeBackpropInput([-1, 4, 4, 2], w, dy, 1, 'SAME');
      expect(dx.shape).toEqual([3, 4, 4, 2]);
    }));
});

describe('depthwiseConv2d errors and graph mode', () => {
  it('errors name the op, the shapes and the dtypes', () =>
    withEager(() => {
      const x = tf.zeros([1, 5, 5, 3]);
      const w = tf.zeros([3, 3, 3, 1]);
      type Args = Parameters<typeof tf.nn.depthwiseConv2d>;
      const dw = (...a: Args) => () => tf.nn.depthwiseConv2d(...a);
      expect(dw(x, tf.zeros([3, 3, 2, 1]), 1, 'SAME')).toThrow(
        new RegExp(
          'depthwise_conv2d: input has 3 channels but the filter expects 2 ' +
            '\\(input \\[1,5,5,3\\], filter \\[3,3,2,1\\]\\)',
        ),
      );
      // Argument errors name the shapes too, as the native ones do.
      const at = 'depthwiseConv2d \\(input \\[1,5,5,3\\], filter \\[3,3,3,1\\]\\)';
      expect(dw(x, w, 1, 'FULL' as never)).toThrow(
        new RegExp(`${at}: padding must be 'SAME' or 'VALID', got 'FULL'`),
      );
      expect(dw(x, tf.zeros([7, 3, 3, 1]), 1, 'VALID')).toThrow(
        /depthwise_conv2d: the window \(7, dilated to 7\) is larger than the input \(5\) with/,
      );
      expect(dw(x, w, 1, 'VALID', { dilations: 3 })).toThrow(
        /depthwise_conv2d: the window \(3, dilated to 7\) is larger than the input \(5\)/,
      );
      expect(dw(x, w, -1, 'SAME')).toThrow(new RegExp(`${at}: strides must be positive integers`));
      expect(dw(x, w, [2, 1, 1, 1], 'SAME')).toThrow(
        new RegExp(`${at}: strides over the batch and channel dims must be 1`),
      );
      expect(dw(x, tf.zeros([3, 3, 3, 1], 'float64'), 1, 'SAME')).toThrow(
        /depthwise_conv2d: inputs must have the same dtype, got float32 and float64/,
      );
      const i32 = (s: number[]) => tf.zeros(s, 'int32');
      expect(dw(i32([1, 5, 5, 3]), i32([3, 3, 3, 1]), 1, 'SAME')).toThrow(
        /depthwiseConv2d: expected float32 or float64 input 'input', got int32/,
      );
      expect(dw(tf.zeros([5, 5, 3]), w, 1, 'SAME')).toThrow(
        /depthwise_conv2d: 'input' must be NHWC \(rank 4\), got \[5,5,3\]/,
      );
      expect(dw(x, w, 1, 'SAME', { rate: 2, dilations: 2 })).toThrow(
        new RegExp(`${at}: give 'rate' or 'dilations', not both`),
      );
      expect(dw(x, w, 1, 'SAME', { dataFormat: 'NCHW' })).toThrow(
        new RegExp(`${at}: only dataFormat 'NHWC' is supported, got 'NCHW'`),
      );
      const dy = tf.zeros([1, 4, 4, 3]);
      const backInput = () =>
        tf.nn.depthwiseConv2dNativeBackpropInput([1, 5, 5, 3], w, dy, 1, 'SAME');
      expect(backInput).toThrow(
        /depthwise_conv2d_backward_input: dy \[1,4,4,3\] does not match the depthwise output/,
      );
    }));
  it('graph mode: unknown dims propagate; the window check happens at build time', () => {
    const was = tf.executingEagerly();
    tf.disableEagerExecution();
    try {
      new tf.Graph().asDefault(() => {
        const x = tf.placeholder('float32', [null, 28, 28, 3], 'x');
        const y = tf.nn.depthwiseConv2d(x, tf.zeros([3, 3, 3, 2]), [1, 2, 2, 1], 'SAME');
        expect(y.shape).toEqual([null, 14, 14, 6]);
        const u = tf.placeholder('float32', [null, null, 9, null], 'u');
        const v = tf.nn.depthwiseConv2d(u, tf.zeros([3, 3, 4, 2]), 1, 'VALID');
        expect(v.shape).toEqual([null, null, 7, 8]);
        const big = tf.zeros([29, 3, 3, 1]);
        const tooBig = () => tf.nn.depthwiseConv2d(x, big, 1, 'VALID');
        expect(tooBig).toThrow(/larger than the input \(28\)/);
      });
    } finally {
      if (was) tf.enableEagerExecution();
    }
  });
});
