/** tf.keras.layers Flatten, Reshape, Dropout and Activation (no weights). */
import { shapeString } from '../../dtype.js';
import { dropout as layersDropout, flatten as layersFlatten } from '../../layers/core.js';
import { reshape } from '../../ops/shape.js';
import type { Tensor } from '../../tensor.js';
import type { ActivationIdentifier } from '../activations.js';
import { getActivation, serializeActivation } from '../activations.js';
import { learningPhase } from '../backend.js';
import type { LayerArgs, LayerConfig } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';
import type { CallArgs } from '../engine/node.js';
import { positional } from './layer_args.js';

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
    const ok = Array.isArray(t) && t.every((d) => d === -1 || (Number.isInteger(d) && d >= 0));
    if (!ok || t.filter((d) => d === -1).length > 1) {
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
    const size = row.reduce<number>((a, b) => a * (b ?? 1), 1);
    const fixed = this.targetShape.reduce((a, b) => (b === -1 ? a : a * b), 1);
    const free = this.targetShape.includes(-1);
    let target = this.targetShape;
    if (row.every((d) => d !== null)) {
      if (free ? fixed === 0 || size % fixed !== 0 : size !== fixed) {
        throw new Error(
          `total size of new array must be unchanged: input_shape = ${shapeString(row)}, ` +
            `output_shape = ${shapeString(target)}`,
        );
      }
      if (free) target = target.map((d) => (d === -1 ? size / fixed : d));
    } else if (free) {
      throw new Error(`a -1 in targetShape needs known input dimensions: ${shapeString(x.shape)}`);
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
    const { noiseShape, seed } = this.args;
    const training = kwargs.training ?? learningPhase(this.graph!);
    const opts = { rate: this.rate, training, noiseShape, seed, name: this.name };
    return layersDropout(inputs as Tensor, opts);
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
    const isOptions = typeof activation === 'object' && activation !== null;
    const a: ActivationArgs = isOptions ? activation : { ...args, activation };
    super(a);
    this.activation = a.activation;
    this.fn = getActivation(a.activation, this.describe());
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return this.fn ? this.fn(inputs as Tensor) : (inputs as Tensor);
  }

  override getConfig(): LayerConfig {
    const activation = serializeActivation(this.activation, this.describe());
    return { ...super.getConfig(), activation };
  }
}
