/**
 * Initializers (TF 1.x tf.*_initializer): functions (shape, dtype) → Tensor, used by
 * tf.getVariable and the layers. Random ones build random ops, so in graph mode they draw when
 * the initializer runs.
 */
import type { DType } from '../dtype.js';
import { fill } from '../ops/creation.js';
import { constant } from '../ops/creation.js';
import { getSeeds, randomNormal, randomUniform, truncatedNormal } from '../ops/random.js';
import { seededRandom } from '../host_random.js';
import type { Tensor } from '../tensor.js';

export type Initializer = (shape: number[], dtype?: DType) => Tensor;

export function zerosInitializer(): Initializer {
  return (shape, dtype = 'float32') => fill(shape, 0, dtype);
}
export function onesInitializer(): Initializer {
  return (shape, dtype = 'float32') => fill(shape, 1, dtype);
}
/** A number fills the shape; an array must have the shape's size. */
export function constantInitializer(value: number | number[]): Initializer {
  return (shape, dtype = 'float32') => (typeof value === 'number' ? fill(shape, value, dtype) : constant(value, dtype, shape));
}
export function randomNormalInitializer(opts: { mean?: number; stddev?: number; seed?: number } = {}): Initializer {
  return (shape, dtype = 'float32') => randomNormal(shape, { mean: opts.mean ?? 0, stddev: opts.stddev ?? 1, dtype, seed: opts.seed });
}
export function truncatedNormalInitializer(opts: { mean?: number; stddev?: number; seed?: number } = {}): Initializer {
  return (shape, dtype = 'float32') => truncatedNormal(shape, { mean: opts.mean ?? 0, stddev: opts.stddev ?? 1, dtype, seed: opts.seed });
}
export function randomUniformInitializer(opts: { minval?: number; maxval?: number; seed?: number } = {}): Initializer {
  return (shape, dtype = 'float32') => randomUniform(shape, { minval: opts.minval ?? -0.05, maxval: opts.maxval ?? 0.05, dtype, seed: opts.seed });
}

/** Fans as TF computes them: dense [in, out]; conv [h, w, in, out] scaled by the receptive field. */
function fans(shape: number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

export interface VarianceScalingOptions {
  scale?: number;
  mode?: 'fan_in' | 'fan_out' | 'fan_avg';
  distribution?: 'truncated_normal' | 'normal' | 'untruncated_normal' | 'uniform';
  seed?: number;
}

/**
 * TF's variance_scaling_initializer: stddev = sqrt(scale / n), n by `mode`; the truncated
 * normal is corrected by 0.8796… (the stddev of a standard normal truncated at ±2).
 */
export function varianceScalingInitializer(opts: VarianceScalingOptions = {}): Initializer {
  const scale = opts.scale ?? 1;
  const mode = opts.mode ?? 'fan_in';
  const dist = opts.distribution ?? 'truncated_normal';
  if (!(scale > 0)) throw new Error(`varianceScalingInitializer: scale must be positive, got ${scale}`);
  return (shape, dtype = 'float32') => {
    const [fanIn, fanOut] = fans(shape);
    const n = Math.max(1, mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2);
    const s = scale / n;
    if (dist === 'uniform') {
      const limit = Math.sqrt(3 * s);
      return randomUniform(shape, { minval: -limit, maxval: limit, dtype, seed: opts.seed });
    }
    if (dist === 'untruncated_normal') return randomNormal(shape, { stddev: Math.sqrt(s), dtype, seed: opts.seed });
    return truncatedNormal(shape, { stddev: Math.sqrt(s) / 0.87962566103423978, dtype, seed: opts.seed });
  };
}

/** Xavier/Glorot uniform: U(±sqrt(6 / (fan_in + fan_out))). TF 1.x's default for getVariable. */
export function glorotUniformInitializer(opts: { seed?: number } = {}): Initializer {
  return varianceScalingInitializer({ scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: opts.seed });
}
export function glorotNormalInitializer(opts: { seed?: number } = {}): Initializer {
  return varianceScalingInitializer({ scale: 1, mode: 'fan_avg', distribution: 'truncated_normal', seed: opts.seed });
}
/** tf.contrib.layers.xavier_initializer (uniform by default). */
export function xavierInitializer(opts: { uniform?: boolean; seed?: number } = {}): Initializer {
  return opts.uniform === false ? glorotNormalInitializer(opts) : glorotUniformInitializer(opts);
}

/**
 * TF's orthogonal_initializer (Keras' 'orthogonal', the default of recurrent kernels): the
 * weights, viewed as [prod(shape[:-1]), shape[-1]], have orthonormal rows or columns (whichever
 * are fewer), times `gain`. The Q of a QR of a normal matrix (modified Gram-Schmidt in float64,
 * signs fixed by R's diagonal, so it is uniform over orthogonal matrices). Drawn on the host
 * when the initializer is built, from the seeds tf.setRandomSeed gives (the value is then a
 * constant of the graph: rerunning the initializer gives the same weights).
 */
export function orthogonalInitializer(opts: { gain?: number; seed?: number } = {}): Initializer {
  const gain = opts.gain ?? 1;
  return (shape, dtype = 'float32') => {
    if (shape.length < 2) throw new Error(`orthogonalInitializer: the shape must have rank >= 2, got [${shape.join(',')}]`);
    const cols = shape[shape.length - 1];
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const [n, m] = [Math.max(rows, cols), Math.min(rows, cols)];   // Q is n × m, n >= m
    const [seed, seed2] = getSeeds(opts.seed);
    const next = seededRandom(seed === null ? (Math.random() * 2 ** 32) >>> 0 : (seed * 2654435761 + seed2) >>> 0);
    const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    const q = Float64Array.from({ length: n * m }, normal);   // column-major: column j at j*n
    for (let j = 0; j < m; j++) {
      const cj = q.subarray(j * n, (j + 1) * n);
      for (let k = 0; k < j; k++) {
        const ck = q.subarray(k * n, (k + 1) * n);
        let dot = 0;
        for (let i = 0; i < n; i++) dot += ck[i] * cj[i];
        for (let i = 0; i < n; i++) cj[i] -= dot * ck[i];
      }
      // R's diagonal is the norm (positive), which fixes the signs as TF's d = sign(diag(R)).
      const norm = Math.sqrt(cj.reduce((a, v) => a + v * v, 0));
      for (let i = 0; i < n; i++) cj[i] /= norm;
    }
    const out = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? q[c * n + r] : q[r * n + c]);
    }
    return constant(out, dtype, shape);
  };
}
