/**
 * Shared by the Keras tests: seeded data, a float64 finite-difference gradient check through a
 * Keras model in graph mode (input and every trainable weight), and a silent-output stream.
 */
import { expect } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers/close.js';
import { rng, uniform } from '../helpers/random.js';

/** Fresh graph mode for each test. */
export function freshGraph(): void {
  tf.disableEagerExecution();
  tf.resetDefaultGraph();
  tf.setRandomSeed(null);
}

/** n values in [low, high) from a seeded generator, as float32 or float64. */
export function randomArray(
  n: number,
  seed = 1,
  low = -1,
  high = 1,
  avoid?: (v: number) => boolean,
): Float64Array {
  return uniform(n, low, high, rng(seed), avoid);
}

/** A stream that records what is written (for progress bars and summaries). */
export function memoryStream(
  isTTY: boolean): { isTTY: boolean; text: string; write(s: string,
): boolean } {
  return {
    isTTY,
    text: '',
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}

export interface KerasGradcheckOptions {
  /** Feed the learning phase true (BatchNormalization with batch statistics). */
  training?: boolean;
  /** Elements checked per tensor (default 24). */
  maxPerTensor?: number;
  h?: number;
  atol?: number;
  rtol?: number;
  /** Skip the check of the input (e.g. integer ids). */
  noInputGrad?: boolean;
}

/**
 * L = Σ w ⊙ model(x) with a fixed random w; the analytic gradients (tf.gradients, in the model's
 * graph and session) of L with respect to the input and every trainable weight must match
 * central differences computed by re-running L with perturbed values.
 */
export async function kerasGradcheck(
  model: tf.keras.Model,
  x: Float64Array,
  opts: KerasGradcheckOptions = {},
): Promise<void> {
  const g = model.graph!;
  const input = model.inputs[0];
  const out = model.outputs[0];
  const sess = model.session();
  const weights = model.trainableWeights;
  expect(out.dtype).toBe('float64');
  const row = input.shape.slice(1) as number[];
  const xShape = [Math.round(x.length / row.reduce((a, b) => a * b, 1)), ...row];
  const { L, grads } = g.asDefault(() => {
    const wShape = [xShape[0], ...out.shape.slice(1)] as number[];
    const w = tf.constant(randomArray(wShape.reduce((a, b) => a * b, 1), 99), 'float64', wShape);
    const L = tf.reduceSum(tf.mul(out, w));
    return { L, grads: tf.gradients(L, [input, ...weights]) };
  });
  const phase = tf.keras.backend.learningPhase(g);
  const feeds = (xv: Float64Array) => {
    const m = new Map<Tensor, Tensor>([[input, tensorOf(xv, input.dtype, xShape)]]);
    if (opts.training) m.set(phase, tensorOf([1], 'bool', []));
    return m;
  };
  model.getWeights().forEach((t) => t.dispose()); // initializes the weights
  const evalL = async (xv: Float64Array) => {
    return ((await sess.run(L, feeds(xv))) as Tensor).item() as number;
  };
  const analytic = (await sess.run(grads.map((gr) => gr!), feeds(x))) as Tensor[];
  const h = opts.h ?? 1e-6;
  const tol = { atol: opts.atol ?? 1e-6, rtol: opts.rtol ?? 1e-5 };
  const pick = (n: number) => {
    const k = Math.min(n, opts.maxPerTensor ?? 24);
    return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
  };
  // Input gradient.
  if (!opts.noInputGrad) {
    const idx = pick(x.length);
    const num: number[] = [];
    for (const i of idx) {
      const xp = Float64Array.from(x);
      xp[i] += h;
      const xm = Float64Array.from(x);
      xm[i] -= h;
      num.push(((await evalL(xp)) - (await evalL(xm))) / (2 * h));
    }
    const a = analytic[0].dataSync();
    expectClose(idx.map((i) => a[i]), num, tol, 'dL/dinput');
  }
  // Weight gradients.
  for (const [k, v] of weights.entries()) {
    const base = tf.keras.backend.getValue(v, sess);
    const values = Float64Array.from(base.dataSync() as Float64Array);
    const idx = pick(values.length);
    const num: number[] = [];
    for (const i of idx) {
      const at = (d: number) => {
        const p = Float64Array.from(values);
        p[i] += d;
        tf.keras.backend.setValue(v, tensorOf(p, 'float64', [...v.shape]), sess);
      };
      at(h);
      const lp = await evalL(x);
      at(-h);
      const lm = await evalL(x);
      num.push((lp - lm) / (2 * h));
    }
    tf.keras.backend.setValue(v, base, sess);
    const a = analytic[k + 1].dataSync();
    expectClose(idx.map((i) => a[i]), num, tol, `dL/d${v.opName}`);
  }
}

/** A host tensor from values (bool from 0/1). */
export function tensorOf(values: ArrayLike<number>, dtype: tf.DType, shape: number[]): Tensor {
  const wasEager = tf.executingEagerly();
  tf.enableEagerExecution();
  try {
    const list = Array.from(values, (v) => (dtype === 'bool' ? v !== 0 : v));
    return tf.constant(list as never, dtype, shape);
  } finally {
    if (!wasEager) tf.disableEagerExecution();
  }
}
