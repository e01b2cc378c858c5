/** tf.keras.layers Dense, Flatten, Reshape, Dropout and Activation. */
import { shapeString } from '../../dtype.js';
import type { Initializer } from '../../graph/initializers.js';
import type { Variable } from '../../graph/variables.js';
import type { Regularizer } from '../../layers/base.js';
import {
  denseApply, dropout as layersDropout, flatten as layersFlatten,
} from '../../layers/core.js';
import { reshape } from '../../ops/shape.js';
import type { Tensor } from '../../tensor.js';
import { learningPhase } from '../backend.js';
import type { LayerArgs, LayerConfig, SymbolicShape } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';
import type { CallArgs } from '../engine/node.js';
import type { ActivationIdentifier, InitializerIdentifier, RegularizerIdentifier } from './args.js';
import {
  getActivation, getInitializer, getRegularizer, serializeActivation, serializeInitializer, serializeRegularizer,
} from './args.js';

/** The last shape of a single-input layer (layers get one shape per input). */
export function oneShape(s: SymbolicShape | SymbolicShape[]): SymbolicShape {
  return (Array.isArray(s[0]) ? s[0] : s) as SymbolicShape;
}

/** A constructor's leading positional argument, or the whole options object. */
export function positional<A extends object, K extends keyof A>(first: A[K] | A, rest: Omit<A, K>, key: K): A {
  return (typeof first === 'object' && first !== null && !Array.isArray(first) ? first : { ...rest, [key]: first }) as A;
}

export interface DenseArgs extends LayerArgs {
  units: number;
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
}

/**
 * Fully connected: activation(x · kernel + bias) over the last axis; weights "<name>/kernel"
 * [in, units] and "<name>/bias" [units].
 *
 *   new tf.keras.layers.Dense(64, { activation: 'relu', inputShape: [784] })
 */
export class Dense extends Layer {
  static override className = 'Dense';
  readonly units: number;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  private readonly args: DenseArgs;
  private readonly activationFn: ((x: Tensor) => Tensor) | null;
  private readonly init: { kernel: Initializer; bias: Initializer };
  private readonly reg: { kernel: Regularizer | null; bias: Regularizer | null };

  constructor(units: number | DenseArgs, args: Omit<DenseArgs, 'units'> = {}) {
    const a = positional<DenseArgs, 'units'>(units, args, 'units');
    super(a);
    this.args = a;
    if (!Number.isInteger(a.units) || a.units <= 0) {
      throw new Error(`${this.describe()}: units must be a positive integer, got ${a.units}`);
    }
    this.units = a.units;
    const what = this.describe();
    this.activationFn = getActivation(a.activation, what);
    this.init = { kernel: getInitializer(a.kernelInitializer, 'glorotUniform', what), bias: getInitializer(a.biasInitializer, 'zeros', what) };
    this.reg = { kernel: getRegularizer(a.kernelRegularizer, what), bias: getRegularizer(a.biasRegularizer, what) };
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const s = oneShape(inputShape);
    const inDim = s[s.length - 1];
    if (s.length < 2) {
      throw new Error(`expected an input of rank >= 2, got shape ${shapeString(s)}`);
    }
    if (inDim === null) {
      throw new Error(`the last dimension of the input must be known, got shape ${shapeString(s)}`);
    }
    this.kernel = this.addWeight('kernel', [inDim, this.units], { initializer: this.init.kernel, regularizer: this.reg.kernel });
    if (this.args.useBias ?? true) {
      this.bias = this.addWeight('bias', [this.units], { initializer: this.init.bias, regularizer: this.reg.bias });
    }
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return denseApply(inputs as Tensor, this.kernel!, this.bias, this.activationFn, this.describe());
  }

  override getConfig(): LayerConfig {
    const a = this.args;
    const what = this.describe();
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(a.activation, what),
      useBias: a.useBias ?? true,
      kernelInitializer: serializeInitializer(a.kernelInitializer, 'glorotUniform'),
      biasInitializer: serializeInitializer(a.biasInitializer, 'zeros'),
      kernelRegularizer: serializeRegularizer(a.kernelRegularizer, what),
      biasRegularizer: serializeRegularizer(a.biasRegularizer, what),
    };
  }
}

/** Flattens all but the batch dimension: [?, 7, 7, 64] → [?, 3136]. */
export class Flatten extends Layer {
  static override className = 'Flatten';
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return layersFlatten(inputs as Tensor, { name: this.name });
  }
}

export interface ReshapeArgs extends LayerArgs {
  /** The shape of one example after reshaping (no batch dimension); one entry may be -1. */
  targetShape: number[];
}

/** Reshapes each example: `new tf.keras.layers.Reshape([7, 7, 64])`. */
export class Reshape extends Layer {
  static override className = 'Reshape';
  readonly targetShape: number[];
  constructor(targetShape: number[] | ReshapeArgs, args: Omit<ReshapeArgs, 'targetShape'> = {}) {
    const a = Array.isArray(targetShape) ? { ...args, targetShape } : targetShape;
    super(a);
    const t = a.targetShape;
    if (!Array.isArray(t) || !t.every((d) => d === -1 || (Number.isInteger(d) && d >= 0)) || t.filter((d) => d === -1).length > 1) {
      throw new Error(
        `${this.describe()}: targetShape must be non-negative integers with at most one -1, ` +
          `got ${JSON.stringify(t)}`,
      );
    }
    this.targetShape = [...t];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    const row = x.shape.slice(1);
    const known = row.every((d) => d !== null);
    const size = row.reduce<number>((a, b) => a * (b ?? 1), 1);
    const fixed = this.targetShape.reduce((a, b) => (b === -1 ? a : a * b), 1);
    let target = this.targetShape;
    if (known) {
      const free = target.includes(-1);
      if (free ? fixed === 0 || size % fixed !== 0 : size !== fixed) {
        throw new Error(
          `total size of new array must be unchanged: input_shape = ${shapeString(row)}, ` +
            `output_shape = ${shapeString(target)}`,
        );
      }
      if (free) target = target.map((d) => (d === -1 ? size / fixed : d));
    } else if (target.includes(-1)) {
      throw new Error(
        `a -1 in targetShape needs an input with known dimensions, got ` +
          `${shapeString(x.shape)}`,
      );
    }
    return reshape(x, [-1, ...target]);
  }
  override getConfig(): LayerConfig {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
}

export interface DropoutArgs extends LayerArgs {
  /** Fraction of the inputs to drop, in [0, 1). */
  rate: number;
  noiseShape?: number[];
  seed?: number;
}

/**
 * Drops a fraction `rate` of its inputs while training (fit, or the learning phase fed true),
 * scaling the rest by 1 / (1 − rate); the identity otherwise.
 */
export class Dropout extends Layer {
  static override className = 'Dropout';
  readonly rate: number;
  private readonly args: DropoutArgs;
  constructor(rate: number | DropoutArgs, args: Omit<DropoutArgs, 'rate'> = {}) {
    const a = positional<DropoutArgs, 'rate'>(rate, args, 'rate');
    super(a);
    if (typeof a.rate !== 'number' || !(a.rate >= 0 && a.rate < 1)) {
      throw new Error(`${this.describe()}: rate must be in [0, 1), got ${a.rate}`);
    }
    this.rate = a.rate;
    this.args = a;
  }
  override call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
    const x = inputs as Tensor;
    const training = kwargs.training ?? learningPhase(this.graph!);
    return layersDropout(x, { rate: this.rate, training, noiseShape: this.args.noiseShape, seed: this.args.seed, name: this.name });
  }
  override getConfig(): LayerConfig {
    const c: LayerConfig = { ...super.getConfig(), rate: this.rate };
    if (this.args.noiseShape) c.noiseShape = this.args.noiseShape;
    if (this.args.seed !== undefined) c.seed = this.args.seed;
    return c;
  }
}

export interface ActivationArgs extends LayerArgs {
  activation: ActivationIdentifier;
}

/** Applies an activation: `new tf.keras.layers.Activation('softmax')`. */
export class Activation extends Layer {
  static override className = 'Activation';
  private readonly activation: ActivationIdentifier;
  private readonly fn: ((x: Tensor) => Tensor) | null;
  constructor(activation: ActivationIdentifier | ActivationArgs, args: LayerArgs = {}) {
    const a = typeof activation === 'object' && activation !== null ? activation : { ...args, activation };
    super(a);
    this.activation = a.activation;
    this.fn = getActivation(a.activation, this.describe());
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return this.fn ? this.fn(inputs as Tensor) : (inputs as Tensor);
  }
  override getConfig(): LayerConfig {
    return { ...super.getConfig(), activation: serializeActivation(this.activation, this.describe()) };
  }
}
