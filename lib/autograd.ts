/**
 * Reverse-mode differentiation, shared by eager tapes and graph-mode tf.gradients: one gradient
 * function per op, written with ops, so it builds graph nodes in graph mode and runs eagerly on a
 * tape. Gradients always accumulate (a tensor used twice gets the sum).
 */
import type { OpRecord, TapeSink } from './engine.js';
import { popTape, pushTape, recordOps, tidy } from './engine.js';
import { getGradFn, isNonDifferentiable } from './grad_registry.js';
import { isFloatDType, shapeString } from './dtype.js';
import { Tensor } from './tensor.js';
import { add } from './ops/binary.js';
import { onesLike, zeros, zerosLike } from './ops/creation.js';

export { registerGrad, registerNonDifferentiable, gradientStatus } from './grad_registry.js';
export type { GradContext, GradFn } from './grad_registry.js';

export { sumToShape } from './ops/broadcast.js';

/**
 * The gradients of a kernel that a composite of differentiable ops computes too: builds the
 * composite with `build` (which may itself call compositeGradients, for a kernel that is a
 * backward pass), records its ops, and backprops `dys` from its outputs to `xs`. Slower than a
 * kernel, but exact to any order. TF differentiates fused batch norm's backward kernel the same
 * way (_FusedBatchNormGradGrad). A null in `dys` stands for zeros.
 */
export function compositeGradients(build: () => (Tensor | null)[], dys: (Tensor | null)[], xs: Tensor[]): (Tensor | null)[] {
  const [outs, records] = recordOps(build);
  const ys: Tensor[] = [];
  const seeds: Tensor[] = [];
  outs.forEach((y, i) => {
    if (y && dys[i]) {
      ys.push(y);
      seeds.push(dys[i]!);
    }
  });
  return ys.length ? backprop(records, ys, seeds, xs) : xs.map(() => null);
}

/**
 * Backprop over `records` (in execution order): gradients of `ys` (seeded with `dys`, ones where
 * null) with respect to `xs`. null where an x does not influence any y.
 */
export function backprop(records: readonly OpRecord[], ys: Tensor[], dys: (Tensor | null)[], xs: Tensor[]): (Tensor | null)[] {
  const fromX = new Set(xs.map((x) => x.id));
  const forward: OpRecord[] = [];
  for (const r of records) {
    if (r.inputs.some((t) => fromX.has(t.id))) {
      forward.push(r);
      for (const o of r.outputs) fromX.add(o.id);
    }
  }
  const toY = new Set(ys.map((y) => y.id));
  const path: OpRecord[] = [];
  for (let i = forward.length - 1; i >= 0; i--) {
    const r = forward[i];
    if (r.outputs.some((o) => toY.has(o.id))) {
      path.push(r);
      for (const t of r.inputs) toY.add(t.id);
    }
  }

  const grads = new Map<number, Tensor>();
  const accumulate = (t: Tensor, g: Tensor) => {
    const prev = grads.get(t.id);
    grads.set(t.id, prev ? add(prev, g) : g);
  };
  ys.forEach((y, i) => {
    const seed = dys[i];
    if (seed && seed.shape.length !== y.shape.length) {
      throw new Error(`gradients: gradient for ${y.name} has shape ${shapeString(seed.shape)}, expected ${shapeString(y.shape)}`);
    }
    accumulate(y, seed ?? onesLike(y));
  });
  for (const r of path) {
    const outGrads = r.outputs.map((o) => grads.get(o.id) ?? null);
    if (outGrads.every((g) => g === null) || isNonDifferentiable(r.type)) continue;
    const fn = getGradFn(r.type);
    if (!fn) throw new Error(`gradients: no gradient is registered for op '${r.type}'`);
    const dxs = fn(outGrads.map((g, i) => g ?? zerosFor(r.outputs[i])), r);
    r.inputs.forEach((x, i) => {
      const d = dxs[i];
      if (d && fromX.has(x.id) && isFloatDType(x.dtype)) accumulate(x, d);
    });
  }
  return xs.map((x) => grads.get(x.id) ?? null);
}

/**
 * Zeros standing in for an unused output's gradient. A concrete output may already have been
 * freed (an inner tape's tidy), so eager zeros come from its shape, not from the tensor.
 */
function zerosFor(t: Tensor): Tensor {
  return t.isSymbolic ? zerosLike(t) : zeros(t.shape, t.dtype);
}

/**
 * Records eager ops for differentiation (TF's tf.GradientTape; `with` becomes a callback).
 *
 *   const tape = new tf.GradientTape();
 *   const y = tape.record(() => { tape.watch(x); return tf.mul(x, x); });
 *   const [dx] = tape.gradient(y, [x]);        // 2x
 */
export class GradientTape implements TapeSink {
  private readonly watched = new Set<number>();
  private readonly held = new Set<number>();
  private records: OpRecord[] = [];
  private used = false;
  readonly persistent: boolean;
  readonly watchAccessedVariables: boolean;

  constructor(opts: { persistent?: boolean; watchAccessedVariables?: boolean } = {}) {
    this.persistent = opts.persistent ?? false;
    this.watchAccessedVariables = opts.watchAccessedVariables ?? true;
  }

  /** Marks tensors whose gradients will be asked for (trainable variables are watched anyway). */
  watch(...ts: (Tensor | Tensor[])[]): void {
    for (const t of ts.flat()) this.watched.add(t.id);
  }

  /** Runs fn with this tape recording; returns what fn returns (awaits an async fn). */
  record<T>(fn: () => T): T {
    pushTape(this);
    let result: T;
    try {
      result = fn();
    } catch (e) {
      popTape(this);
      throw e;
    }
    if (result instanceof Promise) {
      return result.finally(() => popTape(this)) as T;
    }
    popTape(this);
    return result;
  }

  /** @internal */
  wants(inputs: Tensor[]): boolean {
    return inputs.some((t) => this.watched.has(t.id) || (this.watchAccessedVariables && t.trainable));
  }
  /** @internal */
  record_(rec: OpRecord): void {
    this.records.push(rec);
    for (const o of rec.outputs) {
      this.watched.add(o.id);
      this.held.add(o.id);
    }
    for (const i of rec.inputs) this.held.add(i.id);
  }
  /** @internal */
  holds(t: Tensor): boolean {
    return this.held.has(t.id);
  }

  /**
   * d(sum of target) / d(sources). `outputGradients` seeds the target (ones by default).
   * Returns one gradient per source (null when unconnected), in the shape you passed.
   */
  gradient(target: Tensor | Tensor[], sources: Tensor[], outputGradients?: (Tensor | null)[]): (Tensor | null)[];
  gradient(target: Tensor | Tensor[], sources: Tensor, outputGradients?: (Tensor | null)[]): Tensor | null;
  gradient(target: Tensor | Tensor[], sources: Tensor | Tensor[], outputGradients?: (Tensor | null)[]): unknown {
    if (this.used && !this.persistent) {
      throw new Error('GradientTape.gradient: a non-persistent tape can only be used once (pass { persistent: true })');
    }
    this.used = true;
    const ys = Array.isArray(target) ? target : [target];
    const xs = Array.isArray(sources) ? sources : [sources];
    const records = this.records;
    // Intermediate gradients are freed; the returned ones move to the caller's tidy scope.
    const all = tidy(() => backprop(records, ys, outputGradients ?? ys.map(() => null), xs));
    // As TF: a source the tape never watched (nor a trainable variable it saw) gets null.
    const grads = all.map((g, i) => (this.wants([xs[i]]) ? g : (g?.dispose(), null)));
    if (!this.persistent) {
      this.records = [];
      this.held.clear();
    }
    return Array.isArray(sources) ? grads : grads[0];
  }
}
