/**
 * Normalisation ops over NHWC activations, one native kernel per direction: fusedBatchNorm
 * (TF 1.x tf.nn.fused_batch_norm, cpp/cpu/batch_norm.cpp) and lrn (tf.nn.lrn /
 * local_response_normalization, cpp/cpu/lrn.cpp). tf.nn.batchNormalization, composed from
 * elementwise ops, lives in conv.ts.
 */
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import { compositeGradients } from '../autograd.js';
import { registerGrad } from '../grad_registry.js';
import type { Attrs } from '../native.js';
import type { Tensor } from '../tensor.js';
import { add, div, greater, maximum, mul, pow, sub, where } from './binary.js';
import { batchNormalization } from './conv.js';
import { shape, size } from './core.js';
import { onesLike, zerosLike } from './creation.js';
import { cast, gather } from './index_ops.js';
import { reduceMean } from './reduce.js';
import { pad, slice } from './shape.js';
import { square } from './unary.js';
import { asTensor, checkFloat } from './checks.js';
import { opWithShapes } from './conv_args.js';

export interface FusedBatchNormOptions {
  /** Added to the variance; default 0.001 (TF). */
  epsilon?: number;
  /** Default true: normalise with the batch statistics (mean and variance are then ignored). */
  isTraining?: boolean;
  /** Only 'NHWC' (TF's CPU kernel supports no other). */
  dataFormat?: string;
}

/**
 * Batch normalisation of x [batch, h, w, C] with statistics per channel over batch, h and w:
 *   y = (x − μ) · scale / √(σ² + ε) + offset.
 * Training (default): μ, σ² are the batch mean and biased variance, and the result is
 * [y, μ, σ²·n/(n−1)] (n = batch·h·w; the unbiased variance, for moving averages, as TF).
 * Inference (isTraining false): μ, σ² are the given mean and variance, returned as they are.
 * Gradients flow to x, scale and offset (and mean and variance in inference), also through
 * the returned statistics.
 *
 *   const [y, batchMean, batchVar] = tf.nn.fusedBatchNorm(x, gamma, beta);
 *   const [yInf] = tf.nn.fusedBatchNorm(x, gamma, beta, mean, variance, { isTraining: false });
 */
export function fusedBatchNorm(
  x: TensorLike,
  scale: TensorLike,
  offset: TensorLike,
  mean?: TensorLike | null,
  variance?: TensorLike | null,
  opts: FusedBatchNormOptions & NameOption = {},
): [Tensor, Tensor, Tensor] {
  const t = asTensor(x, 'x', 'fusedBatchNorm');
  checkFloat(t, 'x', 'fusedBatchNorm');
  const op = opWithShapes('fusedBatchNorm', { x: t.shape });   // what argument errors name
  const epsilon = opts.epsilon ?? 0.001;
  const isTraining = opts.isTraining ?? true;
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw new Error(`${op}: epsilon must be a finite number >= 0, got ${epsilon}`);
  }
  if (typeof isTraining !== 'boolean') {
    throw new Error(`${op}: isTraining must be a boolean, got ${String(isTraining)}`);
  }
  if (opts.dataFormat !== undefined && opts.dataFormat !== 'NHWC') {
    const got = opts.dataFormat;
    throw new Error(`${op}: only dataFormat 'NHWC' is supported on the CPU, got '${got}'`);
  }
  const inputs = [
    t,
    asTensor(scale, 'scale', op, t.dtype),
    asTensor(offset, 'offset', op, t.dtype),
  ];
  if (!isTraining) {
    if (mean == null || variance == null) {
      throw new Error(`${op}: inference (isTraining false) needs mean and variance`);
    }
    inputs.push(asTensor(mean, 'mean', op, t.dtype), asTensor(variance, 'variance', op, t.dtype));
  }
  // Outputs 3 and 4 (saved μ and biased σ²) are for the gradient only, as TF's reserve spaces.
  const [y, batchMean, batchVariance] = named(op, opts.name, () => runOp('fused_batch_norm', inputs, { epsilon, isTraining }));
  return [y, batchMean, batchVariance];
}

registerGrad('fused_batch_norm', (dys, { inputs, outputs, attrs }) => {
  const [x, scale] = inputs;
  // Inference saves the given mean and variance: pass those inputs themselves, so that a
  // gradient of this gradient reaches them.
  const saved = attrs.isTraining === false ? [inputs[3], inputs[4]] : [outputs[3], outputs[4]];
  const [dx, dscale, doffset, dmean, dvariance] = runOp(
    'fused_batch_norm_backward',
    [dys[0], dys[1], dys[2], x, scale, ...saved],
    attrs,
  );
  // Training: mean and variance are not inputs (TF ignores them there).
  return attrs.isTraining === false
    ? [dx, dscale, doffset, dmean, dvariance]
    : [dx, dscale, doffset, null, null];
});
// Second order, as TF's _FusedBatchNormGradGrad: the backward kernel's outputs are the gradients
// of the composite below, so its own gradients are those of that composite's backprop.
registerGrad('fused_batch_norm_backward', (gs, { inputs, attrs }) => {
  const [dy, dMean, dVariance, x, scale, mean, variance] = inputs;
  const training = attrs.isTraining !== false;
  const offset = zerosLike(scale);   // no gradient depends on the offset's value
  const forwardInputs = training ? [x, scale, offset] : [x, scale, offset, mean, variance];
  const firstOrder = () =>
    compositeGradients(
      () => fusedBatchNormComposite(x, scale, offset, mean, variance, attrs.epsilon as number, training),
      [dy, dMean, dVariance],
      forwardInputs,
    );
  const wrt = training ? [dy, dMean, dVariance, x, scale] : [dy, dMean, dVariance, x, scale, mean, variance];
  const g = compositeGradients(firstOrder, gs, wrt);
  // In training the saved statistics are functions of x, and the gradient through them is in x's.
  return training ? [...g, null, null] : g;
});

/**
 * fused_batch_norm as tf.nn.batchNormalization (elementwise ops) on the batch statistics or the
 * given ones, with the kernel's outputs [y, batch mean, batch variance] (unbiased in training,
 * as the kernel: n/(n−1), n = batch·h·w > 1).
 */
function fusedBatchNormComposite(x: Tensor, scale: Tensor, offset: Tensor, mean: Tensor, variance: Tensor, epsilon: number, training: boolean): Tensor[] {
  if (!training) return [batchNormalization(x, mean, variance, offset, scale, epsilon), mean, variance];
  const m = reduceMean(x, [0, 1, 2]);
  const v = reduceMean(square(sub(x, m)), [0, 1, 2]);
  const n = cast(div(size(x), gather(shape(x), 3)), x.dtype);
  const bessel = where(greater(n, 1), div(n, maximum(sub(n, 1), 1)), onesLike(n));
  return [batchNormalization(x, m, v, offset, scale, epsilon), m, mul(v, bessel)];
}

/**
 * Local response normalisation across the channels of input [batch, h, w, C]:
 *   y[..., c] = x[..., c] / (bias + alpha · Σ_{|j − c| ≤ depthRadius} x[..., j]²)^beta.
 * Defaults as TF: depthRadius 5, bias 1, alpha 1, beta 0.5.
 *
 *   const y = tf.nn.lrn(h, 2, 1, 2e-5, 0.75);                     // AlexNet's setting
 */
export function lrn(input: TensorLike, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5, opts: NameOption = {}): Tensor {
  const x = asTensor(input, 'input', 'lrn');
  checkFloat(x, 'input', 'lrn');
  const op = opWithShapes('lrn', { input: x.shape });
  if (!Number.isInteger(depthRadius) || depthRadius < 0) {
    throw new Error(`${op}: depthRadius must be an integer >= 0, got ${depthRadius}`);
  }
  for (const [k, v] of Object.entries({ bias, alpha, beta })) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`${op}: ${k} must be a finite number, got ${v}`);
    }
  }
  return named('lrn', opts.name, () => runOp('lrn', [x], { depthRadius, bias, alpha, beta })[0]);
}

/** TF's other name for tf.nn.lrn. */
export const localResponseNormalization = lrn;

registerGrad('lrn', (dys, { inputs: [x], attrs }) => [
  runOp('lrn_backward', [dys[0], x], attrs)[0],
]);
// Second order: the gradients of the composite LRN's backprop (as fused batch norm above).
registerGrad('lrn_backward', (gs, { inputs: [dy, x], attrs }) => {
  const firstOrder = () => compositeGradients(() => [lrnComposite(x, attrs)], [dy], [x]);
  return compositeGradients(firstOrder, gs, [dy, x]);
});

/** lrn from elementwise ops: the window sum over channels as 2r + 1 slices of the padded x². */
function lrnComposite(x: Tensor, attrs: Attrs): Tensor {
  const [r, bias, alpha, beta] = [attrs.depthRadius, attrs.bias, attrs.alpha, attrs.beta] as number[];
  const rank = x.shape.length;
  const channels = x.shape[rank - 1];
  if (channels === null) throw new Error('lrn: the gradient of its gradient needs a known channel count');
  const padded = pad(square(x), [...Array.from({ length: rank - 1 }, () => [0, 0]), [r, r]]);
  const begin = Array<number>(rank).fill(0);
  const sizes = [...Array<number>(rank - 1).fill(-1), channels];
  let windowSum = slice(padded, begin, sizes);
  for (let j = 1; j <= 2 * r; j++) windowSum = add(windowSum, slice(padded, [...begin.slice(0, -1), j], sizes));
  return mul(x, pow(add(mul(windowSum, alpha), bias), -beta));
}
