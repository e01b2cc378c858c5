/**
 * tf.image.resizeNearestNeighbor / resizeBilinear: float64 JS references with TF's coordinate
 * rules (computed in float32, as TF: Math.fround), gradchecks, threaded backward against a
 * scatter reference, and error messages.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { expectClose } from '../helpers/close.js';
import { checkOp, withEager } from '../helpers/check_op.js';
import { gradientOf } from '../helpers/gradcheck.js';
import { rng, uniform } from '../helpers/random.js';

const f = Math.fround;
type Flags = { align: boolean; half: boolean };
const scaleOf = (inp: number, out: number, align: boolean) =>
  f(align && out > 1 ? (inp - 1) / (out - 1) : inp / out);

/** Source index along one axis (nearest). */
function nearestIndex(inp: number, out: number, o: number, fl: Flags): number {
  const s = scaleOf(inp, out, fl.align);
  const v = fl.half ? f(f(o + 0.5) * s) : f(o * s);
  return Math.min(Math.max(fl.align ? Math.round(v) : Math.floor(v), 0), inp - 1);
}
/** [lo, hi, weight of hi] along one axis (bilinear). */
function lerpOf(inp: number, out: number, o: number, fl: Flags): [number, number, number] {
  const s = scaleOf(inp, out, fl.align);
  const v = fl.half ? f((o + 0.5) * s - 0.5) : f(o * s);
  const lo = Math.floor(v);
  return [Math.max(lo, 0), Math.min(Math.ceil(v), inp - 1), f(v - lo)];
}

/**
 * Every (input index, output index, weight) a resize connects; forward is y[o] = Σ w·x[i] and
 * backward dx[i] = Σ w·dy[o] over the same triples.
 */
type Link = (i: number, o: number, w: number) => void;
function links(xs: number[], size: number[], fl: Flags, bilinear: boolean, fn: Link): void {
  const [N, H, W, C] = xs;
  const [OH, OW] = size;
  const axis = (inp: number, out: number, o: number): [number, number][] => {
    if (!bilinear) return [[nearestIndex(inp, out, o, fl), 1]];
    const [lo, hi, t] = lerpOf(inp, out, o, fl);
    return [[lo, 1 - t], [hi, t]];
  };
  for (let n = 0; n < N; n++)
    for (let i = 0; i < OH; i++)
      for (const [yy, wy] of axis(H, OH, i))
        for (let j = 0; j < OW; j++)
          for (const [xx, wx] of axis(W, OW, j))
            for (let c = 0; c < C; c++) {
              fn(((n * H + yy) * W + xx) * C + c, ((n * OH + i) * OW + j) * C + c, wy * wx);
            }
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

type F64 = Float64Array;
function resizeRef(x: F64, xs: number[], sz: number[], fl: Flags, bilinear: boolean): F64 {
  const y = new Float64Array(xs[0] * sz[0] * sz[1] * xs[3]);
  links(xs, sz, fl, bilinear, (i, o, w) => (y[o] += w * x[i]));
  return y;
}
function resizeBackRef(dy: F64, xs: number[], sz: number[], fl: Flags, bilinear: boolean): F64 {
  const dx = new Float64Array(size(xs));
  links(xs, sz, fl, bilinear, (i, o, w) => (dx[i] += w * dy[o]));
  return dx;
}

/** TF's bilinear formula as TF writes it (lerp of lerps), for the forward reference. */
function bilinearRef(x: Float64Array, xs: number[], sz: number[], fl: Flags): Float64Array {
  const [N, H, W, C] = xs;
  const [OH, OW] = sz;
  const y = new Float64Array(N * OH * OW * C);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++) {
        const [t, b, ty] = lerpOf(H, OH, i, fl);
        const [l, r, tx] = lerpOf(W, OW, j, fl);
        for (let c = 0; c < C; c++) {
          const at = (yy: number, xx: number) => x[((n * H + yy) * W + xx) * C + c];
          const top = at(t, l) + (at(t, r) - at(t, l)) * tx;
          const bot = at(b, l) + (at(b, r) - at(b, l)) * tx;
          y[((n * OH + i) * OW + j) * C + c] = top + (bot - top) * ty;
        }
      }
  return y;
}

const flagCases: [number[], number[], Flags][] = [
  [[1, 3, 4, 2], [7, 5], { align: false, half: false }], // up
  [[2, 9, 7, 1], [2, 3], { align: false, half: false }], // down: rows skipped and merged
  [[1, 3, 4, 2], [6, 7], { align: true, half: false }],
  [[1, 4, 3, 2], [7, 5], { align: false, half: true }],
  [[1, 8, 5, 2], [3, 4], { align: false, half: true }],
  [[1, 3, 3, 1], [1, 1], { align: true, half: false }], // out 1 with alignCorners: scale in/out
  [[1, 1, 1, 1], [2, 3], { align: false, half: true }],
];
const label = (xs: number[], sz: number[], fl: Flags) =>
  `[${xs}] -> [${sz}] alignCorners ${fl.align} halfPixelCenters ${fl.half}`;

describe('resizeNearestNeighbor', () => {
  for (const [xs, sz, fl] of flagCases) {
    checkOp('resize_nearest_neighbor', {
      name: `resizeNearestNeighbor ${label(xs, sz, fl)}`,
      fn: (x) => tf.image.resizeNearestNeighbor(x, sz, fl.align, fl.half),
      shapes: [xs],
      outShapes: [[xs[0], ...sz, xs[3]]],
      ref: ([x]) => resizeRef(x, xs, sz, fl, false),
    });
  }
  const plain = { align: false, half: false };
  checkOp('resize_nearest_neighbor', {
    fn: (x) => tf.image.resizeNearestNeighbor(x, [5, 3]),
    shapes: [[1, 3, 4, 3]],
    transpose: true,
    ref: ([x]) => resizeRef(x, [1, 3, 4, 3], [5, 3], plain, false),
  });
  checkOp('resize_nearest_neighbor', {
    name: 'resizeNearestNeighbor int32',
    fn: (x) => tf.image.resizeNearestNeighbor(x, [4, 4]),
    shapes: [[1, 2, 2, 1]],
    dtypes: ['int32'],
    low: -9,
    high: 9,
    forwardOnly: true,
    ref: ([x]) => resizeRef(x, [1, 2, 2, 1], [4, 4], plain, false),
  });
  checkOp('resize_nearest_neighbor', {
    name: 'resizeNearestNeighbor empty batch',
    fn: (x) => tf.image.resizeNearestNeighbor(x, [4, 4]),
    shapes: [[0, 2, 2, 1]],
    outShapes: [[0, 4, 4, 1]],
    ref: () => [],
    forwardOnly: true,
  });
});

describe('resizeBilinear', () => {
  for (const [xs, sz, fl] of flagCases) {
    checkOp('resize_bilinear', {
      name: `resizeBilinear ${label(xs, sz, fl)}`,
      fn: (x) => tf.image.resizeBilinear(x, sz, fl.align, fl.half),
      shapes: [xs],
      outShapes: [[xs[0], ...sz, xs[3]]],
      ref: ([x]) => bilinearRef(x, xs, sz, fl),
    });
  }
  const plain = { align: false, half: false };
  checkOp('resize_bilinear', {
    fn: (x) => tf.image.resizeBilinear(x, [5, 3]),
    shapes: [[1, 3, 4, 3]],
    transpose: true,
    ref: ([x]) => bilinearRef(x, [1, 3, 4, 3], [5, 3], plain),
  });
  checkOp('resize_bilinear', {
    name: 'resizeBilinear NaN spreads to the pixels that read it',
    fn: (x) => tf.image.resizeBilinear(x, [1, 4]),
    shapes: [[1, 1, 2, 1]],
    inputs: [[NaN, 1]],
    forwardOnly: true,
    ref: () => [NaN, NaN, 1, 1],
  });
  it('int32 images give float32, as TF', () =>
    withEager(() => {
      const y = tf.image.resizeBilinear(tf.constant([0, 4], 'int32', [1, 1, 2, 1]), [1, 4]);
      expect(y.dtype).toBe('float32');
      expect(Array.from(y.dataSync())).toEqual([0, 2, 4, 4]);
    }));
});

describe('resize backward kernels', () => {
  // [2,40,40,8] -> [70,30]: 12800 input rows·columns, threaded gathers (up in h, down in w).
  for (const bilinear of [false, true]) {
    const flags = [
      { align: false, half: false },
      { align: true, half: false },
      { align: false, half: true },
    ];
    for (const fl of flags) {
      const kind = bilinear ? 'bilinear' : 'nearest';
      const what = label([2, 40, 40, 8], [70, 30], fl);
      const name = `${kind} large (threaded) gradient = scatter reference, ${what}`;
      it(name, () =>
        withEager(() => {
          const xs = [2, 40, 40, 8], sz = [70, 30];
          const next = rng(9);
          const x = tf.constant(uniform(size(xs), -1, 1, next), 'float64', xs);
          const dy = uniform(xs[0] * sz[0] * sz[1] * xs[3], -1, 1, next);
          const tape = new tf.GradientTape();
          const y = tape.record(() => {
            tape.watch(x);
            const resize = bilinear ? tf.image.resizeBilinear : tf.image.resizeNearestNeighbor;
            return resize(x, sz, fl.align, fl.half);
          });
          const [dx] = tape.gradient(y, [x], [tf.constant(dy, 'float64', y.shape)]);
          const want = resizeBackRef(dy, xs, sz, fl, bilinear);
          expectClose(dx!.dataSync(), want, { atol: 1e-12, rtol: 1e-12 }, 'dimages');
        }));
    }
  }
});

describe('resize: second order (the gradient of the gradient)', () => {
  // g(x, w) = d<w, resize(x)>/dx runs the backward kernel; its gradient for w is the forward
  // resize again (the kernel is linear in dy), checked by finite differences.
  for (const bilinear of [false, true]) {
    const [xs, sz, fl] = flagCases[bilinear ? 3 : 1];
    const resize = (x: tf.Tensor) => (bilinear ? tf.image.resizeBilinear : tf.image.resizeNearestNeighbor)(x, sz, fl.align, fl.half);
    checkOp(bilinear ? 'resize_bilinear_backward' : 'resize_nearest_neighbor_backward', {
      name: `${bilinear ? 'bilinear' : 'nearest'} ${label(xs, sz, fl)}: gradient of the gradient`,
      fn: gradientOf(resize),
      shapes: [xs, [xs[0], sz[0], sz[1], xs[3]]],
      ref: ([, w]) => resizeBackRef(w, xs, sz, fl, bilinear),
    });
  }
});

describe('resize errors and graph mode', () => {
  it('rejects bad sizes, flags, ranks and dtypes', () =>
    withEager(() => {
      const x = tf.zeros([1, 3, 3, 1]);
      const { resizeBilinear, resizeNearestNeighbor } = tf.image;
      expect(() => resizeBilinear(x, [0, 3])).toThrow(
        /resizeBilinear \(images \[1,3,3,1\]\): size must be two positive integers \[height,/,
      );
      expect(() => resizeNearestNeighbor(x, [2.5, 3])).toThrow(
        /resizeNearestNeighbor \(images \[1,3,3,1\]\): size must be two positive integers/,
      );
      expect(() => resizeBilinear(x, [3, 3], true, true)).toThrow(
        /resizeBilinear \(images \[1,3,3,1\]\): alignCorners must be false when halfPixel/,
      );
      expect(() => resizeBilinear(tf.zeros([3, 3, 1]), [3, 3])).toThrow(
        /resize_bilinear: 'images' must be NHWC \(rank 4\), got \[3,3,1\]/,
      );
      expect(() => resizeBilinear(tf.zeros([1, 3, 3, 1], 'bool'), [3, 3])).toThrow(
        /resizeBilinear: expected float32 or float64 or int32 input 'images', got bool/,
      );
      expect(() => tf.image.resizeNearestNeighbor(tf.zeros([1, 0, 3, 1]), [3, 3])).toThrow(
        /resize_nearest_neighbor: cannot resize an empty image \[1,0,3,1\] \(inputs: float32/,
      );
    }));
  it('graph mode: unknown batch and channels propagate', () => {
    const was = tf.executingEagerly();
    tf.disableEagerExecution();
    try {
      new tf.Graph().asDefault(() => {
        const x = tf.placeholder('float32', [null, 28, 28, null], 'x');
        expect(tf.image.resizeBilinear(x, [14, 7]).shape).toEqual([null, 14, 7, null]);
        expect(tf.image.resizeNearestNeighbor(x, [56, 56]).shape).toEqual([null, 56, 56, null]);
      });
    } finally {
      if (was) tf.enableEagerExecution();
    }
  });
});
