/** tf.keras.layers Conv2D and Conv2DTranspose (NHWC, 'channelsLast' only). */
import { shapeString } from '../../dtype.js';
import type { Initializer } from '../../graph/initializers.js';
import type { Variable } from '../../graph/variables.js';
import type { Regularizer } from '../../layers/base.js';
import type { Pair } from '../../layers/conv.js';
import {
  conv2dApply, conv2dTransposeApply, conv2dTransposeSize, paddingOf, pair,
} from '../../layers/conv.js';
import type { Tensor } from '../../tensor.js';
import type { LayerArgs, LayerConfig, SymbolicShape } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';
import type { ActivationIdentifier, InitializerIdentifier, RegularizerIdentifier } from './args.js';
import {
  getActivation, getInitializer, getRegularizer, serializeActivation, serializeInitializer, serializeRegularizer,
} from './args.js';
import { oneShape } from './core.js';

export interface Conv2DArgs extends LayerArgs {
  filters: number;
  kernelSize: Pair;
  strides?: Pair;
  padding?: 'valid' | 'same';
  /** Only 'channelsLast' (NHWC), the TensorFlow default. */
  dataFormat?: 'channelsLast';
  dilationRate?: Pair;
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
}

type ConvPositional = Omit<Conv2DArgs, 'filters' | 'kernelSize'>;

function convArgs(filters: number | Conv2DArgs, kernelSize: Pair | undefined, args: ConvPositional): Conv2DArgs {
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
  private readonly init: { kernel: Initializer; bias: Initializer };
  private readonly reg: { kernel: Regularizer | null; bias: Regularizer | null };

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
    this.init = { kernel: getInitializer(a.kernelInitializer, 'glorotUniform', what), bias: getInitializer(a.biasInitializer, 'zeros', what) };
    this.reg = { kernel: getRegularizer(a.kernelRegularizer, what), bias: getRegularizer(a.biasRegularizer, what) };
  }

  /** Kernel shape for `channels` input channels. */
  protected abstract kernelShape(channels: number): number[];

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const s = oneShape(inputShape);
    if (s.length !== 4) {
      throw new Error(`expected NHWC input of rank 4, got shape ${shapeString(s)}`);
    }
    const c = s[3];
    if (c === null) {
      throw new Error(
        `the channel dimension of the input must be known, got shape ${shapeString(s)}`,
      );
    }
    this.kernel = this.addWeight('kernel', this.kernelShape(c), { initializer: this.init.kernel, regularizer: this.reg.kernel });
    if (this.args.useBias ?? true) {
      this.bias = this.addWeight('bias', [this.filters], { initializer: this.init.bias, regularizer: this.reg.bias });
    }
  }

  override getConfig(): LayerConfig {
    const a = this.args;
    const what = this.describe();
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding.toLowerCase(),
      activation: serializeActivation(a.activation, what),
      useBias: a.useBias ?? true,
      kernelInitializer: serializeInitializer(a.kernelInitializer, 'glorotUniform'),
      biasInitializer: serializeInitializer(a.biasInitializer, 'zeros'),
      kernelRegularizer: serializeRegularizer(a.kernelRegularizer, what),
      biasRegularizer: serializeRegularizer(a.biasRegularizer, what),
    };
  }
}

/**
 * 2-D convolution: activation(conv2d(x, kernel) + bias); kernel [kh, kw, in, filters].
 *
 *   new tf.keras.layers.Conv2D(32, 5, { padding: 'same', activation: 'relu', inputShape: [28, 28, 1] })
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
    return conv2dApply(inputs as Tensor, this.kernel!, this.bias, conv, this.activationFn, this.describe());
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
    if (this.args.dilationRate !== undefined && pair(this.args.dilationRate, 'dilationRate', this.describe()).some((d) => d !== 1)) {
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
      throw new Error(
        `the height and width of the input must be known, got shape ${shapeString(x.shape)}`,
      );
    }
    const outSize = conv2dTransposeSize([h, w], this.kernelSize, this.strides, this.padding);
    return conv2dTransposeApply(x, this.kernel!, this.bias, { strides: this.strides, padding: this.padding, outSize }, this.activationFn);
  }
}
