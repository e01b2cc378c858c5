/**
 * Shape ops, part 2: slice, strided_slice, tile, pad, reverse. References are float64 index
 * arithmetic; strided_slice is checked against NumPy/Python indexing semantics written as index
 * items (slices, integers, newaxis, ellipsis), independently of TF's mask encoding.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { native } from '../../lib/native.js';
import { checkOp, withEager } from '../helpers/check_op.js';
import { gradientOf } from '../helpers/gradcheck.js';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
function unravel(i: number, s: number[]): number[] {
  const idx = new Array<number>(s.length);
  for (let d = s.length - 1; d >= 0; d--) {
    idx[d] = i % s[d];
    i = Math.floor(i / s[d]);
  }
  return idx;
}
const ravel = (idx: number[], s: number[]) => idx.reduce((o, v, d) => o * s[d] + v, 0);
/** out[o] = x[src(o)], or `fill` where src returns null. */
const gatherRef = (x: ArrayLike<number>, xs: number[], os: number[], src: (o: number[]) => number[] | null, fill = 0) =>
  Array.from({ length: size(os) }, (_, i) => {
    const s = src(unravel(i, os));
    return s ? x[ravel(s, xs)] : fill;
  });
const zeros = (shape: number[], dtype: tf.DType = 'float32') => tf.constant(0, dtype, shape);

// ---------------------------------------------------------------- slice

const sliceRef = (xs: number[], begin: number[], sz: number[]) => ([x]: Float64Array[]) =>
  gatherRef(x, xs, sz.map((s, d) => (s === -1 ? xs[d] - begin[d] : s)), (o) => o.map((v, d) => v + begin[d]));

describe('slice', () => {
  checkOp('slice', { fn: (x) => tf.slice(x, [1, 0], [2, -1]), shapes: [[4, 3]], ref: sliceRef([4, 3], [1, 0], [2, -1]), outShapes: [[2, 3]] });
  checkOp('slice', { fn: (x) => tf.slice(x, [0, 1, 2], [2, 2, 2]), shapes: [[3, 4, 5]], ref: sliceRef([3, 4, 5], [0, 1, 2], [2, 2, 2]) });
  checkOp('slice', { fn: (x) => tf.slice(x, [1, 1], [3, 2]), shapes: [[5, 4]], transpose: true, ref: sliceRef([5, 4], [1, 1], [3, 2]) });
  checkOp('slice', { fn: (x) => tf.slice(x, [2], [1]), shapes: [[3]], ref: sliceRef([3], [2], [1]) });
  checkOp('slice', { fn: (x) => tf.slice(x, [3, 0], [0, -1]), shapes: [[3, 2]], ref: () => [], outShapes: [[0, 2]] });
  checkOp('slice', { fn: (x) => tf.slice(x, [1, 1], [1, 2]), shapes: [[3, 3]], dtypes: ['int32'], ref: sliceRef([3, 3], [1, 1], [1, 2]), forwardOnly: true });
  checkOp('slice', { fn: (x) => tf.slice(x, [1], [2]), shapes: [[4]], dtypes: ['bool'], low: 0, high: 2, ref: sliceRef([4], [1], [2]), forwardOnly: true });
  checkOp('slice', { fn: (x) => tf.slice(x, [1], [2]), shapes: [[3]], inputs: [[1, NaN, 3]], ref: () => [NaN, 3], forwardOnly: true });
  it('rejects out-of-bounds windows naming the shape', () =>
    withEager(() => {
      const x = zeros([2, 3]);
      expect(() => tf.slice(x, [1, 0], [2, 3])).toThrow(/^slice: begin \[1,0\], size \[2,3\] is out of bounds for shape \[2,3\] \(dimension 0\) \(inputs: float32\[2,3\]\)/);
      expect(() => tf.slice(x, [0, 4], [1, -1])).toThrow(/slice: begin \[0,4\], size \[1,-1\] is out of bounds/);
      expect(() => tf.slice(x, [-1, 0], [1, 1])).toThrow(/slice: begin \[-1,0\]/);
      expect(() => tf.slice(x, [0], [1])).toThrow(/slice: begin \[0\] and size \[1\] must have one entry per dimension of shape \[2,3\]/);
    }));
});

// ---------------------------------------------------------------- strided_slice

/** A Python index item: [start, stop, step] slice (null = omitted), an integer, newaxis or `...`. */
type Item = [number | null, number | null, number] | number | 'new' | '...';

/** Python's slice.indices(n) (CPython PySlice_AdjustIndices) as the list of taken indices. */
function pyRange(start: number | null, stop: number | null, step: number, n: number): number[] {
  const adjust = (v: number | null, dflt: number, lo: number, hi: number) =>
    v === null ? dflt : v < 0 ? Math.max(v + n, lo) : Math.min(v, hi);
  const [lo, hi] = step > 0 ? [0, n] : [-1, n - 1];
  const a = adjust(start, step > 0 ? 0 : n - 1, lo, hi);
  const b = adjust(stop, step > 0 ? n : -1, lo, hi);
  const out: number[] = [];
  for (let i = a; step > 0 ? i < b : i > b; i += step) out.push(i);
  return out;
}

/** x[items] with NumPy basic-indexing rules: values and shape. */
function numpyIndex(x: ArrayLike<number>, xs: number[], items: Item[]): { values: number[]; shape: number[] } {
  const real = items.filter((it) => it !== 'new' && it !== '...').length;
  const fill: Item[] = Array.from({ length: xs.length - real }, () => [null, null, 1]);
  const at = items.indexOf('...');
  const full = at >= 0 ? [...items.slice(0, at), ...fill, ...items.slice(at + 1)] : [...items, ...fill];
  const lists: number[][] = [];
  const shape: number[] = [];
  for (const it of full) {
    if (it === 'new') {
      shape.push(1);
    } else if (typeof it === 'number') {
      lists.push([it < 0 ? it + xs[lists.length] : it]);
    } else if (Array.isArray(it)) {
      const l = pyRange(it[0], it[1], it[2], xs[lists.length]);
      lists.push(l);
      shape.push(l.length);
    }
  }
  const proc = lists.map((l) => l.length);
  const values = Array.from({ length: size(proc) }, (_, i) => x[ravel(unravel(i, proc).map((k, d) => lists[d][k]), xs)]);
  return { values, shape };
}

interface SSCase {
  name: string;
  shape: number[];
  items: Item[];
  begin: number[];
  end: number[];
  strides?: number[];
  opts?: tf.StridedSliceOptions;
}
// Each case pairs TF's encoding with the NumPy expression it stands for (in `name`).
const cases: SSCase[] = [
  { name: 'x[1:4, 0:6:2]', shape: [5, 6], items: [[1, 4, 1], [0, 6, 2]], begin: [1, 0], end: [4, 6], strides: [1, 2] },
  { name: 'x[:, ::-1]', shape: [3, 4], items: [[null, null, 1], [null, null, -1]], begin: [0, 0], end: [0, 0], strides: [1, -1], opts: { beginMask: 3, endMask: 3 } },
  { name: 'x[-2:, 4:0:-2]', shape: [4, 6], items: [[-2, null, 1], [4, 0, -2]], begin: [-2, 4], end: [0, 0], strides: [1, -2], opts: { endMask: 1 } },
  { name: 'x[2, 1:3]', shape: [4, 5], items: [2, [1, 3, 1]], begin: [2, 1], end: [3, 3], strides: [1, 1], opts: { shrinkAxisMask: 1 } },
  { name: 'x[..., -1]', shape: [2, 3, 4], items: ['...', -1], begin: [0, -1], end: [0, 0], opts: { ellipsisMask: 1, shrinkAxisMask: 2 } },
  { name: 'x[:, newaxis, 1::2]', shape: [3, 5], items: [[null, null, 1], 'new', [1, null, 2]], begin: [0, 0, 1], end: [0, 0, 0], strides: [1, 1, 2], opts: { beginMask: 1, endMask: 5, newAxisMask: 2 } },
  { name: 'x[1, ..., newaxis, ::-2]', shape: [2, 3, 5], items: [1, '...', 'new', [null, null, -2]], begin: [1, 0, 0, 0], end: [2, 0, 0, 0], strides: [1, 1, 1, -2], opts: { shrinkAxisMask: 1, ellipsisMask: 2, newAxisMask: 4, beginMask: 8, endMask: 8 } },
  { name: 'x[-100:100:3] (clamped)', shape: [7], items: [[-100, 100, 3]], begin: [-100], end: [100], strides: [3] },
  { name: 'x[5:-100:-2] (clamped)', shape: [7], items: [[5, -100, -2]], begin: [5], end: [-100], strides: [-2] },
  { name: 'x[1:3] (implicit trailing dims)', shape: [4, 2, 3], items: [[1, 3, 1]], begin: [1], end: [3] },
];

describe('strided_slice', () => {
  for (const c of cases) {
    const fn = (x: tf.Tensor) => tf.stridedSlice(x, c.begin, c.end, c.strides, c.opts);
    const ref = ([x]: Float64Array[]) => numpyIndex(x, c.shape, c.items).values;
    const outShapes = [numpyIndex(new Float64Array(size(c.shape)), c.shape, c.items).shape];
    checkOp('strided_slice', { name: `strided_slice ${c.name}`, fn, shapes: [c.shape], ref, outShapes });
    if (c.shape.length >= 2) {
      checkOp('strided_slice', { name: `strided_slice ${c.name} (transposed)`, fn, shapes: [c.shape], ref, transpose: true });
    }
  }
  const rev = (x: tf.Tensor) => tf.stridedSlice(x, [0], [0], [-1], { beginMask: 1, endMask: 1 });
  checkOp('strided_slice', { name: 'strided_slice int32 x[::-1]', fn: rev, shapes: [[5]], dtypes: ['int32'], ref: ([x]) => Array.from(x).reverse(), forwardOnly: true });
  checkOp('strided_slice', { name: 'strided_slice bool x[::-1]', fn: rev, shapes: [[4]], dtypes: ['bool'], low: 0, high: 2, ref: ([x]) => Array.from(x).reverse(), forwardOnly: true });
  checkOp('strided_slice', { name: 'strided_slice x[3:1] (empty)', fn: (x) => tf.stridedSlice(x, [3], [1]), shapes: [[5]], ref: () => [], outShapes: [[0]] });
  checkOp('strided_slice', { name: 'strided_slice size-0 input x[::-1]', fn: rev, shapes: [[0]], ref: () => [], outShapes: [[0]], forwardOnly: true });
  checkOp('strided_slice', { name: 'strided_slice NaN x[::2]', fn: (x) => tf.stridedSlice(x, [0], [4], [2]), shapes: [[4]], inputs: [[NaN, 1, 2, 3]], ref: () => [NaN, 2], forwardOnly: true });
  it('rejects bad strides, out-of-range indices and malformed specs', () =>
    withEager(() => {
      const x = zeros([3, 4]);
      expect(() => tf.stridedSlice(x, [0, 0], [1, 1], [1, 0])).toThrow(/^strided_slice: strides \[1,0\] must be non-zero \(inputs: float32\[3,4\]\)/);
      expect(() => tf.stridedSlice(x, [3], [4], [1], { shrinkAxisMask: 1 })).toThrow(/strided_slice: index 3 is out of bounds for dimension 0 of shape \[3,4\]/);
      expect(() => tf.stridedSlice(x, [0, 0], [1])).toThrow(/strided_slice: begin \[0,0\], end \[1\] and strides \[1,1\] must have the same length/);
      expect(() => tf.stridedSlice(x, [0, 0, 0], [1, 1, 1])).toThrow(/strided_slice: the slice has more entries than the 2 dimensions of x/);
      expect(() => tf.stridedSlice(x, [0, 0], [1, 1], [1, 1], { ellipsisMask: 3 })).toThrow(/strided_slice: ellipsisMask may have only one bit set/);
      expect(() => tf.stridedSlice(x, [0], [1], [1], { beginMask: 0.5 })).toThrow(/stridedSlice: 'beginMask' must be an integer/);
    }));
});

// ---------------------------------------------------------------- tile

const tileRef = (xs: number[], m: number[]) => ([x]: Float64Array[]) =>
  gatherRef(x, xs, xs.map((d, i) => d * m[i]), (o) => o.map((v, d) => v % xs[d]));

describe('tile', () => {
  checkOp('tile', { fn: (x) => tf.tile(x, [2, 3]), shapes: [[2, 3]], ref: tileRef([2, 3], [2, 3]), outShapes: [[4, 9]] });
  checkOp('tile', { fn: (x) => tf.tile(x, [1, 4, 2]), shapes: [[2, 1, 3]], ref: tileRef([2, 1, 3], [1, 4, 2]) });
  checkOp('tile', { fn: (x) => tf.tile(x, [3, 2]), shapes: [[3, 4]], transpose: true, ref: tileRef([3, 4], [3, 2]) });
  checkOp('tile', { fn: (x) => tf.tile(x, [5]), shapes: [[1]], ref: tileRef([1], [5]) });
  checkOp('tile', { fn: (x) => tf.tile(x, []), shapes: [[]], ref: ([x]) => x });
  checkOp('tile', { fn: (x) => tf.tile(x, [0, 2]), shapes: [[2, 3]], ref: () => [], outShapes: [[0, 6]] });
  checkOp('tile', { fn: (x) => tf.tile(x, [3]), shapes: [[0]], ref: () => [], outShapes: [[0]], forwardOnly: true });
  checkOp('tile', { fn: (x) => tf.tile(x, [2, 2]), shapes: [[2, 2]], dtypes: ['int32'], ref: tileRef([2, 2], [2, 2]), forwardOnly: true });
  checkOp('tile', { fn: (x) => tf.tile(x, [3]), shapes: [[2]], dtypes: ['bool'], low: 0, high: 2, ref: tileRef([2], [3]), forwardOnly: true });
  checkOp('tile', { fn: (x) => tf.tile(x, [2]), shapes: [[2]], inputs: [[NaN, 1]], ref: () => [NaN, 1, NaN, 1], forwardOnly: true });
  // Large enough that the forward gather and tile_backward run on both cores.
  checkOp('tile', { fn: (x) => tf.tile(x, [40, 3]), shapes: [[50, 20]], ref: tileRef([50, 20], [40, 3]), gradAtol: 1e-5 });
  it('rejects bad multiples', () =>
    withEager(() => {
      const x = zeros([2, 3]);
      expect(() => tf.tile(x, [2])).toThrow(/^tile: multiples must have one entry per dimension of shape \[2,3\] \(inputs: float32\[2,3\]\)/);
      expect(() => tf.tile(x, [1, -1])).toThrow(/tile: multiples must be >= 0, got -1 at 1/);
      expect(() => tf.tile(x, [2 ** 40, 2 ** 40])).toThrow(/^tile: the result shape \[2199023255552,3298534883328\] is too large/);
      expect(() => tf.pad(x, [[2 ** 50, 0], [0, 2 ** 50]])).toThrow(/^pad: the result shape .* is too large/);
    }));
});

// ---------------------------------------------------------------- pad

function padSource(o: number, before: number, n: number, mode: string): number | null {
  const i = o - before;
  if (i >= 0 && i < n) return i;
  if (mode === 'CONSTANT') return null;
  if (mode === 'REFLECT') return i < 0 ? -i : 2 * n - 2 - i;
  return i < 0 ? -1 - i : 2 * n - 1 - i;
}
const padRef = (xs: number[], p: number[][], mode = 'CONSTANT', value = 0) => ([x]: Float64Array[]) =>
  gatherRef(x, xs, xs.map((d, i) => d + p[i][0] + p[i][1]), (o) => {
    const src = o.map((v, d) => padSource(v, p[d][0], xs[d], mode));
    return src.some((s) => s === null) ? null : (src as number[]);
  }, value);

describe('pad', () => {
  checkOp('pad', { fn: (x) => tf.pad(x, [[1, 2], [0, 3]]), shapes: [[2, 3]], ref: padRef([2, 3], [[1, 2], [0, 3]]), outShapes: [[5, 6]] });
  checkOp('pad', { fn: (x) => tf.pad(x, [[0, 0], [2, 2], [2, 2], [0, 0]], 'CONSTANT', -1.5), shapes: [[2, 3, 3, 2]], ref: padRef([2, 3, 3, 2], [[0, 0], [2, 2], [2, 2], [0, 0]], 'CONSTANT', -1.5) });
  checkOp('pad', { fn: (x) => tf.pad(x, [[1, 0], [2, 1]]), shapes: [[3, 4]], transpose: true, ref: padRef([3, 4], [[1, 0], [2, 1]]) });
  checkOp('pad', { fn: (x) => tf.pad(x, [[2, 1], [1, 2]], 'REFLECT'), shapes: [[3, 4]], ref: padRef([3, 4], [[2, 1], [1, 2]], 'REFLECT') });
  checkOp('pad', { fn: (x) => tf.pad(x, [[2, 3]], 'SYMMETRIC'), shapes: [[3]], ref: padRef([3], [[2, 3]], 'SYMMETRIC') });
  checkOp('pad', { fn: (x) => tf.pad(x, [[1, 2], [2, 1]], 'symmetric' as tf.PadMode), shapes: [[3, 2]], transpose: true, ref: padRef([3, 2], [[1, 2], [2, 1]], 'SYMMETRIC') });
  checkOp('pad', { fn: (x) => tf.pad(x, [[1, 1]]), shapes: [[0]], ref: () => [0, 0], outShapes: [[2]] });
  checkOp('pad', { fn: (x) => tf.pad(x, [[0, 0]]), shapes: [[1]], ref: ([x]) => x });
  checkOp('pad', { fn: (x) => tf.pad(x, []), shapes: [[]], ref: ([x]) => x });
  checkOp('pad', { fn: (x) => tf.pad(x, [[1, 1]], 'CONSTANT', 7), shapes: [[2]], dtypes: ['int32'], ref: padRef([2], [[1, 1]], 'CONSTANT', 7), forwardOnly: true });
  checkOp('pad', { fn: (x) => tf.pad(x, [[1, 0]], 'CONSTANT', 1), shapes: [[2]], dtypes: ['bool'], low: 0, high: 2, ref: padRef([2], [[1, 0]], 'CONSTANT', 1), forwardOnly: true });
  checkOp('pad', { fn: (x) => tf.pad(x, [[1, 1]], 'REFLECT'), shapes: [[3]], inputs: [[NaN, 1, 2]], ref: () => [1, NaN, 1, 2, 1], forwardOnly: true });
  // Literal values from the NumPy documentation of np.pad (independent of the reference above):
  //   np.pad([1, 2, 3, 4, 5], (2, 3), 'reflect')   -> [3, 2, 1, 2, 3, 4, 5, 4, 3, 2]
  //   np.pad([1, 2, 3, 4, 5], (2, 3), 'symmetric') -> [2, 1, 1, 2, 3, 4, 5, 5, 4, 3]
  it('matches NumPy documentation examples', () =>
    withEager(() => {
      const a = tf.constant([1, 2, 3, 4, 5]);
      expect(Array.from(tf.pad(a, [[2, 3]], 'REFLECT').dataSync())).toEqual([3, 2, 1, 2, 3, 4, 5, 4, 3, 2]);
      expect(Array.from(tf.pad(a, [[2, 3]], 'SYMMETRIC').dataSync())).toEqual([2, 1, 1, 2, 3, 4, 5, 5, 4, 3]);
    }));
  it('rejects bad paddings and modes', () =>
    withEager(() => {
      const x = zeros([2, 3]);
      expect(() => tf.pad(x, [[1, 1]])).toThrow(/^pad: paddings must hold one \[before, after\] pair per dimension of shape \[2,3\] \(2 pairs\) \(inputs: float32\[2,3\]\)/);
      expect(() => tf.pad(x, [[0, 0], [-1, 0]])).toThrow(/pad: paddings \[-1, 0\] of dimension 1 must be >= 0/);
      expect(() => tf.pad(x, [[2, 0], [0, 0]], 'REFLECT')).toThrow(/pad: REFLECT paddings \[2, 0\] of dimension 0 \(size 2\) must be at most 1/);
      expect(() => tf.pad(x, [[0, 0], [0, 4]], 'SYMMETRIC')).toThrow(/pad: SYMMETRIC paddings \[0, 4\] of dimension 1 \(size 3\) must be at most 3/);
      expect(() => tf.pad(x, [[0, 0], [0, 0]], 'WRAP' as tf.PadMode)).toThrow(/pad: mode must be 'CONSTANT', 'REFLECT' or 'SYMMETRIC', got "WRAP"/);
      expect(() => native.inferShapes('pad', [{ dtype: 'float32', shape: [2] }], { paddings: [0, 0], mode: 'WRAP' })).toThrow(/pad: mode must be CONSTANT, REFLECT or SYMMETRIC, got 'WRAP'/);
      expect(() => tf.pad(x, [[0, 0], [1]] as number[][])).toThrow(/pad: 'paddings' must be an array of \[before, after\] integer pairs/);
    }));
});

// ---------------------------------------------------------------- reverse

const reverseRef = (xs: number[], axes: number[]) => ([x]: Float64Array[]) =>
  gatherRef(x, xs, xs, (o) => o.map((v, d) => (axes.includes(d) ? xs[d] - 1 - v : v)));

/** reverse_sequence's reference on a row-major [d0, d1, …] tensor. */
const reverseSequenceRef = (shape: number[], lengths: number[], seq: number, batch: number) => ([x]: Float64Array[]) => {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  return Array.from(x, (_, i) => {
    const coord = shape.map((n, d) => Math.floor(i / strides[d]) % n);
    const l = lengths[coord[batch]];
    if (coord[seq] < l) coord[seq] = l - 1 - coord[seq];
    return x[coord.reduce((a, c, d) => a + c * strides[d], 0)];
  });
};

describe('reverseSequence', () => {
  const lens = (v: number[]) => tf.constant(v, 'int32');
  checkOp('reverse_sequence', { fn: (x) => tf.reverseSequence(x, lens([3, 0, 4]), 1), shapes: [[3, 4, 2]], ref: reverseSequenceRef([3, 4, 2], [3, 0, 4], 1, 0) });
  checkOp('reverse_sequence', { fn: (x) => tf.reverseSequence(x, lens([2, 1, 5]), 0, 1), shapes: [[5, 3]], ref: reverseSequenceRef([5, 3], [2, 1, 5], 0, 1) });
  checkOp('reverse_sequence', { fn: (x) => tf.reverseSequence(x, lens([1, 3]), 2, 0), shapes: [[2, 2, 3]], transpose: true, ref: reverseSequenceRef([2, 2, 3], [1, 3], 2, 0) });
  checkOp('reverse_sequence', { fn: (x) => tf.reverseSequence(x, lens([2, 3]), 1), shapes: [[2, 3]], dtypes: ['int32'], ref: reverseSequenceRef([2, 3], [2, 3], 1, 0), forwardOnly: true });
  it('checks the lengths and axes, naming the op and the shapes', () =>
    withEager(() => {
      const x = zeros([2, 3]);
      expect(() => tf.reverseSequence(x, lens([1, 4]), 1)).toThrow(/reverse_sequence: seq_lengths\[1\] = 4 is out of range \[0, 3\]/);
      expect(() => tf.reverseSequence(x, lens([1, 2, 3]), 1)).toThrow(/seq_lengths has 3 entries for a batch of 2/);
      expect(() => tf.reverseSequence(x, lens([1, 2]), 0, 0)).toThrow(/seq_axis and batch_axis must differ/);
      expect(() => tf.reverseSequence(x, tf.constant([1, 2]), 1)).toThrow(/seq_lengths must be an int32 vector, got float32\[2\]/);
    }));
});

describe('reverse', () => {
  checkOp('reverse', { fn: (x) => tf.reverse(x, [1]), shapes: [[3, 4]], ref: reverseRef([3, 4], [1]) });
  checkOp('reverse', { fn: (x) => tf.reverse(x, [0, -1]), shapes: [[2, 3, 4]], ref: reverseRef([2, 3, 4], [0, 2]) });
  checkOp('reverse', { fn: (x) => tf.reverse(x, 0), shapes: [[4, 3]], transpose: true, ref: reverseRef([4, 3], [0]) });
  checkOp('reverse', { fn: (x) => tf.reverse(x, []), shapes: [[3]], ref: ([x]) => x });
  checkOp('reverse', { fn: (x) => tf.reverse(x, [0]), shapes: [[1]], ref: ([x]) => x });
  checkOp('reverse', { fn: (x) => tf.reverse(x, [0]), shapes: [[0, 2]], ref: () => [], forwardOnly: true });
  checkOp('reverse', { fn: (x) => tf.reverse(x, [0]), shapes: [[5]], dtypes: ['int32'], ref: reverseRef([5], [0]), forwardOnly: true });
  checkOp('reverse', { fn: (x) => tf.reverse(x, [1]), shapes: [[2, 2]], dtypes: ['bool'], low: 0, high: 2, ref: reverseRef([2, 2], [1]), forwardOnly: true });
  checkOp('reverse', { fn: (x) => tf.reverse(x, [0]), shapes: [[3]], inputs: [[NaN, 1, 2]], ref: () => [2, 1, NaN], forwardOnly: true });
  it('rejects repeated and out-of-range axes', () =>
    withEager(() => {
      const x = zeros([2, 3]);
      expect(() => tf.reverse(x, [1, -1])).toThrow(/^reverse: axis -1 is listed more than once \(inputs: float32\[2,3\]\)/);
      expect(() => tf.reverse(x, [2])).toThrow(/reverse: axis 2 is out of range for a tensor of rank 2/);
    }));
});

// ---------------------------------------------------------------- graph-mode inference

describe('graph-mode shape inference with unknown dims (slicing, tile, pad, reverse)', () => {
  const f32 = (...shape: (number | null)[]) => ({ dtype: 'float32' as const, shape });
  const infer = (op: string, ins: ReturnType<typeof f32>[], attrs: Record<string, number | number[] | string>) =>
    native.inferShapes(op, ins, attrs).map((m) => m.shape);
  it('propagates unknown dims', () => {
    expect(infer('slice', [f32(null, 5)], { begin: [0, 1], size: [-1, 2] })).toEqual([[null, 2]]);
    expect(infer('slice', [f32(null, 5)], { begin: [1, 1], size: [3, -1] })).toEqual([[3, 4]]);
    expect(infer('strided_slice', [f32(null, 5)], { begin: [0, 1], end: [0, 2], beginMask: 1, endMask: 1, shrinkAxisMask: 2 })).toEqual([[null]]);
    expect(infer('strided_slice', [f32(null, 5)], { begin: [0, 0], end: [0, 0], strides: [1, -1], beginMask: 3, endMask: 3, newAxisMask: 0 })).toEqual([[null, 5]]);
    expect(infer('tile', [f32(null, 2)], { multiples: [3, 2] })).toEqual([[null, 4]]);
    expect(infer('tile', [f32(null, 2)], { multiples: [0, 2] })).toEqual([[0, 4]]);
    expect(infer('pad', [f32(null, 3)], { paddings: [1, 1, 2, 0], mode: 'REFLECT' })).toEqual([[null, 5]]);
    expect(infer('reverse', [f32(null, 3)], { axis: [0] })).toEqual([[null, 3]]);
  });
  it('still validates what is known', () => {
    expect(() => infer('slice', [f32(null, 5)], { begin: [0, 4], size: [1, 2] })).toThrow(/slice: begin \[0,4\], size \[1,2\] is out of bounds for shape \[\?,5\] \(dimension 1\)/);
    expect(() => infer('pad', [f32(null, 3)], { paddings: [0, 0, 3, 0], mode: 'REFLECT' })).toThrow(/pad: REFLECT paddings \[3, 0\] of dimension 1 \(size 3\) must be at most 2/);
  });
});

// ---------------------------------------------------------------- gradients of gradients

describe('backward kernels read strided dy (a transpose after the op)', () => {
  // transpose's gradient hands the backward kernel a transposed view of the seed.
  const tt = (ref: (xs: Float64Array[]) => number[], os: number[]) => (xs: Float64Array[]) => {
    const y = ref(xs);
    return Array.from({ length: y.length }, (_, i) => y[(i % os[0]) * os[1] + Math.floor(i / os[0])]);
  };
  checkOp('tile', { name: 'transpose(tile(x))', fn: (x) => tf.transpose(tf.tile(x, [2, 3])), shapes: [[2, 3]], ref: tt(tileRef([2, 3], [2, 3]), [4, 9]) });
  checkOp('strided_slice', {
    name: 'transpose(x[::2, newaxis, ::-1])',
    fn: (x) => tf.transpose(tf.squeeze(tf.stridedSlice(x, [0, 0, 0], [0, 0, 0], [2, 1, -1], { beginMask: 5, endMask: 5, newAxisMask: 2 }), [1])),
    shapes: [[5, 4]],
    ref: tt(([x]) => numpyIndex(x, [5, 4], [[null, null, 2], 'new', [null, null, -1]]).values, [3, 4]),
  });
  checkOp('slice', { name: 'transpose(slice(x))', fn: (x) => tf.transpose(tf.slice(x, [1, 1], [2, 3])), shapes: [[4, 4]], ref: tt(sliceRef([4, 4], [1, 1], [2, 3]), [2, 3]) });
  checkOp('pad', { name: 'transpose(pad(x, REFLECT))', fn: (x) => tf.transpose(tf.pad(x, [[1, 1], [0, 2]], 'REFLECT')), shapes: [[3, 3]], ref: tt(padRef([3, 3], [[1, 1], [0, 2]], 'REFLECT'), [5, 5]) });
});

describe('backward kernels are differentiable (second order)', () => {
  // g(x, w) = d<w, op(x)>/dx = op_backward(w, x). Forward: g against the adjoint of the JS
  // reference, dx_j = <w, ref(e_j)>; gradient w.r.t. w: by finite differences (it is op again).
  const adjoint = (ref: (xs: Float64Array[]) => number[], n: number, w: Float64Array) =>
    Array.from({ length: n }, (_, j) => {
      const e = new Float64Array(n);
      e[j] = 1;
      return ref([e]).reduce((acc, v, o) => acc + v * w[o], 0);
    });
  const twice = (name: string, fn: (x: tf.Tensor) => tf.Tensor, shape: number[], ref: (xs: Float64Array[]) => number[]) =>
    checkOp(name, {
      name: `${name} ${JSON.stringify(shape)}: gradient of the gradient`,
      fn: gradientOf(fn),
      shapes: [shape, withEager(() => fn(tf.constant(0, 'float64', shape)).shape)],
      ref: ([, w]) => adjoint(ref, size(shape), w),
      wrt: [1],
    });
  twice('slice', (x) => tf.slice(x, [1, 0], [2, 2]), [3, 3], sliceRef([3, 3], [1, 0], [2, 2]));
  const ss = cases[2];
  twice('strided_slice', (x) => tf.stridedSlice(x, ss.begin, ss.end, ss.strides, ss.opts), ss.shape, ([x]) => numpyIndex(x, ss.shape, ss.items).values);
  twice('tile', (x) => tf.tile(x, [2, 3]), [2, 2], tileRef([2, 2], [2, 3]));
  twice('pad', (x) => tf.pad(x, [[1, 2], [2, 1]], 'REFLECT'), [3, 4], padRef([3, 4], [[1, 2], [2, 1]], 'REFLECT'));
  twice('pad', (x) => tf.pad(x, [[1, 0], [0, 2]], 'SYMMETRIC'), [2, 2], padRef([2, 2], [[1, 0], [0, 2]], 'SYMMETRIC'));
  // The constant itself has no gradient: the adjoint is the same as with 0.
  twice('pad', (x) => tf.pad(x, [[1, 0], [0, 2]], 'CONSTANT', 5), [2, 2], padRef([2, 2], [[1, 0], [0, 2]], 'CONSTANT', 0));
  twice('reverse', (x) => tf.reverse(x, [1]), [2, 3], reverseRef([2, 3], [1]));
  twice('reshape', (x) => tf.reshape(x, [4]), [2, 2], ([x]) => Array.from(x));
  twice('transpose', (x) => tf.transpose(x, [1, 2, 0]), [2, 1, 3], ([x]) => Array.from({ length: 6 }, (_, i) => x[(i % 2) * 3 + Math.floor(i / 2)]));
});
