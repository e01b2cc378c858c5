/** Argument normalisation shared by the conv and pooling wrappers (not part of the API). */

import { shapeString } from '../dtype.js';

export type Padding = 'SAME' | 'VALID' | 'same' | 'valid';

/** `op (input [1,8,8,3], filter [3,3,3,2])`: the label argument errors carry, so they name the
 * shapes involved as the native kernels' errors do. */
export function opWithShapes(op: string, shapes: Record<string, readonly (number | null)[]>): string {
  const parts = Object.entries(shapes).map(([k, s]) => `${k} ${shapeString(s)}`);
  return `${op} (${parts.join(', ')})`;
}

/** [1, s, s, 1] | [sh, sw] | s → [sh, sw], validated. */
export function spatialPair(v: number | number[] | undefined, def: number, what: string, op: string): [number, number] {
  const p = v === undefined ? [def, def] : typeof v === 'number' ? [v, v] : v.length === 4 ? [v[1], v[2]] : v;
  if (p.length !== 2 || !p.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${op}: ${what} must be positive integers (a number, [h, w] or [1, h, w, 1]), got ${JSON.stringify(v)}`);
  }
  if (Array.isArray(v) && v.length === 4 && (v[0] !== 1 || v[3] !== 1)) {
    throw new Error(`${op}: ${what} over the batch and channel dims must be 1, got ${JSON.stringify(v)}`);
  }
  return p as [number, number];
}

/** The window attrs of conv2d and its kin ({ strides, dilations, padding }), validated in that order. */
export function convWindowAttrs(
  strides: number | number[],
  dilations: number | number[] | undefined,
  padding: Padding | string,
  op: string,
): { strides: [number, number]; dilations: [number, number]; padding: 'SAME' | 'VALID' } {
  return {
    strides: spatialPair(strides, 1, 'strides', op),
    dilations: spatialPair(dilations, 1, 'dilations', op),
    padding: paddingName(padding, op),
  };
}

export function paddingName(p: Padding | string, op: string): 'SAME' | 'VALID' {
  const up = typeof p === 'string' ? p.toUpperCase() : p;
  if (up !== 'SAME' && up !== 'VALID') throw new Error(`${op}: padding must be 'SAME' or 'VALID', got '${String(p)}'`);
  return up;
}
