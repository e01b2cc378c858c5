/** tf.keras.layers.LeakyReLU (Keras' advanced activations). */
import { leakyRelu } from '../../ops/unary.js';
import type { Tensor } from '../../tensor.js';
import type { LayerArgs, LayerConfig } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';

export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for x < 0 (Keras' default 0.3; tf.nn.leakyRelu's is 0.2). */
  alpha?: number;
}

/** max(x, alpha·x): `new tf.keras.layers.LeakyReLU({ alpha: 0.1 })`. */
export class LeakyReLU extends Layer {
  static override className = 'LeakyReLU';
  readonly alpha: number;
  constructor(alpha?: number | LeakyReLUArgs, args: Omit<LeakyReLUArgs, 'alpha'> = {}) {
    const a: LeakyReLUArgs = typeof alpha === 'object' ? alpha : { ...args, alpha };
    super(a);
    this.alpha = a.alpha ?? 0.3;
    if (typeof this.alpha !== 'number' || !Number.isFinite(this.alpha)) {
      throw new Error(`${this.describe()}: alpha must be a finite number, got ${a.alpha}`);
    }
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return leakyRelu(inputs as Tensor, this.alpha);
  }
  override getConfig(): LayerConfig {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
