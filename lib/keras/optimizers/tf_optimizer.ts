/**
 * A tf.train optimizer given to model.compile (Keras' TFOptimizer): used as is, so its
 * learning rate is whatever it was built with (the learning-rate callbacks refuse it). Saved as
 * its class and numeric hyperparameters, read from the fields the tf.train classes keep.
 */
import { AdadeltaOptimizer } from '../../train/adadelta.js';
import { AdagradOptimizer } from '../../train/adagrad.js';
import { AdamOptimizer } from '../../train/adam.js';
import { GradientDescentOptimizer } from '../../train/gradient_descent.js';
import { MomentumOptimizer } from '../../train/momentum.js';
import type { Optimizer } from '../../train/optimizer.js';
import { RMSPropOptimizer } from '../../train/rmsprop.js';
import type { Hypers } from './base.js';
import { KerasOptimizer } from './base.js';

// The hyperparameters each tf.train class keeps (as fields of those names).
const TF_HYPERS: Record<string, string[]> = {
  GradientDescentOptimizer: ['learningRate'],
  MomentumOptimizer: ['learningRate', 'momentum', 'useNesterov'],
  AdamOptimizer: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  RMSPropOptimizer: ['learningRate', 'decay', 'momentum', 'epsilon', 'centered'],
  AdagradOptimizer: ['learningRate', 'initialAccumulatorValue'],
  AdadeltaOptimizer: ['learningRate', 'rho', 'epsilon'],
};

export class TFOptimizer extends KerasOptimizer {
  static override className = 'TFOptimizer';
  protected override readonly ownsLearningRate = false;

  constructor(readonly optimizer: Optimizer) {
    super({});
  }

  override get learningRate(): number {
    const lr = (this.optimizer as unknown as { learningRate?: unknown }).learningRate;
    return typeof lr === 'number' ? lr : NaN;
  }
  protected make(): Optimizer {
    return this.optimizer;
  }
  /** The wrapped tf.train class ('AdamOptimizer'). */
  get tfClassName(): string {
    return this.optimizer.constructor.name;
  }
  /** The wrapped optimizer's name (its slots are named after it). */
  get tfName(): string {
    return this.optimizer.name;
  }

  /** The tf.train hyperparameters; throws for unknown classes and tensor-valued ones. */
  override getConfig(): Hypers {
    const cls = this.tfClassName;
    const keys = TF_HYPERS[cls];
    if (!keys) {
      throw new Error(
        `TFOptimizer: cannot save a ${cls}; compile with a tf.keras.optimizers optimizer`,
      );
    }
    const out: Hypers = {};
    for (const k of keys) {
      const v = (this.optimizer as unknown as Record<string, unknown>)[k];
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new Error(
          `TFOptimizer: cannot save a ${cls} whose ${k} is a tensor; use a number or a ` +
            `tf.keras optimizer`,
        );
      }
      out[k] = v;
    }
    return out;
  }
}

/** Rebuilds a wrapped tf.train optimizer from TFOptimizer.getConfig(). */
export function tfOptimizerFromConfig(cls: string, name: string, c: Hypers): Optimizer {
  const n = c as Record<string, number>;
  const lr = n.learningRate;
  switch (cls) {
    case 'GradientDescentOptimizer':
      return new GradientDescentOptimizer(lr, { name });
    case 'MomentumOptimizer':
      return new MomentumOptimizer(lr, n.momentum, { useNesterov: !!c.useNesterov, name });
    case 'AdamOptimizer':
      return new AdamOptimizer(lr, { beta1: n.beta1, beta2: n.beta2, epsilon: n.epsilon, name });
    case 'RMSPropOptimizer':
      return new RMSPropOptimizer(lr, {
        decay: n.decay, momentum: n.momentum, epsilon: n.epsilon, centered: !!c.centered, name,
      });
    case 'AdagradOptimizer':
      return new AdagradOptimizer(lr, { initialAccumulatorValue: n.initialAccumulatorValue, name });
    case 'AdadeltaOptimizer':
      return new AdadeltaOptimizer(lr, { rho: n.rho, epsilon: n.epsilon, name });
    default:
      throw new Error(`loadModel: unknown tf.train optimizer class '${cls}'`);
  }
}
