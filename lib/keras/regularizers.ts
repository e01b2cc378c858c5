/**
 * tf.keras.regularizers: weight penalties Σ l1·|w| + Σ l2·w² (Keras' L1L2; no ½ on the l2 term,
 * unlike tf.contrib.layers.l2Regularizer), added to the model's loss. They remember their
 * factors, so models using them can be saved.
 */
import type { Regularizer } from '../layers/base.js';
import { add, mul } from '../ops/binary.js';
import { reduceSum } from '../ops/reduce.js';
import { abs, square } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';

export interface KerasRegularizer extends Regularizer {
  readonly config: { l1: number; l2: number };
}

/** l1 · Σ|w| + l2 · Σw². `kernelRegularizer: tf.keras.regularizers.l1l2({ l1: 0.01, l2: 0.01 })` */
export function l1l2(opts: { l1?: number; l2?: number } = {}): KerasRegularizer {
  const c = { l1: opts.l1 ?? 0, l2: opts.l2 ?? 0 };
  for (const [k, v] of Object.entries(c)) {
    if (typeof v !== 'number' || !(v >= 0)) {
      throw new Error(
        `tf.keras.regularizers: ${k} must be a non-negative number, got ${String(v)}`,
      );
    }
  }
  const fn = (w: Tensor): Tensor => {
    const terms: Tensor[] = [];
    if (c.l1) terms.push(mul(c.l1, reduceSum(abs(w))));
    if (c.l2) terms.push(mul(c.l2, reduceSum(square(w))));
    if (!terms.length) return mul(0, reduceSum(w));
    return terms.length === 2 ? add(terms[0], terms[1]) : terms[0];
  };
  return Object.assign(fn, { config: c });
}

/** l1 · Σ|w|. `kernelRegularizer: tf.keras.regularizers.l1(0.01)` */
export function l1(l = 0.01): KerasRegularizer {
  return l1l2({ l1: l });
}

/** l2 · Σw². `kernelRegularizer: tf.keras.regularizers.l2(0.01)` */
export function l2(l = 0.01): KerasRegularizer {
  return l1l2({ l2: l });
}

/** A regularizer function, or { l1, l2 } (as written in model files), or none. */
export type RegularizerIdentifier = Regularizer | { l1?: number; l2?: number } | null;

export function getRegularizer(
  r: RegularizerIdentifier | undefined,
  layer: string,
): Regularizer | null {
  if (r === undefined || r === null) return null;
  if (typeof r === 'function') return r;
  if (typeof r === 'object') return l1l2(r);
  throw new Error(
    `${layer}: a regularizer must be tf.keras.regularizers.l1/l2/l1l2 or a function, got ` +
      `${typeof r}`,
  );
}

/** { l1, l2 }, or null; a custom function cannot be saved. */
export function serializeRegularizer(
  r: RegularizerIdentifier | undefined,
  layer: string,
): { l1: number; l2: number } | null {
  if (r === undefined || r === null) return null;
  if (typeof r === 'function') {
    const c = (r as Partial<KerasRegularizer>).config;
    if (!c) {
      throw new Error(
        `${layer}: cannot save a custom regularizer function; use tf.keras.regularizers.l1, ` +
          `l2 or l1l2`,
      );
    }
    return { ...c };
  }
  return { l1: r.l1 ?? 0, l2: r.l2 ?? 0 };
}
