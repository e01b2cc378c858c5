/** tf.keras.layers Conv2D, Conv2DTranspose (NHWC, 'channelsLast' only) and Conv1D. */
import { shapeString } from '../../dtype.js';
import type { Variable } from '../../graph/variables.js';
import type { Pair } from '../../layers/conv.js';
import {
  conv2dApply, conv2dTransposeApply, conv2dTransposeSize, paddingOf, pair,
} from '../../layers/conv.js';
import type { Tensor } from '../../tensor.js';
import { expandDims, pad, squeeze } from '../../ops/shape.js';
import type { ActivationIdentifier } from '../activations.js';
import { getActivation, serializeActivation } from '../activations.js';
import type { LayerArgs, LayerConfig, SymbolicShape } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';
import type { KernelBiasArgs } from './layer_args.js';
import { KernelBias, oneShape } from './layer_args.js';

export interface Conv2DArgs extends LayerArgs, KernelBiasArgs {
  filters: number;
  kernelSize: Pair;
  strides?: Pair;
  padding?: 'valid' | 'same';
  /** Only 'channelsLast' (NHWC), the TensorFlow default. */
  dataFormat?: 'channelsLast';
  dilationRate?: Pair;
  activation?: ActivationIdentifier;
}

/** Conv2D options after the positional filters and kernelSize. */
export type ConvPositional = Omit<Conv2DArgs, 'filters' | 'kernelSize'>;

/** `(filters, kernelSize, options)` or one options object. */
function convArgs(
  filters: number | Conv2DArgs,
  kernelSize: Pair | undefined,
  args: ConvPositional,
): Conv2DArgs {
  if (typeof filters === 'object' && filters !== null) return filters;
  return { ...args, filters, kernelSize: kernelSize as Pair };
}

/** What Conv2D and Conv2DTranspose share: arguments, weights, config. */
abstract class BaseConv extends Layer {
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'SAME' | 'VALID';
  kernel: Variable | null = null;
  bias: Variable | null = null;
  protected readonly args: Conv2DArgs;
  protected readonly activationFn: ((x: Tensor) => Tensor) | null;
  private readonly kb: KernelBias;

  constructor(a: Conv2DArgs) {
    super(a);
    const what = this.describe();
    this.args = a;
    if (!Number.isInteger(a.filters) || a.filters <= 0) {
      throw new Error(`${what}: filters must be a positive integer, got ${a.filters}`);
    }
    if (a.dataFormat !== undefined && a.dataFormat !== 'channelsLast') {
      throw new Error(
        `${what}: only dataFormat 'channelsLast' (NHWC) is supported, got '${a.dataFormat}'`,
      );
    }
    this.filters = a.filters;
    this.kernelSize = pair(a.kernelSize, 'kernelSize', what);
    this.strides = pair(a.strides ?? 1, 'strides', what);
    this.padding = paddingOf(a.padding, what);
    this.activationFn = getActivation(a.activation, what);
    this.kb = new KernelBias(a, what);
  }

  /** Kernel shape for `channels` input channels. */
  protected abstract kernelShape(channels: number): number[];

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const s = oneShape(inputShape);
    const shown = shapeString(s);
    if (s.length !== 4) throw new Error(`expected NHWC input of rank 4, got shape ${shown}`);
    const c = s[3];
    if (c === null) throw new Error(`the number of channels must be known, got ${shown}`);
    [this.kernel, this.bias] = this.kb.addWeights((...w) => this.addWeight(...w), this.kernelShape(c), this.filters);
  }

  override getConfig(): LayerConfig {
    const what = this.describe();
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding.toLowerCase(),
      activation: serializeActivation(this.args.activation, what),
      ...this.kb.config(what),
    };
  }
}

/**
 * 2-D convolution: activation(conv2d(x, kernel) + bias); kernel [kh, kw, in, filters].
 *
 *   new tf.keras.layers.Conv2D(32, 5, { padding: 'same', activation: 'relu' })
 */
export class Conv2D extends BaseConv {
  static override className = 'Conv2D';
  readonly dilationRate: [number, number];

  constructor(filters: number | Conv2DArgs, kernelSize?: Pair, args: ConvPositional = {}) {
    super(convArgs(filters, kernelSize, args));
    this.dilationRate = pair(this.args.dilationRate ?? 1, 'dilationRate', this.describe());
  }
  protected kernelShape(c: number): number[] {
    return [...this.kernelSize, c, this.filters];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const conv = { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate };
    const x = inputs as Tensor;
    return conv2dApply(x, this.kernel!, this.bias, conv, this.activationFn, this.describe());
  }
  override getConfig(): LayerConfig {
    return { ...super.getConfig(), dilationRate: this.dilationRate };
  }
}

/**
 * Transposed 2-D convolution ("deconvolution"): the gradient of Conv2D with respect to its
 * input; kernel [kh, kw, filters, in]. Output size h·stride ('same') or (h − 1)·stride + kh.
 */
export class Conv2DTranspose extends BaseConv {
  static override className = 'Conv2DTranspose';

  constructor(filters: number | Conv2DArgs, kernelSize?: Pair, args: ConvPositional = {}) {
    super(convArgs(filters, kernelSize, args));
    const d = this.args.dilationRate;
    if (d !== undefined && pair(d, 'dilationRate', this.describe()).some((v) => v !== 1)) {
      throw new Error(`${this.describe()}: dilationRate other than 1 is not supported`);
    }
  }
  protected kernelShape(c: number): number[] {
    return [...this.kernelSize, this.filters, c];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    const [h, w] = [x.shape[1], x.shape[2]];
    if (h === null || w === null) {
      throw new Error(`the height and width of the input must be known: ${shapeString(x.shape)}`);
    }
    const outSize = conv2dTransposeSize([h, w], this.kernelSize, this.strides, this.padding);
    const conv = { strides: this.strides, padding: this.padding, outSize };
    return conv2dTransposeApply(x, this.kernel!, this.bias, conv, this.activationFn);
  }
}

export interface Conv1DArgs extends LayerArgs, KernelBiasArgs {
  filters: number;
  kernelSize: number;
  strides?: number;
  /** 'causal': output t sees inputs up to t only (left padding), as Keras. */
  padding?: 'valid' | 'same' | 'causal';
  dilationRate?: number;
  activation?: ActivationIdentifier;
}

/**
 * 1-D convolution over [batch, steps, channels]: activation(conv1d(x, kernel) + bias); kernel
 * [kernelSize, in, filters], as Keras. Computed as a conv2d over one row.
 *
 *   new tf.keras.layers.Conv1D(64, 5, { activation: 'relu' })
 */
export class Conv1D extends Layer {
  static override className = 'Conv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly dilationRate: number;
  readonly padding: 'valid' | 'same' | 'causal';
  kernel: Variable | null = null;
  bias: Variable | null = null;
  private readonly args: Conv1DArgs;
  private readonly activationFn: ((x: Tensor) => Tensor) | null;
  private readonly kb: KernelBias;

  constructor(filters: number | Conv1DArgs, kernelSize?: number, args: Omit<Conv1DArgs, 'filters' | 'kernelSize'> = {}) {
    const a: Conv1DArgs = typeof filters === 'object' && filters !== null ? filters : { ...args, filters, kernelSize: kernelSize as number };
    super(a);
    const what = this.describe();
    for (const [k, v] of [['filters', a.filters], ['kernelSize', a.kernelSize], ['strides', a.strides ?? 1], ['dilationRate', a.dilationRate ?? 1]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${what}: ${k} must be a positive integer, got ${String(v)}`);
    }
    const padding = a.padding ?? 'valid';
    if (!['valid', 'same', 'causal'].includes(padding)) throw new Error(`${what}: padding must be 'valid', 'same' or 'causal', got '${padding}'`);
    this.args = a;
    [this.filters, this.kernelSize, this.strides, this.dilationRate, this.padding] = [a.filters, a.kernelSize, a.strides ?? 1, a.dilationRate ?? 1, padding];
    this.activationFn = getActivation(a.activation, what);
    this.kb = new KernelBias(a, what);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const s = oneShape(inputShape);
    const shown = shapeString(s);
    if (s.length !== 3) throw new Error(`expected an input of rank 3 ([batch, steps, channels]), got shape ${shown}`);
    if (s[2] === null) throw new Error(`the number of channels must be known, got ${shown}`);
    [this.kernel, this.bias] = this.kb.addWeights((...w) => this.addWeight(...w), [this.kernelSize, s[2], this.filters], this.filters);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    let x = inputs as Tensor;
    // Causal: (kernelSize − 1)·dilation zeros before the first step, then a 'valid' convolution.
    if (this.padding === 'causal') x = pad(x, [[0, 0], [(this.kernelSize - 1) * this.dilationRate, 0], [0, 0]]);
    const conv = {
      strides: [1, this.strides] as [number, number],
      padding: this.padding === 'same' ? 'SAME' as const : 'VALID' as const,
      dilationRate: [1, this.dilationRate] as [number, number],
    };
    const y = conv2dApply(expandDims(x, 1), expandDims(this.kernel!, 0), this.bias, conv, this.activationFn, this.describe());
    return squeeze(y, [1]);
  }

  override getConfig(): LayerConfig {
    const what = this.describe();
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      activation: serializeActivation(this.args.activation, what),
      ...this.kb.config(what),
    };
  }
}
