/**
 * Host values -> concrete tensors: numbers, booleans, nested arrays, TypedArrays, with an
 * optional dtype and shape (a single value with a shape fills it, as tf.constant does).
 * JavaScript numbers become float32 unless a dtype is given (as in TensorFlow.js).
 */
import type { DType, Shape, TypedArray } from './dtype.js';
import { dtypeOfTypedArray, isDType, shapeSize, shapeString, typedArrayFor } from './dtype.js';
import { native } from './native.js';
import { Tensor } from './tensor.js';

export type TensorLike = Tensor | number | boolean | TypedArray | NestedArray;
export interface NestedArray extends Array<number | boolean | NestedArray | TypedArray> {}

/** Values on the host, row-major, with their shape and dtype (Keras' data, tf.data's elements). */
export interface HostArray {
  data: TypedArray;
  shape: number[];
  dtype: DType;
}

/** A host tensor holding `a`'s values (one copy into native storage). */
export function hostArrayTensor(a: HostArray): Tensor {
  return Tensor.fromHandle(native.fromTypedArray(a.dtype, a.shape, a.data));
}

/** Builds a fresh host tensor from a JavaScript value. `what` names the caller in errors. */
export function hostTensor(value: TensorLike, dtype?: DType, shape?: Shape, what = 'constant'): Tensor {
  if (dtype !== undefined && !isDType(dtype)) {
    throw new Error(`${what}: unknown dtype '${String(dtype)}' (expected float32, float64, int32 or bool)`);
  }
  if (value instanceof Tensor) throw new Error(`${what}: expected a JavaScript value, got a Tensor`);
  let flat: ArrayLike<number | boolean>;
  let inferred: Shape;
  let natural: DType;
  if (typeof value === 'number' || typeof value === 'boolean') {
    flat = [value];
    inferred = [];
    natural = typeof value === 'boolean' ? 'bool' : 'float32';
  } else if (ArrayBuffer.isView(value)) {
    const dt = dtypeOfTypedArray(value);
    if (!dt) throw new Error(`${what}: unsupported TypedArray ${value.constructor.name}`);
    flat = value as TypedArray;
    inferred = [flat.length];
    natural = dt;
  } else if (Array.isArray(value)) {
    inferred = nestedShape(value, what);
    const out: (number | boolean)[] = [];
    flatten(value, out, what);
    flat = out;
    natural = out.length > 0 && typeof out[0] === 'boolean' ? 'bool' : 'float32';
  } else {
    throw new Error(`${what}: cannot make a tensor from ${value === null ? 'null' : typeof value}`);
  }
  const dt = dtype ?? natural;
  const target = shape ?? inferred;
  for (const d of target) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${what}: bad shape ${shapeString(target)}`);
  }
  const n = shapeSize(target);
  if (flat.length !== n && flat.length !== 1) {
    throw new Error(`${what}: ${flat.length} values cannot fill shape ${shapeString(target)} (${n} elements)`);
  }
  const data = typedArrayFor(dt, n);
  if (flat.length === 1 && n !== 1) {
    data.fill(Number(flat[0]));
  } else if (dt === 'int32' || dt === 'bool') {
    for (let i = 0; i < n; i++) data[i] = Number(flat[i]);
  } else {
    (data as Float32Array).set(flat as ArrayLike<number>);
    if (typeof flat[0] === 'boolean') for (let i = 0; i < n; i++) data[i] = Number(flat[i]);
  }
  return Tensor.fromHandle(native.fromTypedArray(dt, target, data));
}

function nestedShape(v: unknown, what: string): Shape {
  const shape: Shape = [];
  let cur: unknown = v;
  while (Array.isArray(cur) || ArrayBuffer.isView(cur)) {
    const len = (cur as ArrayLike<unknown>).length;
    shape.push(len);
    if (len === 0) break;
    cur = (cur as ArrayLike<unknown>)[0];
  }
  if (shape.length > 0 && typeof cur !== 'number' && typeof cur !== 'boolean' && shape[shape.length - 1] !== 0) {
    throw new Error(`${what}: nested arrays must hold numbers or booleans, found ${typeof cur}`);
  }
  return shape;
}

function flatten(v: ArrayLike<unknown>, out: (number | boolean)[], what: string, depth = 0, expect?: Shape): void {
  const shape = expect ?? nestedShape(v, what);
  if (v.length !== shape[depth]) {
    throw new Error(`${what}: nested arrays are ragged (expected length ${shape[depth]} at depth ${depth}, got ${v.length})`);
  }
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    if (depth + 1 < shape.length) {
      if (!Array.isArray(e) && !ArrayBuffer.isView(e)) throw new Error(`${what}: nested arrays are ragged at depth ${depth + 1}`);
      flatten(e as ArrayLike<unknown>, out, what, depth + 1, shape);
    } else {
      if (typeof e !== 'number' && typeof e !== 'boolean') throw new Error(`${what}: nested arrays are ragged at depth ${depth + 1}`);
      out.push(e);
    }
  }
}
