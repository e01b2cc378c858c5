/**
 * Finite-difference gradient check in float64 (ggml grad mode, PyTorch gradcheck): the output is
 * reduced with a fixed random projection L = Σ w ⊙ y, so permuted or swapped gradients cannot
 * cancel, and at most `maxPerInput` elements per input are perturbed (central differences).
 */
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from './close.js';
import { rng, uniform } from './random.js';

export interface GradcheckOptions {
  /** Indices of the inputs to differentiate (default: every float input). */
  wrt?: number[];
  h?: number;
  atol?: number;
  rtol?: number;
  maxPerInput?: number;
  seed?: number;
}

const asList = (y: Tensor | Tensor[]) => (Array.isArray(y) ? y : [y]);

/** Σ_k w_k · y_k over all outputs, computed in JavaScript from the f64 forward values. */
function projected(fn: (...xs: Tensor[]) => Tensor | Tensor[], xs: Tensor[], ws: Float64Array[]): number {
  return tf.tidy(() => {
    let total = 0;
    asList(fn(...xs)).forEach((y, k) => {
      const v = y.dataSync();
      for (let i = 0; i < v.length; i++) total += ws[k][i] * v[i];
    });
    return total;
  });
}

/** Analytic gradients by the eager tape, seeded with w; the caller owns the returned tensors. */
export function analyticGrads(
  fn: (...xs: Tensor[]) => Tensor | Tensor[],
  xs: Tensor[],
  wrt: number[],
  ws: Float64Array[],
): (Float64Array | null)[] {
  return tf.tidy(() => {
    const tape = new tf.GradientTape();
    const ys = asList(tape.record(() => {
      tape.watch(wrt.map((i) => xs[i]));
      return fn(...xs);
    }));
    const seeds = ys.map((y, k) => tf.constant(ws[k], 'float64', y.shape));
    const grads = tape.gradient(ys, wrt.map((i) => xs[i]), seeds);
    return grads.map((g) => (g ? Float64Array.from(g.dataSync()) : null));
  });
}

/**
 * For second-order checks: (...xs, w) => d<w, fn(...xs)>/dxs[i], the gradient seeded with w, by
 * the eager tape or, in graph mode, tf.gradients. Gradient-checking it checks the gradients of
 * the backward kernels it runs.
 */
export function gradientOf(fn: (...xs: Tensor[]) => Tensor, i = 0): (...xsAndW: Tensor[]) => Tensor {
  return (...args: Tensor[]) => {
    const xs = args.slice(0, -1);
    const w = args[args.length - 1];
    if (!tf.executingEagerly()) return tf.gradients(fn(...xs), [xs[i]], [w])[0]!;
    const tape = new tf.GradientTape();
    const y = tape.record(() => {
      tape.watch(xs[i]);
      return fn(...xs);
    });
    return tape.gradient(y, [xs[i]], [w])[0]!;
  };
}

/** Runs the check; throws with the worst element on mismatch. `values` are the f64 inputs. */
export function gradcheck(
  fn: (...xs: Tensor[]) => Tensor | Tensor[],
  values: Float64Array[],
  shapes: number[][],
  dtypes: string[],
  opts: GradcheckOptions = {},
): void {
  const h = opts.h ?? 1e-6;
  const next = rng(opts.seed ?? 1234);
  const wrt = opts.wrt ?? dtypes.map((d, i) => (d === 'float64' ? i : -1)).filter((i) => i >= 0);
  const make = (vals: Float64Array[]) =>
    vals.map((v, i) => tf.constant(dtypes[i] === 'float64' ? v : Array.from(v), dtypes[i] as tf.DType, shapes[i]));
  const xs = make(values);
  const outs = tf.tidy(() => asList(fn(...xs)).map((y) => y.shape.reduce((a, b) => a * b, 1)));
  const ws = outs.map((n) => uniform(n, -1, 1, next));
  const analytic = analyticGrads(fn, xs, wrt, ws);
  tf.dispose(xs);

  wrt.forEach((inputIndex, j) => {
    const base = values[inputIndex];
    const count = Math.min(base.length, opts.maxPerInput ?? 2000);
    const picks = count === base.length ? [...base.keys()] : Array.from({ length: count }, () => Math.floor(next() * base.length));
    const numeric = new Float64Array(picks.length);
    const got = new Float64Array(picks.length);
    picks.forEach((e, k) => {
      const plus = values.map((v) => Float64Array.from(v));
      const minus = values.map((v) => Float64Array.from(v));
      plus[inputIndex][e] += h;
      minus[inputIndex][e] -= h;
      const xp = make(plus);
      const xm = make(minus);
      numeric[k] = (projected(fn, xp, ws) - projected(fn, xm, ws)) / (2 * h);
      tf.dispose([xp, xm]);
      got[k] = analytic[j] ? analytic[j]![e] : 0;
    });
    expectClose(got, numeric, { atol: opts.atol ?? 1e-6, rtol: opts.rtol ?? 1e-5 }, `gradient of input ${inputIndex}`);
  });
}
