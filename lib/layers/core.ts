/** tf.layers.dense, flatten and dropout (TF 1.x functional layers). */
import { shapeString } from '../dtype.js';
import { glorotUniformInitializer, zerosInitializer } from '../graph/initializers.js';
import type { Initializer } from '../graph/initializers.js';
import type { TensorLike } from '../convert.js';
import { Tensor } from '../tensor.js';
import { add, sub, where } from '../ops/binary.js';
import { asTensor, checkFloat } from '../ops/checks.js';
import { matmul } from '../ops/matmul.js';
import { reshape } from '../ops/shape.js';
import { constant } from '../ops/creation.js';
import { dropout as nnDropout } from '../nn/dropout.js';
import type { Activation, LayerOptions, Regularizer } from './base.js';
import { inLayerScope, knownDim, layerName, layerVariable, resolveActivation } from './base.js';

export interface DenseOptions extends LayerOptions {
  units: number;
  activation?: Activation;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
}

/**
 * Fully connected: activation(inputs · kernel + bias), on the last axis (higher ranks keep
 * their leading dims). Variables "<name>/kernel" and "<name>/bias".
 *
 *   const h = tf.layers.dense(x, { units: 300, activation: tf.nn.relu, name: 'fc1' });
 */
export function dense(inputs: Tensor, opts: DenseOptions): Tensor {
  const name = layerName('dense', opts.name);
  const layer = `dense '${name}'`;
  checkFloat(inputs, 'inputs', layer);
  if (!Number.isInteger(opts.units) || opts.units <= 0) throw new Error(`${layer}: units must be a positive integer, got ${opts.units}`);
  if (inputs.shape.length < 2) throw new Error(`${layer}: inputs must have rank >= 2, got shape [${inputs.shape}]`);
  const inDim = knownDim(inputs, -1, layer, 'last dimension');
  const activation = resolveActivation(opts.activation, layer);
  return inLayerScope(name, opts, () => {
    const dtype = inputs.dtype as 'float32' | 'float64';
    const kernel = layerVariable('kernel', [inDim, opts.units], opts.kernelInitializer ?? glorotUniformInitializer(), {
      trainable: opts.trainable, regularizer: opts.kernelRegularizer, dtype,
    });
    const bias = opts.useBias ?? true
      ? layerVariable('bias', [opts.units], opts.biasInitializer ?? zerosInitializer(), {
        trainable: opts.trainable, regularizer: opts.biasRegularizer, dtype,
      })
      : null;
    return denseApply(inputs, kernel, bias, activation, layer);
  });
}

/**
 * @internal activation(inputs · kernel + bias) over the last axis of a rank >= 2 input, on
 * variables made by the caller (tf.layers.dense and tf.keras.layers.Dense share it).
 */
export function denseApply(
  inputs: Tensor,
  kernel: Tensor,
  bias: Tensor | null,
  activation: ((x: Tensor) => Tensor) | null,
  layer: string,
): Tensor {
  const [inDim, units] = kernel.shape as [number, number];
  let y: Tensor;
  if (inputs.shape.length === 2) {
    y = matmul(inputs, kernel);
  } else {
    // [..., in] → [-1, in] · kernel → [..., units]
    const lead = inputs.shape.slice(0, -1).map((d) => (d === null ? -1 : d));
    if (lead.filter((d) => d === -1).length > 1) {
      throw new Error(`${layer}: at most one unknown leading dimension is supported, got ${shapeString(inputs.shape)}`);
    }
    y = reshape(matmul(reshape(inputs, [-1, inDim]), kernel), [...lead, units]);
  }
  if (bias) y = add(y, bias);
  return activation ? activation(y) : y;
}

/**
 * Flattens all but the first (batch) dimension; the others must be known.
 *
 *   const flat = tf.layers.flatten(pool2);        // [?, 7, 7, 64] → [?, 3136]
 */
export function flatten(inputs: Tensor, opts: { name?: string } = {}): Tensor {
  const layer = `flatten '${layerName('flatten', opts.name)}'`;
  if (inputs.shape.length < 1) throw new Error(`${layer}: inputs must have rank >= 1`);
  let n = 1;
  for (let i = 1; i < inputs.shape.length; i++) n *= knownDim(inputs, i, layer, `dimension ${i}`);
  return reshape(inputs, [-1, n]);
}

export interface DropoutLayerOptions {
  rate?: number;
  noiseShape?: number[];
  seed?: number;
  /** A boolean, or a bool scalar tensor (e.g. tf.placeholderWithDefault(false, [])). */
  training?: boolean | Tensor;
  name?: string;
}

/**
 * Dropout that is active only when `training` is true (default false, as TF 1.x).
 * With a tensor, the keep probability becomes where(training, 1 − rate, 1): one graph serves
 * training and inference.
 *
 *   const d = tf.layers.dropout(h, { rate: 0.5, training: isTraining });
 */
export function dropout(inputs: TensorLike, opts: DropoutLayerOptions = {}): Tensor {
  const x = asTensor(inputs, 'inputs', 'dropout');
  const rate = opts.rate ?? 0.5;
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout '${opts.name ?? 'dropout'}': rate must be in [0, 1), got ${rate}`);
  layerName('dropout', opts.name);
  const training = opts.training ?? false;
  if (typeof training === 'boolean') {
    return training && rate > 0 ? nnDropout(x, 1 - rate, { noiseShape: opts.noiseShape, seed: opts.seed }) : x;
  }
  if (!(training instanceof Tensor) || training.dtype !== 'bool') {
    throw new Error(`dropout: 'training' must be a boolean or a bool tensor`);
  }
  const one = constant(1, x.dtype);
  const keep = where(training, sub(one, rate), one);
  return nnDropout(x, keep, { noiseShape: opts.noiseShape, seed: opts.seed });
}
