/** tf.keras.layers.Dense. */
import { shapeString } from '../../dtype.js';
import type { Variable } from '../../graph/variables.js';
import { denseApply } from '../../layers/core.js';
import type { Tensor } from '../../tensor.js';
import type { ActivationIdentifier } from '../activations.js';
import { getActivation, serializeActivation } from '../activations.js';
import type { LayerArgs, LayerConfig, SymbolicShape } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';
import type { KernelBiasArgs } from './layer_args.js';
import { KernelBias, oneShape, positional } from './layer_args.js';

export interface DenseArgs extends LayerArgs, KernelBiasArgs {
  units: number;
  activation?: ActivationIdentifier;
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
  private readonly activation: ActivationIdentifier | undefined;
  private readonly activationFn: ((x: Tensor) => Tensor) | null;
  private readonly kb: KernelBias;

  constructor(units: number | DenseArgs, args: Omit<DenseArgs, 'units'> = {}) {
    const a = positional<DenseArgs, 'units'>(units, args, 'units');
    super(a);
    const what = this.describe();
    if (!Number.isInteger(a.units) || a.units <= 0) {
      throw new Error(`${what}: units must be a positive integer, got ${a.units}`);
    }
    this.units = a.units;
    this.activation = a.activation;
    this.activationFn = getActivation(a.activation, what);
    this.kb = new KernelBias(a, what);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const s = oneShape(inputShape);
    const inDim = s[s.length - 1];
    const shown = shapeString(s);
    if (s.length < 2) throw new Error(`expected an input of rank >= 2, got shape ${shown}`);
    if (inDim === null) throw new Error(`the last dimension must be known, got ${shown}`);
    [this.kernel, this.bias] = this.kb.addWeights((...w) => this.addWeight(...w), [inDim, this.units], this.units);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    return denseApply(x, this.kernel!, this.bias, this.activationFn, this.describe());
  }

  override getConfig(): LayerConfig {
    const what = this.describe();
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation, what),
      ...this.kb.config(what),
    };
  }
}
