/**
 * Random ops (TF 1.x): randomNormal, randomUniform, truncatedNormal, randomShuffle, multinomial,
 * and the seeds: setRandomSeed + TF's get_seed rules. Kernels are counter-based (Philox4x32-10
 * keyed by (seed, seed2), stream `counter`), so a call is a pure function of its attrs.
 */
import { randomInt } from 'node:crypto';
import type { DType } from '../dtype.js';
import { shapeString } from '../dtype.js';
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import { registerNonDifferentiable } from '../grad_registry.js';
import { markStateful } from '../graph/op_traits.js';
import type { Tensor } from '../tensor.js';
import { asTensor, checkFloat } from './checks.js';

// ---------------------------------------------------------------- seeds

const MAXINT32 = 2147483647; // TF's _MAXINT32 (2^31 - 1)
const DEFAULT_GRAPH_SEED = 87654321; // TF's DEFAULT_GRAPH_SEED
let globalSeed: number | null = null;
let lastOpSeed = 0; // TF's internal op seed sequence (graph._last_id / eager op counter)
const counters = new Map<string, number>(); // per (seed, seed2): eager calls so far

/** The op attrs that pick one call's random stream. */
export interface RandomStreamAttrs {
  seed: number;
  seed2: number;
  counter: number;
}

function checkSeed(seed: unknown, op: string, arg = 'seed'): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new Error(`${op}: ${arg} must be an integer, got ${String(seed)}`);
  }
}

/** TF's _truncate_seed: seed mod (2^31 - 1), non-negative. */
const truncateSeed = (s: number): number => ((s % MAXINT32) + MAXINT32) % MAXINT32;

/**
 * Sets the global random seed (TF 1.x tf.set_random_seed), or clears it with null. Ops then
 * draw reproducible sequences: the same seed replays the same values, call after call.
 *
 *   tf.setRandomSeed(42); const a = tf.randomNormal([2]);  // same a after every setRandomSeed(42)
 */
export function setRandomSeed(seed: number | null): void {
  if (seed !== null) checkSeed(seed, 'setRandomSeed');
  globalSeed = seed;
  lastOpSeed = 0;
  counters.clear();
}

/**
 * @internal TF's get_seed: (seed, seed2) for an op from the global seed and its op seed. Global
 * seed only: the op seed comes from an internal sequence that setRandomSeed restarts. Op seed
 * only: the global seed is DEFAULT_GRAPH_SEED. Neither: [null, null] (nondeterministic).
 */
export function getSeeds(opSeed?: number | null): [number, number] | [null, null] {
  if (opSeed !== undefined && opSeed !== null) checkSeed(opSeed, 'getSeeds', 'op seed');
  let seeds: [number, number];
  if (globalSeed !== null) {
    seeds = [truncateSeed(globalSeed), truncateSeed(opSeed ?? ++lastOpSeed)];
  } else if (opSeed !== undefined && opSeed !== null) {
    seeds = [DEFAULT_GRAPH_SEED, truncateSeed(opSeed)];
  } else {
    return [null, null];
  }
  // (0, 0) means "nondeterministic" to TF's kernels; TF maps it to (0, 2^31 - 1) as we do.
  return seeds[0] === 0 && seeds[1] === 0 ? [0, MAXINT32] : seeds;
}

/**
 * @internal The stream attrs of one random op call: seeds by getSeeds (fresh random ones when
 * none is set), and a counter that counts the calls made with those seeds since the last
 * setRandomSeed, so successive eager calls differ and the sequence replays after a reset.
 * Graph mode: a node keeps the seeds from construction and the Session sets `counter` per run.
 */
export function randomStreamAttrs(opSeed?: number | null): RandomStreamAttrs {
  const [s, s2] = getSeeds(opSeed);
  if (s === null) return { seed: randomInt(MAXINT32), seed2: randomInt(MAXINT32), counter: 0 };
  const key = `${s},${s2}`;
  const counter = counters.get(key) ?? 0;
  counters.set(key, counter + 1);
  return { seed: s, seed2: s2, counter };
}

/**
 * @internal The seed of a host-side random choice (a dataset or fit() shuffle): from the global
 * seed's op sequence when tf.setRandomSeed is set, as TF's Dataset.shuffle does, so a seeded
 * program replays its batches too; otherwise random.
 */
export function hostShuffleSeed(): number {
  const [seed, seed2] = getSeeds();
  if (seed === null) return randomInt(MAXINT32);
  return (Math.imul(seed, 31) + seed2) >>> 0;
}

// ---------------------------------------------------------------- argument checks

function checkShape(shape: unknown, op: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    const s = Array.isArray(shape) ? shapeString(shape) : String(shape);
    throw new Error(`${op}: shape must be an array of non-negative integers, got ${s}`);
  }
  return shape as number[];
}

function checkNumber(v: unknown, arg: string, op: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`${op}: ${arg} must be a finite number, got ${String(v)}`);
  }
  return v;
}

function checkOutDType(dtype: DType, allowed: DType[], op: string, shape: number[]): void {
  if (!allowed.includes(dtype)) {
    throw new Error(`${op}: dtype must be ${allowed.join(' or ')}, got ${String(dtype)} (shape ${shapeString(shape)})`);
  }
}

// ---------------------------------------------------------------- ops

export interface NormalOptions {
  mean?: number;
  stddev?: number;
  dtype?: DType;
  seed?: number;
}

function normalLike(op: string, type: string, shape: number[], o: NormalOptions): Tensor {
  const { mean = 0, stddev = 1, dtype = 'float32', seed } = o;
  checkShape(shape, op);
  checkOutDType(dtype, ['float32', 'float64'], op, shape);
  checkNumber(mean, 'mean', op);
  if (checkNumber(stddev, 'stddev', op) < 0) throw new Error(`${op}: stddev must be >= 0, got ${stddev}`);
  if (seed !== undefined) checkSeed(seed, op);
  return runOp(type, [], { shape, dtype, mean, stddev, ...randomStreamAttrs(seed) })[0];
}

/**
 * Samples from a normal distribution: mean + stddev·z, z ~ N(0, 1) (Box-Muller on Philox).
 *
 *   const w = tf.randomNormal([784, 300], { stddev: 0.03, seed: 1 });
 */
export function randomNormal(shape: number[], options: NormalOptions & NameOption = {}): Tensor {
  return named('randomNormal', options.name, () => normalLike('randomNormal', 'random_normal', shape, options));
}

/**
 * Normal samples with values beyond 2 stddev re-drawn: the result lies in
 * (mean - 2·stddev, mean + 2·stddev) and its std is ≈ 0.8796·stddev.
 *
 *   const w = tf.truncatedNormal([784, 300], { stddev: 0.1 });
 */
export function truncatedNormal(shape: number[], options: NormalOptions & NameOption = {}): Tensor {
  return named('truncatedNormal', options.name, () => normalLike('truncatedNormal', 'truncated_normal', shape, options));
}

export interface UniformOptions {
  minval?: number;
  /** Default 1; required for int32, as in TF. */
  maxval?: number;
  dtype?: DType;
  seed?: number;
}

/**
 * Uniform samples in [minval, maxval) (floats), or integers in [minval, maxval) for int32.
 *
 *   const u = tf.randomUniform([2, 3], { minval: -1, maxval: 1 });
 *   const k = tf.randomUniform([5], { maxval: 10, dtype: 'int32' });
 */
export function randomUniform(shape: number[], options: UniformOptions & NameOption = {}): Tensor {
  const op = 'randomUniform';
  const { minval = 0, dtype = 'float32', seed } = options;
  checkShape(shape, op);
  checkOutDType(dtype, ['float32', 'float64', 'int32'], op, shape);
  if (dtype === 'int32' && options.maxval === undefined) {
    throw new Error(`${op}: maxval must be given for dtype int32 (shape ${shapeString(shape)})`);
  }
  const maxval = options.maxval ?? 1;
  checkNumber(minval, 'minval', op);
  checkNumber(maxval, 'maxval', op);
  if (!(minval < maxval)) {
    throw new Error(`${op}: minval (${minval}) must be less than maxval (${maxval}) (${dtype}${shapeString(shape)})`);
  }
  if (dtype === 'int32' && !(Number.isInteger(minval) && Number.isInteger(maxval))) {
    throw new Error(`${op}: int32 minval and maxval must be integers, got ${minval} and ${maxval}`);
  }
  if (seed !== undefined) checkSeed(seed, op);
  return named('randomUniform', options.name, () => runOp('random_uniform', [], { shape, dtype, minval, maxval, ...randomStreamAttrs(seed) })[0]);
}

/**
 * Shuffles `value` along its first dimension (rows stay intact); any dtype.
 *
 *   const s = tf.randomShuffle(tf.constant([[1, 2], [3, 4], [5, 6]]));
 */
export function randomShuffle(value: TensorLike, options: { seed?: number } & NameOption = {}): Tensor {
  const x = asTensor(value, 'value', 'randomShuffle');
  if (options.seed !== undefined) checkSeed(options.seed, 'randomShuffle');
  return named('randomShuffle', options.name, () => runOp('random_shuffle', [x], { ...randomStreamAttrs(options.seed) })[0]);
}

/**
 * Draws class indices from categorical distributions: row b of logits [batch, classes] gives
 * p = softmax(logits[b]); the result is int32 [batch, numSamples]. -inf logits have p = 0.
 *
 *   const idx = tf.multinomial(tf.log([[0.5, 0.5]]), 5);   // int32 [1, 5] of 0s and 1s
 */
export function multinomial(logits: TensorLike, numSamples: number, options: { seed?: number } & NameOption = {}): Tensor {
  const op = 'multinomial';
  const l = asTensor(logits, 'logits', op);
  checkFloat(l, 'logits', op);
  if (l.shape.length !== 2) {
    throw new Error(`${op}: logits must be 2-D [batch, classes], got ${l.dtype} ${shapeString(l.shape)}`);
  }
  if (!Number.isSafeInteger(numSamples) || numSamples < 0) {
    throw new Error(`${op}: numSamples must be a non-negative integer, got ${String(numSamples)}`);
  }
  if (options.seed !== undefined) checkSeed(options.seed, op);
  return named('multinomial', options.name, () => runOp('multinomial', [l], { num_samples: numSamples, ...randomStreamAttrs(options.seed) })[0]);
}

// TF registers no gradient for random ops (random_shuffle included).
registerNonDifferentiable('random_normal', 'random_uniform', 'truncated_normal', 'random_shuffle', 'multinomial');
// Graph mode: the Session gives these a fresh `counter` on every run, so each run re-samples.
markStateful('random_normal', 'random_uniform', 'truncated_normal', 'random_shuffle', 'multinomial');
markStateful('dropout');
