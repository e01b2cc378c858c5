/**
 * Depthwise 2-D convolution (TF 1.x tf.nn.depthwise_conv2d, depthwise_conv2d_native and its two
 * native backprops): each input channel c is convolved with its own filters filter[:, :, c, m],
 * giving output channel c·M + m. Input NHWC, filter [fh, fw, inChannels, channelMultiplier].
 * CPU kernels: direct loops over the channels (cpp/cpu/conv_depthwise.cpp).
 */
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import { registerGrad } from '../grad_registry.js';
import type { Attrs } from '../native.js';
import type { Tensor } from '../tensor.js';
import { asTensor, checkFloat } from './checks.js';
import type { Padding } from './conv_args.js';
import { convWindowAttrs, opWithShapes } from './conv_args.js';

export interface DepthwiseConv2dOptions {
  /** Dilation rates: a number, [dh, dw] or [1, dh, dw, 1]; default 1. */
  dilations?: number | number[];
  /** TF 1.x tf.nn.depthwise_conv2d's name for the dilation rates; give this or `dilations`. */
  rate?: number | number[];
  /** Only 'NHWC' (TF's CPU kernels support no other). */
  dataFormat?: string;
}

function windowAttrs(
  strides: number | number[],
  padding: Padding,
  opts: DepthwiseConv2dOptions,
  op: string,
): Attrs {
  if (opts.rate !== undefined && opts.dilations !== undefined) {
    throw new Error(`${op}: give 'rate' or 'dilations', not both`);
  }
  if (opts.dataFormat !== undefined && opts.dataFormat !== 'NHWC') {
    throw new Error(`${op}: only dataFormat 'NHWC' is supported, got '${opts.dataFormat}'`);
  }
  return convWindowAttrs(strides, opts.dilations ?? opts.rate, padding, op);
}

function shapeArg(v: number[], arg: string, op: string): number[] {
  if (!Array.isArray(v) || v.length !== 4 || !v.every((d) => Number.isInteger(d) && d >= -1)) {
    throw new Error(`${op}: ${arg} must be 4 integers, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * Depthwise 2-D convolution: input [batch, h, w, in] and filter [fh, fw, in, multiplier] give
 * [batch, oh, ow, in·multiplier], with
 *   y[b, i, j, c·M + m] = Σ_{di, dj} x[b, i·sh + di·dh − pt, j·sw + dj·dw − pl, c]
 *                                    · f[di, dj, c, m].
 * Strides and padding as tf.nn.conv2d; float32 / float64.
 *
 *   const y = tf.nn.depthwiseConv2d(x, w, [1, 1, 1, 1], 'SAME');   // w: [3, 3, C, 1]
 */
export function depthwiseConv2d(
  input: TensorLike,
  filter: TensorLike,
  strides: number | number[],
  padding: Padding,
  opts: DepthwiseConv2dOptions & NameOption = {},
): Tensor {
  const op = 'depthwiseConv2d';
  const x = asTensor(input, 'input', op);
  const f = asTensor(filter, 'filter', op, x.dtype);
  checkFloat(x, 'input', op);
  const at = opWithShapes(op, { input: x.shape, filter: f.shape });
  return named('depthwiseConv2d', opts.name, () => runOp('depthwise_conv2d', [x, f], windowAttrs(strides, padding, opts, at))[0]);
}

/** TF's tf.nn.depthwise_conv2d_native: the same op as depthwiseConv2d (dilations, no rate). */
export function depthwiseConv2dNative(
  input: TensorLike,
  filter: TensorLike,
  strides: number | number[],
  padding: Padding,
  opts: { dilations?: number | number[]; dataFormat?: string } & NameOption = {},
): Tensor {
  return named('depthwiseConv2dNative', opts.name, () => depthwiseConv2d(input, filter, strides, padding, opts));
}

/**
 * The gradient of depthwiseConv2d with respect to its input (TF's
 * tf.nn.depthwise_conv2d_native_backprop_input); inputSizes is the input's shape (a -1 batch
 * takes outBackprop's).
 *
 *   const dx = tf.nn.depthwiseConv2dNativeBackpropInput([8, 28, 28, 3], w, dy, 1, 'SAME');
 */
export function depthwiseConv2dNativeBackpropInput(
  inputSizes: number[],
  filter: TensorLike,
  outBackprop: TensorLike,
  strides: number | number[],
  padding: Padding,
  opts: { dilations?: number | number[]; dataFormat?: string } & NameOption = {},
): Tensor {
  const op = 'depthwiseConv2dNativeBackpropInput';
  const dy = asTensor(outBackprop, 'outBackprop', op);
  const f = asTensor(filter, 'filter', op, dy.dtype);
  checkFloat(dy, 'outBackprop', op);
  const at = opWithShapes(op, { filter: f.shape, outBackprop: dy.shape });
  const inputShape = shapeArg(inputSizes, 'inputSizes', at);
  const attrs = { ...windowAttrs(strides, padding, opts, at), input_shape: inputShape };
  return named('depthwiseConv2dNativeBackpropInput', opts.name, () => runOp('depthwise_conv2d_backward_input', [dy, f], attrs)[0]);
}

/**
 * The gradient of depthwiseConv2d with respect to its filter, of shape filterSizes (TF's
 * tf.nn.depthwise_conv2d_native_backprop_filter).
 *
 *   const dw = tf.nn.depthwiseConv2dNativeBackpropFilter(x, [3, 3, 3, 1], dy, 1, 'SAME');
 */
export function depthwiseConv2dNativeBackpropFilter(
  input: TensorLike,
  filterSizes: number[],
  outBackprop: TensorLike,
  strides: number | number[],
  padding: Padding,
  opts: { dilations?: number | number[]; dataFormat?: string } & NameOption = {},
): Tensor {
  const op = 'depthwiseConv2dNativeBackpropFilter';
  const x = asTensor(input, 'input', op);
  const dy = asTensor(outBackprop, 'outBackprop', op, x.dtype);
  checkFloat(x, 'input', op);
  const at = opWithShapes(op, { input: x.shape, outBackprop: dy.shape });
  const filterShape = shapeArg(filterSizes, 'filterSizes', at);
  const attrs = { ...windowAttrs(strides, padding, opts, at), filter_shape: filterShape };
  return named('depthwiseConv2dNativeBackpropFilter', opts.name, () => runOp('depthwise_conv2d_backward_filter', [x, dy], attrs)[0]);
}

// The window attributes without the backward ops' static shapes.
function convAttrs(attrs: Attrs): Attrs {
  const { input_shape: _i, filter_shape: _f, ...rest } = attrs;
  return rest;
}

// y = conv(x, f): dx = backward_input(dy, f; x's shape), df = backward_filter(x, dy; f's shape).
registerGrad('depthwise_conv2d', (dys, { inputs: [x, f], attrs }) => [
  runOp('depthwise_conv2d_backward_input', [dys[0], f, x], attrs)[0],
  runOp('depthwise_conv2d_backward_filter', [x, dys[0], f], attrs)[0],
]);
// The backprops are bilinear and adjoint to the forward (<conv(x, f), dy> = <x, BI(dy, f)> =
// <f, BF(x, dy)>), so their gradients are the other two ops (double backprop).
// g = BI(dy, f): d dy = conv(G, f), d f = BF(G, dy).
registerGrad('depthwise_conv2d_backward_input', (dys, { inputs: [dy, f], attrs }) => {
  const a = convAttrs(attrs);
  return [
    runOp('depthwise_conv2d', [dys[0], f], a)[0],
    runOp('depthwise_conv2d_backward_filter', [dys[0], dy, f], a)[0],
    null,
  ];
});
// g = BF(x, dy): d x = BI(dy, G), d dy = conv(x, G).
registerGrad('depthwise_conv2d_backward_filter', (dys, { inputs: [x, dy], attrs }) => {
  const a = convAttrs(attrs);
  return [
    runOp('depthwise_conv2d_backward_input', [dy, dys[0], x], a)[0],
    runOp('depthwise_conv2d', [x, dys[0]], a)[0],
    null,
  ];
});
