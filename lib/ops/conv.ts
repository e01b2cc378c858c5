/**
 * Convolutions (NHWC input, HWIO filters, as TensorFlow): conv2d, conv2dTranspose, conv1d, and
 * biasAdd / batchNormalization, and fusedConv2d (conv2d + bias + activation in one kernel, which
 * the graph substitutes for that pattern: lib/graph/fuse.ts). CPU kernels are im2col + the GEMM
 * (cpp/cpu/conv.cpp).
 */
import { shapeString } from '../dtype.js';
import { registerGrad } from '../grad_registry.js';
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { add, mul, sub } from './binary.js';
import { asTensor, checkFloat } from './checks.js';
import { reduceSum } from './reduce.js';
import { expandDims, squeeze } from './shape.js';
import { rsqrt } from './unary.js';
import type { Padding } from './conv_args.js';
import { convWindowAttrs, opWithShapes, paddingName, spatialPair } from './conv_args.js';

export type { Padding } from './conv_args.js';

function nhwcOnly(dataFormat: string | undefined, op: string): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') throw new Error(`${op}: only dataFormat 'NHWC' is supported, got '${dataFormat}'`);
}

/**
 * 2-D convolution: input [batch, h, w, inChannels] ⊛ filter [fh, fw, inChannels, outChannels].
 *
 *   const y = tf.nn.conv2d(x, W, [1, 1, 1, 1], 'SAME');
 */
export function conv2d(
  input: TensorLike,
  filter: TensorLike,
  strides: number | number[],
  padding: Padding,
  opts: { dilations?: number | number[]; dataFormat?: string } & NameOption = {},
): Tensor {
  const x = asTensor(input, 'input', 'conv2d');
  const f = asTensor(filter, 'filter', 'conv2d', x.dtype);
  checkFloat(x, 'input', 'conv2d');
  nhwcOnly(opts.dataFormat, 'conv2d');
  const at = opWithShapes('conv2d', { input: x.shape, filter: f.shape });
  return named('conv2d', opts.name, () => runOp('conv2d', [x, f], convWindowAttrs(strides, opts.dilations, padding, at))[0]);
}

/** Activations fusedConv2d applies after the bias ('' = none). */
export const FUSED_ACTIVATIONS = ['', 'relu', 'relu6', 'elu'] as const;
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

/**
 * activation(conv2d(input, filter) + bias) in one kernel (TF's internal _FusedConv2D): the bias
 * and activation are applied to each block of output rows while it is still in cache. Graphs
 * need not call it: a Session run rewrites conv2d → biasAdd → relu/relu6/elu into it.
 */
export function fusedConv2d(
  input: TensorLike,
  filter: TensorLike,
  bias: TensorLike,
  strides: number | number[],
  padding: Padding,
  opts: { dilations?: number | number[]; activation?: FusedActivation } = {},
): Tensor {
  const x = asTensor(input, 'input', 'fusedConv2d');
  const f = asTensor(filter, 'filter', 'fusedConv2d', x.dtype);
  const b = asTensor(bias, 'bias', 'fusedConv2d', x.dtype);
  checkFloat(x, 'input', 'fusedConv2d');
  const at = opWithShapes('fusedConv2d', { input: x.shape, filter: f.shape, bias: b.shape });
  const activation = opts.activation ?? '';
  if (!FUSED_ACTIVATIONS.includes(activation)) {
    throw new Error(`${at}: activation must be one of ${FUSED_ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got '${activation}'`);
  }
  const attrs = { ...convWindowAttrs(strides, opts.dilations, padding, at), activation };
  return runOp('fused_conv2d', [x, f, b], attrs)[0];
}

/**
 * The transpose (gradient) of conv2d: value [batch, h, w, inChannels] and filter
 * [fh, fw, outChannels, inChannels] give outputShape [batch, oh, ow, outChannels] (-1 batch: value's).
 *
 *   const up = tf.nn.conv2dTranspose(z, W, [-1, 14, 14, 32], [1, 2, 2, 1], 'SAME');
 */
export function conv2dTranspose(value: TensorLike, filter: TensorLike, outputShape: number[], strides: number | number[], padding: Padding, opts: NameOption = {}): Tensor {
  const dy = asTensor(value, 'value', 'conv2dTranspose');
  const f = asTensor(filter, 'filter', 'conv2dTranspose', dy.dtype);
  checkFloat(dy, 'value', 'conv2dTranspose');
  if (!Array.isArray(outputShape) || outputShape.length !== 4) throw new Error(`conv2dTranspose: outputShape must have 4 dims, got ${JSON.stringify(outputShape)}`);
  const at = opWithShapes('conv2dTranspose', { value: dy.shape, filter: f.shape });
  const attrs = {
    strides: spatialPair(strides, 1, 'strides', at),
    dilations: [1, 1],
    padding: paddingName(padding, at),
    input_shape: outputShape,
  };
  return named('conv2dTranspose', opts.name, () => runOp('conv2d_backward_input', [dy, f], attrs)[0]);
}

/**
 * 1-D convolution: value [batch, width, inChannels] ⊛ filters [fw, inChannels, outChannels].
 *
 *   const y = tf.nn.conv1d(seq, W, 1, 'SAME');
 */
export function conv1d(value: TensorLike, filters: TensorLike, stride: number, padding: Padding, opts: NameOption = {}): Tensor {
  const x = asTensor(value, 'value', 'conv1d');
  const f = asTensor(filters, 'filters', 'conv1d', x.dtype);
  if (x.shape.length !== 3 || f.shape.length !== 3) {
    throw new Error(`conv1d: value must be [batch, width, channels] and filters [width, in, out], got [${x.shape}] and [${f.shape}]`);
  }
  return named('conv1d', opts.name, () => squeeze(conv2d(expandDims(x, 1), expandDims(f, 0), [1, stride], padding), [1]));
}

/**
 * Adds a bias vector along the channel (last) axis.
 *
 *   const y = tf.nn.biasAdd(tf.nn.conv2d(x, W, 1, 'SAME'), b);
 */
export function biasAdd(value: TensorLike, bias: TensorLike, opts: { dataFormat?: string } & NameOption = {}): Tensor {
  const x = asTensor(value, 'value', 'biasAdd');
  const b = asTensor(bias, 'bias', 'biasAdd', x.dtype);
  nhwcOnly(opts.dataFormat, 'biasAdd');
  const c = x.shape[x.shape.length - 1];
  if (b.shape.length !== 1 || x.shape.length < 2 || (c !== null && b.shape[0] !== null && c !== b.shape[0])) {
    throw new Error(`biasAdd: bias must be a vector matching the last dimension of value: value ${shapeString(x.shape)}, bias ${shapeString(b.shape)}`);
  }
  return named('biasAdd', opts.name, () => add(x, b));
}

/**
 * (x − mean) · scale / sqrt(variance + ε) + offset, broadcasting (TF's tf.nn.batch_normalization).
 */
export function batchNormalization(x: TensorLike, mean: TensorLike, variance: TensorLike, offset: TensorLike | null, scale: TensorLike | null, varianceEpsilon: number, opts: NameOption = {}): Tensor {
  const t = asTensor(x, 'x', 'batchNormalization');
  checkFloat(t, 'x', 'batchNormalization');
  const arg = (v: TensorLike, name: string) => asTensor(v, name, 'batchNormalization', t.dtype);
  const [m, v, o, s] = [arg(mean, 'mean'), arg(variance, 'variance'), offset && arg(offset, 'offset'), scale && arg(scale, 'scale')];
  return named('batchNormalization', opts.name, () => {
    const inv = s === null ? rsqrt(add(v, varianceEpsilon)) : mul(rsqrt(add(v, varianceEpsilon)), s);
    const y = mul(sub(t, m), inv);
    return o === null ? y : add(y, o);
  });
}

// conv2d: dx by the transposed convolution, dfilter by the filter correlation.
registerGrad('conv2d', (dys, { inputs: [x, f], attrs }) => [
  runOp('conv2d_backward_input', [dys[0], f, x], attrs)[0],
  runOp('conv2d_backward_filter', [x, dys[0], f], attrs)[0],
]);
// fused_conv2d: the activation's backward from the output (as the unfused relu/relu6/elu
// gradients), then conv2d's gradients and the bias's sum over batch and space.
registerGrad('fused_conv2d', (dys, { inputs: [x, f], outputs: [y], attrs }) => {
  const { activation, ...convAttrs } = attrs;
  const dz = activation ? runOp(`${String(activation)}_backward`, [dys[0], y])[0] : dys[0];
  return [
    runOp('conv2d_backward_input', [dz, f, x], convAttrs)[0],
    runOp('conv2d_backward_filter', [x, dz, f], convAttrs)[0],
    reduceSum(dz, [0, 1, 2]),
  ];
});
// conv2d_backward_input is linear in dy and in the filter (used by conv2dTranspose).
registerGrad('conv2d_backward_input', (dys, { inputs: [dy, f], attrs }) => {
  const { input_shape: _, ...convAttrs } = attrs;
  return [
    runOp('conv2d', [dys[0], f], convAttrs)[0],
    runOp('conv2d_backward_filter', [dys[0], dy, f], convAttrs)[0],
    null,
  ];
});
// conv2d_backward_filter(x, dy, f) is bilinear in x and dy (f gives only the shape): for a
// filter-shaped g, its adjoint in x is the transposed convolution of dy with g, and in dy the
// convolution of x with g.
registerGrad('conv2d_backward_filter', (dys, { inputs: [x, dy], attrs }) => [
  runOp('conv2d_backward_input', [dy, dys[0], x], attrs)[0],
  runOp('conv2d', [x, dys[0]], attrs)[0],
  null,
]);
