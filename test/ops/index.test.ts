// Index family: gather, gather_nd, one_hot, cast. References are plain float64 JS loops written
// from the TF 1.x definitions; creation ops (fill, range, linspace, eye) are in
// index_creation.test.ts.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { runOp } from '../../lib/engine.js';
import { native } from '../../lib/native.js';
import { checkOp, withEager } from '../helpers/check_op.js';
import { expectClose } from '../helpers/close.js';
import { rng, uniform } from '../helpers/random.js';

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** out[o, i, j] = params[o, idx[i], j], params viewed as [outer, A, inner] around axis. */
function gatherRef(p: ArrayLike<number>, ps: number[], idx: ArrayLike<number>, axis: number): Float64Array {
  const ax = axis < 0 ? axis + ps.length : axis;
  const [outer, a, inner, n] = [prod(ps.slice(0, ax)), ps[ax], prod(ps.slice(ax + 1)), idx.length];
  const out = new Float64Array(outer * n * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < inner; j++) out[(o * n + i) * inner + j] = p[(o * a + idx[i]) * inner + j];
  return out;
}

/** out[m, :] = params[idx[m, 0], ..., idx[m, K-1], :]. */
function gatherNdRef(p: ArrayLike<number>, ps: number[], idx: ArrayLike<number>, is: number[]): Float64Array {
  const k = is[is.length - 1];
  const m = prod(is.slice(0, -1));
  const slice = prod(ps.slice(k));
  const out = new Float64Array(m * slice);
  for (let r = 0; r < m; r++) {
    let row = 0;
    for (let d = 0; d < k; d++) row = row * ps[d] + idx[r * k + d];
    for (let j = 0; j < slice; j++) out[r * slice + j] = p[row * slice + j];
  }
  return out;
}

/** TF one_hot with the depth dim inserted at axis (-1 = last). */
function oneHotRef(idx: ArrayLike<number>, is: number[], depth: number, axis: number, on = 1, off = 0): Float64Array {
  const ax = axis < 0 ? is.length : axis;
  const [outer, inner] = [prod(is.slice(0, ax)), prod(is.slice(ax))];
  const out = new Float64Array(outer * depth * inner).fill(off);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const v = idx[o * inner + i];
      if (v >= 0 && v < depth) out[(o * depth + v) * inner + i] = on;
    }
  return out;
}

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

/** dx = zeros(ps); dx[o, idx[i], j] += dy[o, i, j]: the reference gather backward. */
function gatherBackwardRef(dy: ArrayLike<number>, idx: ArrayLike<number>, ps: number[], axis: number): Float64Array {
  const [outer, a, inner, n] = [prod(ps.slice(0, axis)), ps[axis], prod(ps.slice(axis + 1)), idx.length];
  const dx = new Float64Array(prod(ps));
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < inner; j++) dx[(o * a + idx[i]) * inner + j] += dy[(o * n + i) * inner + j];
  return dx;
}

/**
 * Backward kernels on tensors above the parallel grain, against the JS scatter-add (the
 * finite-difference checks use small shapes). Repeated indices must accumulate across threads.
 */
function checkBackwardLarge(op: string, ps: number[], idx: number[], is: number[], dyShape: number[], axis: number): void {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`${op} ${dtype} params [${ps}] indices [${is}] (parallel, repeated indices)`, () =>
      withEager(() => tf.tidy(() => {
        const dyv = uniform(prod(dyShape), -1, 1, rng(7));
        const dy = tf.constant(dyv, dtype, dyShape);
        const params = tf.zeros(ps, dtype);
        const got = runOp(op, [dy, tf.constant(idx, 'int32', is), params], op === 'gather_backward' ? { axis } : {})[0];
        expect(got.shape).toEqual(ps);
        const d = dtype === 'float32' ? Float64Array.from(Float32Array.from(dyv)) : dyv;
        const want = gatherBackwardRef(d, idx, ps, axis);
        expectClose(Array.from(got.dataSync() as ArrayLike<number>), want, dtype === 'float32' ? { atol: 1e-5, rtol: 1e-5 } : { atol: 1e-12 });
      })));
  }
}

describe('gather', () => {
  // Rank-2 indices with repeats, so the scatter-add backward must accumulate.
  const idx23 = [4, 0, 4, 2, 4, 0];
  checkOp('gather', {
    name: 'gather axis 0, [5,4] params, [2,3] indices (repeated)',
    fn: (p, i) => tf.gather(p, i, 0), shapes: [[5, 4], [2, 3]], dtypes: ['float', 'int32'],
    inputs: [undefined, idx23], wrt: [0], outShapes: [[2, 3, 4]],
    ref: ([p, i]) => gatherRef(p, [5, 4], i, 0),
  });
  checkOp('gather', {
    name: 'gather axis 1, [3,5,2] params, [2,2] indices',
    fn: (p, i) => tf.gather(p, i, 1), shapes: [[3, 5, 2], [2, 2]], dtypes: ['float', 'int32'],
    inputs: [undefined, [1, 4, 1, 0]], wrt: [0], outShapes: [[3, 2, 2, 2]],
    ref: ([p, i]) => gatherRef(p, [3, 5, 2], i, 1),
  });
  checkOp('gather', {
    name: 'gather axis -1, [3,4] params, [2,3] indices',
    fn: (p, i) => tf.gather(p, i, -1), shapes: [[3, 4], [2, 3]], dtypes: ['float', 'int32'],
    inputs: [undefined, [3, 3, 0, 1, 2, 3]], wrt: [0], outShapes: [[3, 2, 3]],
    ref: ([p, i]) => gatherRef(p, [3, 4], i, -1),
  });
  // Above the parallel grain (forward here; the backward kernel is checked against a JS
  // scatter-add below, finite differences over 40K elements being too slow).
  const embIdx = seq(600, (i) => (i * 7919) % 397);
  checkOp('gather', {
    name: 'gather embedding rows [400,64] x [600] (parallel, repeated)',
    fn: (p, i) => tf.gather(p, i), shapes: [[400, 64], [600]], dtypes: ['float', 'int32'],
    inputs: [undefined, embIdx], forwardOnly: true, outShapes: [[600, 64]],
    ref: ([p, i]) => gatherRef(p, [400, 64], i, 0),
  });
  checkOp('gather', {
    name: 'gather axis -1 with inner 1, [500,80] x [90] (parallel element path)',
    fn: (p, i) => tf.gather(p, i, -1), shapes: [[500, 80], [90]], dtypes: ['float', 'int32'],
    inputs: [undefined, seq(90, (i) => (i * 31) % 80)], forwardOnly: true,
    ref: ([p, i]) => gatherRef(p, [500, 80], i, -1),
  });
  checkOp('gather', {
    fn: (p, i) => tf.gather(p, i, 1), shapes: [[4, 6], [3, 2]], dtypes: ['float', 'int32'],
    inputs: [undefined, [5, 0, 2, 2, 1, 4]], transpose: true, wrt: [0],
    ref: ([p, i]) => gatherRef(p, [4, 6], i, 1),
  });
  checkOp('gather', {
    name: 'gather int32 and bool params',
    fn: (p, b, i) => [tf.gather(p, i), tf.gather(b, i)], shapes: [[4, 2], [4, 2], [3]],
    dtypes: ['int32', 'bool', 'int32'], inputs: [seq(8, (i) => i * 3 - 7), [1, 0, 0, 1, 1, 1, 0, 0], [3, 1, 3]],
    forwardOnly: true, ref: ([p, b, i]) => [gatherRef(p, [4, 2], i, 0), gatherRef(b, [4, 2], i, 0)],
  });
  checkOp('gather', { name: 'gather size 0: no indices', fn: (p, i) => tf.gather(p, i), shapes: [[3, 2], [0]],
    dtypes: ['float', 'int32'], outShapes: [[0, 2]], ref: () => [], wrt: [0] });
  checkOp('gather', { name: 'gather size 0: empty inner dim', fn: (p, i) => tf.gather(p, i), shapes: [[3, 0], [2]],
    dtypes: ['float', 'int32'], inputs: [undefined, [2, 2]], outShapes: [[2, 0]], ref: () => [], forwardOnly: true });
  checkOp('gather', { name: 'gather size 1 with scalar index', fn: (p, i) => tf.gather(p, i), shapes: [[1], []],
    dtypes: ['float', 'int32'], inputs: [undefined, [0]], outShapes: [[]], wrt: [0], ref: ([p]) => [p[0]] });

  describe('gather_backward on large tensors', () => {
    checkBackwardLarge('gather_backward', [400, 64], embIdx, [600], [600, 64], 0);      // column split
    checkBackwardLarge('gather_backward', [300, 7, 20], [6, 0, 6, 3, 3, 1, 6, 2, 0], [9], [300, 9, 20], 1);  // outer blocks
    checkBackwardLarge('gather_backward', [2000, 30], seq(40, (i) => (i * 3) % 29), [40], [2000, 40], 1);  // inner 1
    // gather_nd with K = 1 is a row gather: the same reference applies.
    checkBackwardLarge('gather_nd_backward', [200, 300], seq(150, (i) => (i * 37) % 199), [150, 1], [150, 300], 0);
  });

  // Second order: gather_backward is linear in dy, its gradient is gather again.
  checkOp('gather', {
    name: 'gather_backward differentiated wrt dy (double backprop)',
    fn: (dy, i, p) => runOp('gather_backward', [dy, i, p], { axis: 1 })[0], shapes: [[2, 4, 3], [4], [2, 5, 3]],
    dtypes: ['float', 'int32', 'float'], inputs: [undefined, [4, 1, 4, 0]], wrt: [0],
    ref: ([dy, i]) => gatherBackwardRef(dy, i, [2, 5, 3], 1),
  });

  it('propagates NaN and accepts JavaScript index arrays', () =>
    withEager(() => {
      const p = tf.constant([[NaN, 1], [2, Infinity]]);
      expect(Array.from(tf.gather(p, [1, 0, 1]).dataSync())).toEqual([2, Infinity, NaN, 1, 2, Infinity]);
    }));

  it('rejects out-of-range indices naming op, position, value and range', () =>
    withEager(() => {
      const p = tf.constant(new Float32Array(10), 'float32', [5, 2]);
      expect(() => tf.gather(p, [[0, 1], [5, 2]])).toThrow(/^gather: indices\[1,0\] = 5 is out of range: must be in \[0, 5\).*float32\[5,2\], int32\[2,2\]/);
      expect(() => tf.gather(p, [-1])).toThrow(/gather: indices\[0\] = -1 is out of range: must be in \[0, 5\)/);
      expect(() => tf.gather(p, [0], 1)).not.toThrow();
      expect(() => tf.gather(p, [2], 1)).toThrow(/gather: indices\[0\] = 2 .* \[0, 2\)/);
      const empty = tf.constant(new Float32Array(0), 'float32', [0, 3]);
      expect(() => tf.gather(empty, [0])).toThrow(/gather: indices\[0\] = 0 .* \[0, 0\)/);
    }));

  it('rejects float indices, bad axis and scalar params', () =>
    withEager(() => {
      const p = tf.constant([[1, 2], [3, 4]]);
      expect(() => tf.gather(p, tf.constant([0, 1]))).toThrow(/gather: expected int32 indices 'indices', got float32 \[2\]/);
      expect(() => tf.gather(p, [0.5])).toThrow(/gather: expected int32 indices/);
      expect(() => tf.gather(p, [0], 2)).toThrow(/gather: axis 2 is out of range for params of shape \[2,2\]/);
      expect(() => tf.gather(p, [0], 0.5)).toThrow(/gather: axis 0.5/);
      expect(() => tf.gather(tf.constant(3), [0])).toThrow(/gather: params must have rank >= 1/);
    }));

  it('native side validates everything itself (bypassing the TS checks)', () =>
    withEager(() => {
      const p = tf.constant([[1, 2], [3, 4]]);
      const f = tf.constant([0, 1]);
      const i = tf.constant([1, 7], 'int32');
      expect(() => runOp('gather', [p, f])).toThrow(/gather: expected int32 indices 'indices', got float32 \(inputs: float32\[2,2\], float32\[2\]\)/);
      expect(() => runOp('gather', [p, i])).toThrow(/gather: indices\[1\] = 7 is out of range/);
      expect(() => runOp('gather', [p, i], { axis: -3 })).toThrow(/gather: axis -3/);
      expect(() => runOp('gather', [p, i], { axis: 0.5 })).toThrow(/gather: attribute 'axis' must be an integer/);
      const dy = tf.constant(new Float32Array(4), 'float32', [2, 2]);
      expect(() => runOp('gather_backward', [dy, i, p])).toThrow(/gather_backward: indices\[1\] = 7 is out of range/);
      const bad = tf.constant(new Float32Array(6), 'float32', [3, 2]);
      expect(() => runOp('gather_backward', [bad, tf.constant([0, 1], 'int32'), p])).toThrow(/gather_backward: gradient 'dy' has shape \[3,2\], expected \[2,2\]/);
    }));

  it('infers graph-mode shapes with unknown dims', () => {
    const out = native.inferShapes('gather', [{ dtype: 'float32', shape: [null, 8] }, { dtype: 'int32', shape: [null, 3] }], { axis: 1 });
    expect(out).toEqual([{ dtype: 'float32', shape: [null, null, 3] }]);
    const back = native.inferShapes('gather_backward', [
      { dtype: 'float32', shape: [4, null] }, { dtype: 'int32', shape: [4] }, { dtype: 'float32', shape: [null, 8] },
    ], { axis: 0 });
    expect(back).toEqual([{ dtype: 'float32', shape: [null, 8] }]);
  });
});

describe('gather_nd', () => {
  const nd = (ps: number[], is: number[]) => ([p, i]: Float64Array[]) => gatherNdRef(p, ps, i, is);
  checkOp('gather_nd', {
    name: 'gather_nd partial depth K=2 on [4,5,3], [2,3,2] indices (repeated)',
    fn: (p, i) => tf.gatherNd(p, i), shapes: [[4, 5, 3], [2, 3, 2]], dtypes: ['float', 'int32'],
    inputs: [undefined, [3, 4, 0, 0, 3, 4, 1, 2, 3, 4, 2, 1]], wrt: [0], outShapes: [[2, 3, 3]], ref: nd([4, 5, 3], [2, 3, 2]),
  });
  checkOp('gather_nd', {
    name: 'gather_nd full depth K=3 picks elements',
    fn: (p, i) => tf.gatherNd(p, i), shapes: [[2, 3, 4], [5, 3]], dtypes: ['float', 'int32'],
    inputs: [undefined, [1, 2, 3, 0, 0, 0, 1, 2, 3, 0, 1, 2, 1, 0, 1]], wrt: [0], outShapes: [[5]], ref: nd([2, 3, 4], [5, 3]),
  });
  checkOp('gather_nd', {
    name: 'gather_nd K=1 rows, transposed params',
    fn: (p, i) => tf.gatherNd(p, i), shapes: [[6, 4], [3, 1]], dtypes: ['float', 'int32'],
    inputs: [undefined, [5, 0, 5]], transpose: true, wrt: [0], ref: nd([6, 4], [3, 1]),
  });
  checkOp('gather_nd', {
    name: 'gather_nd large slices [200,300] x [150,1] (parallel)',
    fn: (p, i) => tf.gatherNd(p, i), shapes: [[200, 300], [150, 1]], dtypes: ['float', 'int32'],
    inputs: [undefined, seq(150, (i) => (i * 37) % 199)], forwardOnly: true, ref: nd([200, 300], [150, 1]),
  });
  checkOp('gather_nd', {
    name: 'gather_nd int32 params', fn: (p, i) => tf.gatherNd(p, i), shapes: [[3, 2], [2, 2]],
    dtypes: ['int32', 'int32'], inputs: [[1, 2, 3, 4, 5, 6], [2, 1, 0, 0]], forwardOnly: true, ref: nd([3, 2], [2, 2]),
  });
  checkOp('gather_nd', { name: 'gather_nd size 0', fn: (p, i) => tf.gatherNd(p, i), shapes: [[3, 2], [0, 1]],
    dtypes: ['float', 'int32'], outShapes: [[0, 2]], ref: () => [], wrt: [0] });

  checkOp('gather_nd', {
    name: 'gather_nd_backward differentiated wrt dy (double backprop)',
    fn: (dy, i, p) => runOp('gather_nd_backward', [dy, i, p])[0], shapes: [[3, 2], [3, 1], [4, 2]],
    dtypes: ['float', 'int32', 'float'], inputs: [undefined, [3, 0, 3]], wrt: [0],
    ref: ([dy, i]) => gatherBackwardRef(dy, i, [4, 2], 0),
  });

  it('propagates NaN', () =>
    withEager(() => {
      expect(Array.from(tf.gatherNd(tf.constant([[NaN, 1], [2, 3]]), [[0, 0], [1, 1]]).dataSync())).toEqual([NaN, 3]);
    }));

  it('rejects out-of-range tuples, too-deep indices and float indices', () =>
    withEager(() => {
      const p = tf.constant(new Float32Array(15), 'float32', [3, 5]);
      expect(() => tf.gatherNd(p, [[0, 1], [2, 5]])).toThrow(/^gather_nd: indices\[1\] = \[2,5\] is out of range for params of shape \[3,5\]: index 1 must be in \[0, 5\)/);
      expect(() => tf.gatherNd(p, [[-1, 0]])).toThrow(/gather_nd: indices\[0\] = \[-1,0\] .* index 0 must be in \[0, 3\)/);
      expect(() => tf.gatherNd(p, [[0, 0, 0]])).toThrow(/gather_nd: index depth 3 .* exceeds the rank of params \[3,5\]/);
      expect(() => tf.gatherNd(p, tf.constant([[0, 0]]))).toThrow(/gatherNd: expected int32 indices 'indices', got float32/);
      expect(() => runOp('gather_nd', [p, tf.constant([[0, 0]])])).toThrow(/gather_nd: expected int32 indices/);
      expect(() => tf.gatherNd(p, tf.constant(1, 'int32'))).toThrow(/gatherNd: indices must have rank >= 1/);
      const dy = tf.constant([1, 2]);
      expect(() => runOp('gather_nd_backward', [dy, tf.constant([[0, 9], [0, 0]], 'int32'), p])).toThrow(/gather_nd_backward: indices\[0\] = \[0,9\]/);
    }));

  it('infers graph-mode shapes with unknown dims; the index depth must be known', () => {
    const out = native.inferShapes('gather_nd', [{ dtype: 'float64', shape: [null, 5, 7] }, { dtype: 'int32', shape: [null, 2] }], {});
    expect(out).toEqual([{ dtype: 'float64', shape: [null, 7] }]);
    expect(() => native.inferShapes('gather_nd', [{ dtype: 'float32', shape: [3, 5] }, { dtype: 'int32', shape: [4, null] }], {}))
      .toThrow(/gather_nd: the last dimension of indices \(the index depth\) must be known/);
  });
});

describe('one_hot', () => {
  const idx = [0, 3, -1, 4, 2, 3]; // -1 and 4 are out of range for depth 4: all-off rows
  checkOp('one_hot', {
    name: 'one_hot axis -1 with out-of-range indices', fn: (i) => tf.oneHot(i, 4), shapes: [[2, 3]], dtypes: ['int32'],
    inputs: [idx], forwardOnly: true, outShapes: [[2, 3, 4]], ref: ([i]) => oneHotRef(i, [2, 3], 4, -1),
  });
  checkOp('one_hot', {
    name: 'one_hot axis 0, on 5 / off -2', fn: (i) => tf.oneHot(i, 4, { axis: 0, onValue: 5, offValue: -2 }), shapes: [[2, 3]],
    dtypes: ['int32'], inputs: [idx], forwardOnly: true, outShapes: [[4, 2, 3]], ref: ([i]) => oneHotRef(i, [2, 3], 4, 0, 5, -2),
  });
  checkOp('one_hot', {
    name: 'one_hot axis 1, float64', fn: (i) => tf.oneHot(i, 5, { axis: 1, dtype: 'float64', onValue: 0.9, offValue: 0.025 }),
    shapes: [[2, 3]], dtypes: ['int32'], inputs: [idx], forwardOnly: true, outShapes: [[2, 5, 3]],
    ref: ([i]) => oneHotRef(i, [2, 3], 5, 1, 0.9, 0.025),
  });
  checkOp('one_hot', {
    name: 'one_hot int32 and bool outputs', fn: (i) => [tf.oneHot(i, 3, { dtype: 'int32', onValue: 7 }), tf.oneHot(i, 3, { dtype: 'bool' })],
    shapes: [[4]], dtypes: ['int32'], inputs: [[2, 0, 1, 9]], forwardOnly: true,
    ref: ([i]) => [oneHotRef(i, [4], 3, -1, 7), oneHotRef(i, [4], 3, -1)],
  });
  checkOp('one_hot', {
    name: 'one_hot large (parallel)', fn: (i) => tf.oneHot(i, 10), shapes: [[100, 50]], dtypes: ['int32'],
    inputs: [seq(5000, (i) => (i * 13) % 11)], forwardOnly: true, ref: ([i]) => oneHotRef(i, [100, 50], 10, -1),
  });
  checkOp('one_hot', {
    fn: (i) => tf.oneHot(i, 4, { axis: 1 }), shapes: [[3, 2]], dtypes: ['int32'], inputs: [[3, 0, 1, 1, 2, 5]],
    transpose: true, forwardOnly: true, ref: ([i]) => oneHotRef(i, [3, 2], 4, 1),
  });
  checkOp('one_hot', { name: 'one_hot size 0 (no indices, depth 0)', fn: (i) => [tf.oneHot(i, 3), tf.oneHot(tf.constant([1], 'int32'), 0)],
    shapes: [[0]], dtypes: ['int32'], forwardOnly: true, outShapes: [[0, 3], [1, 0]], ref: () => [[], []] });
  checkOp('one_hot', { name: 'one_hot scalar index', fn: (i) => tf.oneHot(i, 3), shapes: [[]], dtypes: ['int32'], inputs: [[1]],
    forwardOnly: true, outShapes: [[3]], ref: () => [0, 1, 0] });

  it('rejects bad depth, axis, dtype, values and float indices', () =>
    withEager(() => {
      const i = tf.constant([0, 1], 'int32');
      expect(() => tf.oneHot(i, -1)).toThrow(/oneHot: depth must be an integer >= 0, got -1/);
      expect(() => runOp('one_hot', [i], { depth: -1 })).toThrow(/one_hot: depth must be >= 0, got -1 \(inputs: int32\[2\]\)/);
      expect(() => tf.oneHot(i, 2.5)).toThrow(/oneHot: depth must be an integer/);
      expect(() => tf.oneHot(i, 3, { axis: 2 })).toThrow(/oneHot: axis 2 is out of range for indices of rank 1/);
      expect(() => runOp('one_hot', [i], { depth: 3, axis: -2 })).toThrow(/one_hot: axis -2 is out of range/);
      expect(() => tf.oneHot(i, 3, { dtype: 'int8' as tf.DType })).toThrow(/oneHot: dtype must be/);
      expect(() => tf.oneHot(i, 3, { dtype: 'int32', onValue: 0.5 })).toThrow(/one_hot: attribute 'on_value' = 0.5 is not an int32 value/);
      expect(() => tf.oneHot(tf.constant([0, 1]), 3)).toThrow(/oneHot: expected int32 indices 'indices', got float32/);
      expect(() => runOp('one_hot', [tf.constant([0, 1])], { depth: 3 })).toThrow(/one_hot: expected int32 indices/);
    }));

  it('infers graph-mode shapes with unknown dims', () => {
    const out = native.inferShapes('one_hot', [{ dtype: 'int32', shape: [null, 3] }], { depth: 4, axis: 1 });
    expect(out).toEqual([{ dtype: 'float32', shape: [null, 4, 3] }]);
  });
});

// ---------------------------------------------------------------- cast

type D = 'float32' | 'float64' | 'int32' | 'bool';
/** float -> int32: truncate toward zero, saturate, NaN -> 0; -> bool: x != 0 (NaN -> true). */
function castRef(v: number, to: D): number {
  switch (to) {
    case 'float32': return Math.fround(v);
    case 'float64': return v;
    case 'int32': return Number.isNaN(v) ? 0 : Math.trunc(Math.min(Math.max(v, -2147483648), 2147483647));
    case 'bool': return v !== 0 ? 1 : 0;
  }
}

describe('cast', () => {
  const floats = [1.7, -1.7, 2.5, -0.5, 0, -0, 3e9, -3e9, 1e-3, 2147483647.9, NaN, Infinity, -Infinity, 16777217, 0.1, -2];
  const ints = [0, 1, -1, 2147483647, -2147483648, 16777217, 7, -300, 5, 0, 42, 3];
  const bools = [0, 1, 1, 0, 1, 0];
  const sources: [D | 'float', number[], number[]][] = [['float', floats, [4, 4]], ['int32', ints, [3, 4]], ['bool', bools, [2, 3]]];
  for (const [from, values, shape] of sources) {
    for (const to of ['float32', 'float64', 'int32', 'bool'] as D[]) {
      checkOp('cast', {
        name: `cast ${from} -> ${to}`, fn: (x) => tf.cast(x, to), shapes: [shape], dtypes: [from === 'float' ? 'float' : (from as 'int32' | 'bool')],
        inputs: [values], forwardOnly: true, outShapes: [shape], ref: ([x]) => x.map((v) => castRef(v, to)),
      });
    }
  }
  // f64 -> f32 -> f64 differentiates both float directions. Inputs are small so that the
  // float32 rounding of x ± h (ulp ~1e-10) stays far below h = 1e-6 in the finite differences.
  checkOp('cast', {
    name: 'cast gradient float64 -> float32 -> float64', fn: (x) => tf.cast(tf.cast(x, 'float32'), 'float64'),
    shapes: [[3, 5]], low: -1e-3, high: 1e-3, gradAtol: 1e-3, gradRtol: 1e-3, atol: 1e-9, ref: ([x]) => x.map(Math.fround),
  });
  checkOp('cast', { name: 'cast float -> float64 gradient', fn: (x) => tf.cast(x, 'float64'), shapes: [[4, 3]], ref: ([x]) => x });
  checkOp('cast', { fn: (x) => tf.cast(x, 'int32'), shapes: [[3, 4]], transpose: true, forwardOnly: true, low: -50, high: 50,
    ref: ([x]) => x.map((v) => castRef(v, 'int32')) });
  checkOp('cast', { name: 'cast large (parallel)', fn: (x) => tf.cast(x, 'int32'), shapes: [[300, 200]], forwardOnly: true,
    low: -1e4, high: 1e4, ref: ([x]) => x.map((v) => castRef(v, 'int32')) });
  checkOp('cast', { name: 'cast size 0', fn: (x) => tf.cast(x, 'bool'), shapes: [[0, 3]], forwardOnly: true, outShapes: [[0, 3]], ref: () => [] });
  checkOp('cast', { name: 'cast size 1', fn: (x) => tf.cast(x, 'float64'), shapes: [[1]], ref: ([x]) => x });

  it('gives no gradient through an integer or bool cast', () =>
    withEager(() => {
      const x = tf.constant([1.5, 2.5], 'float64');
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tape.watch(x);
        return tf.cast(tf.cast(x, 'int32'), 'float64');
      });
      expect(tape.gradient(y, [x])[0]).toBeNull();
    }));

  it('rejects unknown dtypes (TS and native)', () =>
    withEager(() => {
      const x = tf.constant([1, 2]);
      expect(() => tf.cast(x, 'float16' as tf.DType)).toThrow(/cast: dtype must be float32, float64, int32, bool; got 'float16'/);
      expect(() => runOp('cast', [x], { dtype: 'int8' })).toThrow(/cast: unknown dtype 'int8'/);
      expect(() => runOp('cast', [x], {})).toThrow(/cast: missing attribute 'dtype'/);
    }));
});
