/**
 * Tensor values and op attrs as JSON, for meta graphs (docs/METAGRAPH.md). JSON has no NaN,
 * ±Infinity or -0, so those numbers are written as { "$number": "NaN" } and so on; a tensor
 * value is a list of up to 16 plain numbers, else its little-endian bytes in base64 (exact).
 */
import { Buffer } from 'node:buffer';
import type { DType } from '../dtype.js';
import { isDType, shapeSize, shapeString, typedArrayFor } from '../dtype.js';
import type { AttrValue, Attrs } from '../native.js';
import { native } from '../native.js';
import { Tensor } from '../tensor.js';

/** A number JSON cannot hold, as a tagged string. */
export interface JsonNumber {
  $number: 'NaN' | 'Infinity' | '-Infinity' | '-0';
}
export type JsonAttr = string | boolean | number | JsonNumber | (number | JsonNumber)[] | boolean[];

/** A tensor value: `values` for up to 16 plain numbers, else `base64`. */
export interface TensorValueDef {
  dtype: DType;
  shape: number[];
  values?: (number | boolean)[];
  base64?: string;
}

const INLINE_MAX = 16;
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
const SPECIAL: Record<string, number> = {
  NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0,
};

const isPlain = (v: number) => Number.isFinite(v) && !Object.is(v, -0);

function jsonNumber(v: number): number | JsonNumber {
  if (isPlain(v)) return v;
  if (Number.isNaN(v)) return { $number: 'NaN' };
  if (v === Infinity) return { $number: 'Infinity' };
  return v === -Infinity ? { $number: '-Infinity' } : { $number: '-0' };
}

function fromJsonNumber(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  const tag = (v as JsonNumber | null)?.$number;
  if (typeof tag === 'string' && tag in SPECIAL) return SPECIAL[tag];
  throw new Error(`${what}: expected a number, got ${JSON.stringify(v)}`);
}

/** A host tensor's value as JSON. */
export function encodeValue(t: Tensor): TensorValueDef {
  const data = t.dataSync();
  const numbers = Array.from(data as ArrayLike<number>);
  const shape = [...(t.shape as number[])];
  if (data.length <= INLINE_MAX && numbers.every(isPlain)) {
    const values = t.dtype === 'bool' ? numbers.map((x) => x !== 0) : numbers;
    return { dtype: t.dtype, shape, values };
  }
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { dtype: t.dtype, shape, base64: bytes.toString('base64') };
}

/** JSON back to a host tensor; `what` names the node in errors. */
export function decodeValue(v: TensorValueDef, what: string): Tensor {
  if (!v || !isDType(v.dtype)) {
    throw new Error(`${what}: value has no valid dtype (${JSON.stringify(v?.dtype)})`);
  }
  if (!Array.isArray(v.shape) || !v.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`${what}: value has a bad shape ${JSON.stringify(v.shape)}`);
  }
  const n = shapeSize(v.shape);
  const desc = `a ${v.dtype} ${shapeString(v.shape)} value`;
  const data = typedArrayFor(v.dtype, n);
  if (Array.isArray(v.values)) {
    if (v.values.length !== n) {
      throw new Error(`${what}: ${v.values.length} values for ${desc} (${n} elements)`);
    }
    v.values.forEach((x, i) => {
      data[i] = typeof x === 'boolean' ? Number(x) : fromJsonNumber(x, what);
    });
  } else if (typeof v.base64 === 'string') {
    const bytes = Buffer.from(v.base64, 'base64');
    const need = n * BYTES[v.dtype];
    if (bytes.length !== need) {
      throw new Error(`${what}: base64 data holds ${bytes.length} bytes, ${desc} needs ${need}`);
    }
    new Uint8Array(data.buffer).set(bytes);
  } else {
    throw new Error(`${what}: value has neither 'values' nor 'base64'`);
  }
  return Tensor.fromHandle(native.fromTypedArray(v.dtype, [...v.shape], data));
}

const isList = (v: unknown, type: string) => Array.isArray(v) && v.every((x) => typeof x === type);

/** An op's attrs as JSON (undefined when it has none); `what` names the node in errors. */
export function encodeAttrs(attrs: Attrs, what: string): Record<string, JsonAttr> | undefined {
  const out: Record<string, JsonAttr> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'number') out[k] = jsonNumber(v);
    else if (isList(v, 'boolean')) out[k] = [...(v as boolean[])];
    else if (isList(v, 'number')) out[k] = (v as number[]).map(jsonNumber);
    else throw new Error(`${what} has attr '${k}' of a type JSON cannot hold`);
  }
  return Object.keys(out).length ? out : undefined;
}

/** JSON attrs back to Attrs. */
export function decodeAttrs(attr: unknown, what: string): Attrs {
  if (attr === undefined) return {};
  if (typeof attr !== 'object' || attr === null || Array.isArray(attr)) {
    throw new Error(`${what}: 'attr' must be an object`);
  }
  const out: Attrs = {};
  for (const [k, v] of Object.entries(attr)) {
    const at = `${what} attr '${k}'`;
    let a: AttrValue;
    if (typeof v === 'string' || typeof v === 'boolean') a = v;
    else if (isList(v, 'boolean') && (v as boolean[]).length) a = v as boolean[];
    else if (Array.isArray(v)) a = v.map((x) => fromJsonNumber(x, at));
    else a = fromJsonNumber(v, at);
    out[k] = a;
  }
  return out;
}
