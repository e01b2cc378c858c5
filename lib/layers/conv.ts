/** tf.layers.conv2d, conv2dTranspose, maxPooling2d, averagePooling2d (NHWC, filters HWIO). */
import { shapeString } from '../dtype.js';
import { glorotUniformInitializer, zerosInitializer } from '../graph/initializers.js';
import type { Initializer } from '../graph/initializers.js';
import type { Tensor } from '../tensor.js';
import { checkFloat } from '../ops/checks.js';
import { biasAdd, conv2d as nnConv2d, conv2dTranspose as nnConv2dTranspose } from '../ops/conv.js';
import { avgPool, maxPool } from '../ops/pool.js';
import type { Activation, LayerOptions, Regularizer } from './base.js';
import { inLayerScope, knownDim, layerLabel, layerName, layerVariable, resolveActivation } from './base.js';

export type Pair = number | [number, number];
/** @internal a positive integer or a pair of them, as [h, w]. */
export const pair = (v: Pair, what: string, layer: string): [number, number] => {
  const p: [number, number] = typeof v === 'number' ? [v, v] : v;
  if (p.length !== 2 || !p.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${layer}: ${what} must be a positive integer or a pair of them, got ${JSON.stringify(v)}`);
  }
  return p;
};
/** @internal 'same' | 'valid' (either case) as 'SAME' | 'VALID'. */
export const paddingOf = (p: string | undefined, layer: string): 'SAME' | 'VALID' => {
  const up = (p ?? 'valid').toUpperCase();
  if (up !== 'SAME' && up !== 'VALID') throw new Error(`${layer}: padding must be 'same' or 'valid', got '${p}'`);
  return up;
};

export interface Conv2DOptions extends LayerOptions {
  filters: number;
  kernelSize: Pair;
  strides?: Pair;
  padding?: 'same' | 'valid' | 'SAME' | 'VALID';
  dilationRate?: Pair;
  activation?: Activation;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
}

/**
 * 2-D convolution layer: activation(conv2d(inputs, kernel) + bias), variables
 * "<name>/kernel" [kh, kw, in, filters] and "<name>/bias".
 *
 *   const c1 = tf.layers.conv2d(x, { filters: 32, kernelSize: 5, padding: 'same', activation: tf.nn.relu });
 */
export function conv2d(inputs: Tensor, opts: Conv2DOptions): Tensor {
  const name = layerName('conv2d', opts.name);
  const layer = layerLabel('conv2d', name, inputs);
  checkFloat(inputs, 'inputs', layer);
  if (inputs.shape.length !== 4) throw new Error(`${layer}: inputs must be NHWC (rank 4), got shape ${shapeString(inputs.shape)}`);
  if (!Number.isInteger(opts.filters) || opts.filters <= 0) throw new Error(`${layer}: filters must be a positive integer, got ${opts.filters}`);
  const [kh, kw] = pair(opts.kernelSize, 'kernelSize', layer);
  const [sh, sw] = pair(opts.strides ?? 1, 'strides', layer);
  const [dh, dw] = pair(opts.dilationRate ?? 1, 'dilationRate', layer);
  const padding = paddingOf(opts.padding, layer);
  const cin = knownDim(inputs, 3, layer, 'channel dimension');
  const activation = resolveActivation(opts.activation, layer);
  return inLayerScope(name, opts, () => {
    const dtype = inputs.dtype as 'float32' | 'float64';
    const kernel = layerVariable('kernel', [kh, kw, cin, opts.filters], opts.kernelInitializer ?? glorotUniformInitializer(), {
      trainable: opts.trainable, regularizer: opts.kernelRegularizer, dtype,
    });
    const bias = opts.useBias ?? true
      ? layerVariable('bias', [opts.filters], opts.biasInitializer ?? zerosInitializer(), {
        trainable: opts.trainable, regularizer: opts.biasRegularizer, dtype,
      })
      : null;
    const strides: [number, number] = [sh, sw];
    const conv = { strides, padding, dilationRate: [dh, dw] as [number, number] };
    return conv2dApply(inputs, kernel, bias, conv, activation, layer);
  });
}

/** @internal conv2d + bias + activation on given variables (shared with tf.keras.layers.Conv2D). */
export function conv2dApply(
  inputs: Tensor, kernel: Tensor, bias: Tensor | null,
  conv: { strides: [number, number]; padding: 'SAME' | 'VALID'; dilationRate: [number, number] },
  activation: ((x: Tensor) => Tensor) | null, layer: string,
): Tensor {
  const [sh, sw] = conv.strides;
  const [dh, dw] = conv.dilationRate;
  let y: Tensor;
  try {
    y = nnConv2d(inputs, kernel, [1, sh, sw, 1], conv.padding, { dilations: [1, dh, dw, 1] });
  } catch (e) {
    throw new Error(`${layer}: ${(e as Error).message}`);
  }
  if (bias) y = biasAdd(y, bias);
  return activation ? activation(y) : y;
}

/** Transposed 2-D convolution layer ("deconvolution"), kernel [kh, kw, filters, in]. */
export function conv2dTranspose(inputs: Tensor, opts: Conv2DOptions): Tensor {
  const name = layerName('conv2d_transpose', opts.name);
  const layer = layerLabel('conv2dTranspose', name, inputs);
  checkFloat(inputs, 'inputs', layer);
  if (inputs.shape.length !== 4) throw new Error(`${layer}: inputs must be NHWC (rank 4), got shape ${shapeString(inputs.shape)}`);
  const [kh, kw] = pair(opts.kernelSize, 'kernelSize', layer);
  const [sh, sw] = pair(opts.strides ?? 1, 'strides', layer);
  const padding = paddingOf(opts.padding, layer);
  const [h, w, cin] = [1, 2, 3].map((a) => knownDim(inputs, a, layer, `dimension ${a}`));
  const [outH, outW] = conv2dTransposeSize([h, w], [kh, kw], [sh, sw], padding);
  const activation = resolveActivation(opts.activation, layer);
  return inLayerScope(name, opts, () => {
    const dtype = inputs.dtype as 'float32' | 'float64';
    const kernel = layerVariable('kernel', [kh, kw, opts.filters, cin], opts.kernelInitializer ?? glorotUniformInitializer(), {
      trainable: opts.trainable, regularizer: opts.kernelRegularizer, dtype,
    });
    const bias = opts.useBias ?? true
      ? layerVariable('bias', [opts.filters], opts.biasInitializer ?? zerosInitializer(), {
        trainable: opts.trainable, regularizer: opts.biasRegularizer, dtype,
      })
      : null;
    const strides: [number, number] = [sh, sw];
    const conv = { strides, padding, outSize: [outH, outW] as [number, number] };
    return conv2dTransposeApply(inputs, kernel, bias, conv, activation);
  });
}

/** @internal the output [h, w] of a transposed convolution (as TF's deconv_output_length). */
export function conv2dTransposeSize(
  [h, w]: [number, number],
  [kh, kw]: [number, number],
  [sh, sw]: [number, number],
  padding: 'SAME' | 'VALID',
): [number, number] {
  return padding === 'SAME' ? [h * sh, w * sw] : [(h - 1) * sh + kh, (w - 1) * sw + kw];
}

/** @internal conv2dTranspose + bias + activation on given variables (kernel [kh, kw, out, in]). */
export function conv2dTransposeApply(
  inputs: Tensor, kernel: Tensor, bias: Tensor | null,
  conv: { strides: [number, number]; padding: 'SAME' | 'VALID'; outSize: [number, number] },
  activation: ((x: Tensor) => Tensor) | null,
): Tensor {
  const [sh, sw] = conv.strides;
  // An unknown batch size (-1) follows the input's at run time.
  const [oh, ow] = conv.outSize;
  const outputShape = [inputs.shape[0] ?? -1, oh, ow, kernel.shape[2] as number];
  let y = nnConv2dTranspose(inputs, kernel, outputShape, [1, sh, sw, 1], conv.padding);
  if (bias) y = biasAdd(y, bias);
  return activation ? activation(y) : y;
}

export interface Pooling2DOptions {
  poolSize: Pair;
  strides: Pair;
  padding?: 'same' | 'valid' | 'SAME' | 'VALID';
  name?: string;
}

function pooling(kind: 'max' | 'avg', inputs: Tensor, opts: Pooling2DOptions): Tensor {
  const name = layerName(kind === 'max' ? 'max_pooling2d' : 'average_pooling2d', opts.name);
  const layer = layerLabel(kind === 'max' ? 'maxPooling2d' : 'averagePooling2d', name, inputs);
  const [ph, pw] = pair(opts.poolSize, 'poolSize', layer);
  const [sh, sw] = pair(opts.strides, 'strides', layer);
  const padding = paddingOf(opts.padding, layer);
  const f = kind === 'max' ? maxPool : avgPool;
  try {
    return f(inputs, [1, ph, pw, 1], [1, sh, sw, 1], padding);
  } catch (e) {
    throw new Error(`${layer}: ${(e as Error).message}`);
  }
}

/** Max pooling over [poolSize] windows. `tf.layers.maxPooling2d(x, { poolSize: 2, strides: 2 })` */
export function maxPooling2d(inputs: Tensor, opts: Pooling2DOptions): Tensor {
  return pooling('max', inputs, opts);
}
/** Average pooling over [poolSize] windows. */
export function averagePooling2d(inputs: Tensor, opts: Pooling2DOptions): Tensor {
  return pooling('avg', inputs, opts);
}
