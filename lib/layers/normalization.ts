/**
 * tf.layers.batchNormalization (TF 1.x): normalises over every axis but the channel axis (last),
 * with trainable beta/gamma and moving mean/variance updated through GraphKeys.UPDATE_OPS.
 * 4-D (NHWC) inputs use the fused kernel unless `fused: false` (TF's fused=None: fused when
 * possible); others compose moments and elementwise ops.
 *
 *   const h = tf.layers.batchNormalization(conv, { training: isTraining });
 *   const updates = tf.getCollection(tf.GraphKeys.UPDATE_OPS);
 *   const train = tf.controlDependencies(updates, () => opt.minimize(loss));
 */
import { shapeString } from '../dtype.js';
import { executingEagerly } from '../engine.js';
import { getDefaultGraph } from '../graph/graph.js';
import type { Initializer } from '../graph/initializers.js';
import { onesInitializer, zerosInitializer } from '../graph/initializers.js';
import type { Variable } from '../graph/variables.js';
import { assignSub, GraphKeys } from '../graph/variables.js';
import { Tensor } from '../tensor.js';
import { mul, sub, where } from '../ops/binary.js';
import { checkFloat } from '../ops/checks.js';
import { constant } from '../ops/creation.js';
import { batchNormalization as nnBatchNorm } from '../ops/conv.js';
import { fusedBatchNorm } from '../ops/norm.js';
import { moments } from '../nn/moments.js';
import type { LayerOptions, Regularizer } from './base.js';
import { inLayerScope, knownDim, layerName, layerVariable } from './base.js';

export interface BatchNormOptions extends LayerOptions {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  /** A boolean, or a bool scalar tensor switching between batch and moving statistics. */
  training?: boolean | Tensor;
  /**
   * Use the fused kernel (tf.nn.fusedBatchNorm). Default: when the input is 4-D. As TF's fused
   * layer, the moving variance then follows the unbiased batch variance (n/(n−1) times the biased
   * one the non-fused path uses); the normalisation itself is the same.
   */
  fused?: boolean;
  betaInitializer?: Initializer;
  gammaInitializer?: Initializer;
  movingMeanInitializer?: Initializer;
  movingVarianceInitializer?: Initializer;
  betaRegularizer?: Regularizer;
  gammaRegularizer?: Regularizer;
}

export function batchNormalization(inputs: Tensor, opts: BatchNormOptions = {}): Tensor {
  const name = layerName('batch_normalization', opts.name);
  const layer = `batchNormalization '${name}'`;
  checkFloat(inputs, 'inputs', layer);
  const rank = inputs.shape.length;
  const axis = opts.axis ?? -1;
  if (axis !== -1 && axis !== rank - 1) throw new Error(`${layer}: only the last (channel) axis is supported, got axis ${axis}`);
  if (rank !== 2 && rank !== 4) throw new Error(`${layer}: inputs must have rank 2 or 4 (NHWC), got ${shapeString(inputs.shape)}`);
  const c = knownDim(inputs, -1, layer, 'channel dimension');
  const momentum = opts.momentum ?? 0.99;
  const epsilon = opts.epsilon ?? 1e-3;
  const training = opts.training ?? false;
  const fused = opts.fused ?? rank === 4;
  if (fused && rank !== 4) {
    throw new Error(`${layer}: fused batch norm needs 4-D (NHWC) inputs, got rank ${rank}`);
  }
  return inLayerScope(name, opts, () => {
    const dtype = inputs.dtype as 'float32' | 'float64';
    const trainable = opts.trainable ?? true;
    const gamma = opts.scale ?? true
      ? layerVariable('gamma', [c], opts.gammaInitializer ?? onesInitializer(), { trainable, regularizer: opts.gammaRegularizer, dtype })
      : constant(1, dtype, [c]);
    const beta = opts.center ?? true
      ? layerVariable('beta', [c], opts.betaInitializer ?? zerosInitializer(), { trainable, regularizer: opts.betaRegularizer, dtype })
      : constant(0, dtype, [c]);
    const movingMean = layerVariable('moving_mean', [c], opts.movingMeanInitializer ?? zerosInitializer(), { trainable: false, dtype });
    const movingVar = layerVariable('moving_variance', [c], opts.movingVarianceInitializer ?? onesInitializer(), { trainable: false, dtype });
    const p = { gamma, beta, movingMean, movingVar };
    return batchNormApply(inputs, p, { momentum, epsilon, training, fused }, layer);
  });
}

/**
 * @internal batch normalisation on given parameters (shared with tf.keras.layers
 * BatchNormalization): batch statistics when training (moving averages updated through
 * GraphKeys.UPDATE_OPS), moving statistics otherwise; `training` may be a bool tensor.
 * `fused` (4-D inputs only) uses tf.nn.fusedBatchNorm.
 */
export function batchNormApply(
  inputs: Tensor,
  p: { gamma: Tensor; beta: Tensor; movingMean: Variable; movingVar: Variable },
  o: { momentum: number; epsilon: number; training: boolean | Tensor; fused: boolean },
  layer: string,
): Tensor {
  const { gamma, beta, movingMean, movingVar } = p;
  const { momentum, epsilon, training, fused } = o;
  const dtype = inputs.dtype as 'float32' | 'float64';
  const inferOpts = { epsilon, isTraining: false };
  const inference = fused
    ? () => fusedBatchNorm(inputs, gamma, beta, movingMean, movingVar, inferOpts)[0]
    : () => nnBatchNorm(inputs, movingMean, movingVar, beta, gamma, epsilon);
  if (training === false) return inference();
  const [yTrain, batchMean, batchVar] = fused
    ? fusedBatchNorm(inputs, gamma, beta, null, null, { epsilon })
    : batchStatsNorm(inputs, inputs.shape.length, beta, gamma, epsilon);
  // moving -= (moving − batch) · (1 − momentum); decay 0 (no update) when not training.
  const rate = constant(1 - momentum, dtype);
  const decay = typeof training === 'boolean' ? rate : where(training, rate, constant(0, dtype));
  const updates = [
    assignSub(movingMean, mul(sub(movingMean, batchMean), decay)),
    assignSub(movingVar, mul(sub(movingVar, batchVar), decay)),
  ];
  if (!executingEagerly()) {
    for (const u of updates) getDefaultGraph().addToCollection(GraphKeys.UPDATE_OPS, u.op);
  }
  if (typeof training === 'boolean') return yTrain;
  if (!(training instanceof Tensor) || training.dtype !== 'bool') {
    throw new Error(`${layer}: 'training' must be a boolean or a bool tensor`);
  }
  return where(training, yTrain, inference());
}

/**
 * The non-fused training path: statistics over every axis but the channels (TF 1.x's: biased
 * variance), then tf.nn.batchNormalization. Returns [y, mean, variance].
 */
function batchStatsNorm(
  inputs: Tensor,
  rank: number,
  beta: Tensor,
  gamma: Tensor,
  epsilon: number,
): [Tensor, Tensor, Tensor] {
  const [mean, variance] = moments(inputs, rank === 4 ? [0, 1, 2] : [0]);
  return [nnBatchNorm(inputs, mean, variance, beta, gamma, epsilon), mean, variance];
}
