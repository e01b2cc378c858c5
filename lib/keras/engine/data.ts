/**
 * Training data on the host: x and y as given to fit/evaluate/predict (host tensors, TypedArrays
 * with a shape, nested arrays) become flat TypedArrays of the placeholder's dtype, checked once;
 * batches are then cut as subarrays (or gathered through a shuffled order into a reused buffer)
 * and copied once into the native feed tensor.
 */
import type { DType, TypedArray } from '../../dtype.js';
import { shapeString, typedArrayFor } from '../../dtype.js';
import type { HostArray, NestedArray } from '../../convert.js';
import { hostTensor } from '../../convert.js';
import { native } from '../../native.js';
import { Tensor } from '../../tensor.js';

/** One array of examples (shape[0] = number of examples). */
export type { HostArray } from '../../convert.js';

/** What fit/evaluate/predict accept for one input or target. */
export type DataLike = Tensor | TypedArray | NestedArray | { data: TypedArray; shape: number[] };

/** Accepted for x or y: one array, or one per model input/output (list, or object by name). */
export type ModelData = DataLike | DataLike[] | Record<string, DataLike>;

const rowSize = (shape: number[]) => shape.slice(1).reduce((a, b) => a * b, 1);

/** `{ data, shape }` given by the user. */
function isDataShape(v: unknown): v is { data: TypedArray; shape: number[] } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && 'data' in v && 'shape' in v;
}

/**
 * One value as a HostArray of `dtype`. A bare TypedArray takes the rows of `expected` (the
 * placeholder's shape), which must then be known beyond the batch dimension; with the number of
 * `examples` known (targets: from x), one value per example stays 1-D.
 */
export function toHostArray(
  value: DataLike,
  dtype: DType,
  expected: (number | null)[],
  what: string,
  examples?: number,
): HostArray {
  let data: TypedArray;
  let shape: number[];
  if (value instanceof Tensor) {
    if (value.isSymbolic) {
      throw new Error(
        `${what}: expected values (a host tensor or arrays), got the graph tensor ` +
          `${value.name}`,
      );
    }
    data = value.dataSync();
    shape = [...value.shape];
  } else if (ArrayBuffer.isView(value)) {
    const row = expected.slice(1);
    if (row.some((d) => d === null)) {
      throw new Error(
        `${what}: a bare TypedArray needs a known example shape, the model expects ` +
          `${shapeString(expected)}; pass { data, shape } or a tensor`,
      );
    }
    const per = row.reduce<number>((a, b) => a * (b as number), 1);
    const n = (value as TypedArray).length;
    data = value as TypedArray;
    if (examples !== undefined && n === examples && per !== 1) {
      // One value per example where the model wants more (class ids for one-hot targets):
      // keep it 1-D so the shape check reports it.
      shape = [n];
    } else {
      if (per === 0 || n % per !== 0) {
        throw new Error(
          `${what}: ${n} values do not make whole examples of shape ${shapeString(row)}`,
        );
      }
      shape = [n / per, ...(row as number[])];
    }
  } else if (isDataShape(value)) {
    const v = value;
    if (!ArrayBuffer.isView(v.data) || !Array.isArray(v.shape)) {
      throw new Error(`${what}: { data, shape } needs a TypedArray and an array`);
    }
    const size = v.shape.reduce((a, b) => a * b, 1);
    if (!v.shape.every((d) => Number.isInteger(d) && d >= 0) || size !== v.data.length) {
      throw new Error(`${what}: ${v.data.length} values do not fill shape ${shapeString(v.shape)}`);
    }
    data = v.data;
    shape = [...v.shape];
  } else if (Array.isArray(value)) {
    const t = hostTensor(value, dtype, undefined, what);
    data = t.dataSync();
    shape = [...t.shape];
    t.dispose();
  } else {
    throw new Error(
      `${what}: expected a tensor, a TypedArray, { data, shape } or nested arrays, got ` +
        `${value === null ? 'null' : typeof value}`,
    );
  }
  if (shape.length === 0) throw new Error(`${what}: expected an array of examples, got a scalar`);
  return { data: convert(data, dtype, what), shape, dtype };
}

/** `data` as `dtype` (a copy when they differ; float data for int32 targets must be integral). */
function convert(data: TypedArray, dtype: DType, what: string): TypedArray {
  const out = typedArrayFor(dtype, 0);
  if (out.constructor === data.constructor) return data;
  if (dtype === 'int32') {
    const r = Int32Array.from(data as ArrayLike<number>);
    for (let i = 0; i < r.length; i++) {
      if (r[i] !== data[i]) {
        throw new Error(`${what}: expected integer class labels, found ${data[i]} at index ${i}`);
      }
    }
    return r;
  }
  const r = typedArrayFor(dtype, data.length);
  r.set(data as ArrayLike<number> as Float32Array);
  return r;
}

/**
 * Checks a HostArray against the placeholder shape; a 1-D array for a [batch, 1] placeholder
 * gains the trailing 1 (as Keras does), a [n, 1] array for a [batch] placeholder loses it.
 */
export function conform(
  a: HostArray,
  expected: (number | null)[],
  what: string,
  name: string,
): HostArray {
  let shape = a.shape;
  if (shape.length === 1 && expected.length === 2 && expected[1] === 1) shape = [shape[0], 1];
  else if (shape.length === 2 && shape[1] === 1 && expected.length === 1) shape = [shape[0]];
  const fits = (d: number, i: number) => i === 0 || expected[i] === null || expected[i] === d;
  const ok = shape.length === expected.length && shape.every(fits);
  if (!ok) {
    throw new Error(
      `Error when checking ${what}: expected ${name} to have shape ${shapeString(expected)} ` +
        `but got array with shape ${shapeString(a.shape)}`,
    );
  }
  if (expected[0] !== null && shape[0] !== expected[0]) {
    throw new Error(
      `Error when checking ${what}: ${name} has a fixed batch size ${expected[0]}; got ` +
        `${shape[0]} examples`,
    );
  }
  return { ...a, shape };
}

/** The rows [start, end) of a, or (with `order`) the rows order[start..end), as a feed tensor. */
export class BatchSlicer {
  private scratch: TypedArray | null = null;
  private readonly per: number;

  constructor(readonly array: HostArray) {
    this.per = rowSize(array.shape);
  }

  batch(start: number, end: number, order: Int32Array | null): Tensor {
    const { data, shape, dtype } = this.array;
    const n = end - start;
    const per = this.per;
    let rows: TypedArray;
    if (!order) {
      rows = data.subarray(start * per, end * per);
    } else {
      if (!this.scratch || this.scratch.length < n * per) {
        this.scratch = typedArrayFor(dtype, n * per);
      }
      const s = this.scratch;
      for (let i = 0; i < n; i++) {
        const r = order[start + i];
        s.set(data.subarray(r * per, (r + 1) * per), i * per);
      }
      rows = s.subarray(0, n * per);
    }
    // fromTypedArray copies, so the scratch buffer is free again at once.
    return Tensor.fromHandle(native.fromTypedArray(dtype, [n, ...shape.slice(1)], rows));
  }
}

/** The first `n` rows and the rest (validationSplit keeps the last examples for validation). */
export function splitAt(a: HostArray, n: number): [HostArray, HostArray] {
  const per = rowSize(a.shape);
  return [
    { ...a, data: a.data.subarray(0, n * per), shape: [n, ...a.shape.slice(1)] },
    { ...a, data: a.data.subarray(n * per), shape: [a.shape[0] - n, ...a.shape.slice(1)] },
  ];
}
