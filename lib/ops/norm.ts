/**
 * Normalisation ops over NHWC activations, one native kernel per direction: fusedBatchNorm
 * (TF 1.x tf.nn.fused_batch_norm, cpp/cpu/batch_norm.cpp) and lrn (tf.nn.lrn /
 * local_response_normalization, cpp/cpu/lrn.cpp). tf.nn.batchNormalization, composed from
 * elementwise ops, lives in conv.ts.
 */
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import { registerGrad, registerNonDifferentiable } from '../grad_registry.js';
import type { Tensor } from '../tensor.js';
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
  const saved = [outputs[3], outputs[4]];
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
// NOTE: no second-order gradient through fused batch norm yet.
registerNonDifferentiable('fused_batch_norm_backward');

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
// NOTE: no second-order gradient through LRN yet.
registerNonDifferentiable('lrn_backward');
