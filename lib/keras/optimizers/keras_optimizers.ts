/**
 * tf.keras.optimizers SGD, Adam, RMSprop, Adagrad, Adadelta over the tf.train optimizers (the
 * same fused native updates), and the lookup by name. Defaults are Keras 2.2's (TF 1.13): sgd
 * 0.01, adam 0.001, rmsprop 0.001, adagrad 0.01, adadelta 1.0; epsilon K.epsilon() = 1e-7.
 */
import type { Tensor } from '../../tensor.js';
import { AdadeltaOptimizer } from '../../train/adadelta.js';
import { AdagradOptimizer } from '../../train/adagrad.js';
import { AdamOptimizer } from '../../train/adam.js';
import { GradientDescentOptimizer } from '../../train/gradient_descent.js';
import { MomentumOptimizer } from '../../train/momentum.js';
import { Optimizer } from '../../train/optimizer.js';
import { RMSPropOptimizer } from '../../train/rmsprop.js';
import type { Hypers } from './base.js';
import { KerasOptimizer, optimizerArgs } from './base.js';
import { TFOptimizer } from './tf_optimizer.js';

export interface SGDOptions {
  learningRate?: number;
  momentum?: number;
  nesterov?: boolean;
}

/**
 * Gradient descent, with momentum when momentum > 0.
 *
 *   new tf.keras.optimizers.SGD({ learningRate: 0.1, momentum: 0.9 })
 */
export class SGD extends KerasOptimizer {
  static override className = 'SGD';
  constructor(a?: number | SGDOptions) {
    super(optimizerArgs(a, { learningRate: 0.01, momentum: 0, nesterov: false }, 'SGD'));
  }
  protected make(lr: Tensor): Optimizer {
    const m = this.hypers.momentum as number;
    const nesterov = !!this.hypers.nesterov;
    if (m > 0 || nesterov) {
      return new MomentumOptimizer(lr, m, { useNesterov: nesterov, name: 'SGD' });
    }
    return new GradientDescentOptimizer(lr, { name: 'SGD' });
  }
}

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam.
 *
 *   new tf.keras.optimizers.Adam({ learningRate: 1e-4 })   // or new tf.keras.optimizers.Adam(1e-4)
 */
export class Adam extends KerasOptimizer {
  static override className = 'Adam';
  constructor(a?: number | AdamOptions) {
    const defaults = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    super(optimizerArgs(a, defaults, 'Adam'));
  }
  protected make(lr: Tensor): Optimizer {
    const { beta1, beta2, epsilon } = this.hypers as Record<string, number>;
    return new AdamOptimizer(lr, { beta1, beta2, epsilon, name: 'Adam' });
  }
}

export interface RMSpropOptions {
  learningRate?: number;
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

/** RMSprop: rho is the decay of the squared-gradient average. */
export class RMSprop extends KerasOptimizer {
  static override className = 'RMSprop';
  constructor(a?: number | RMSpropOptions) {
    const defaults = { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false };
    super(optimizerArgs(a, defaults, 'RMSprop'));
  }
  protected make(lr: Tensor): Optimizer {
    const { rho, momentum, epsilon } = this.hypers as Record<string, number>;
    const centered = !!this.hypers.centered;
    return new RMSPropOptimizer(lr, { decay: rho, momentum, epsilon, centered, name: 'RMSprop' });
  }
}

export interface AdagradOptions {
  learningRate?: number;
  initialAccumulatorValue?: number;
}

export class Adagrad extends KerasOptimizer {
  static override className = 'Adagrad';
  constructor(a?: number | AdagradOptions) {
    super(optimizerArgs(a, { learningRate: 0.01, initialAccumulatorValue: 0.1 }, 'Adagrad'));
  }
  protected make(lr: Tensor): Optimizer {
    const initialAccumulatorValue = this.hypers.initialAccumulatorValue as number;
    return new AdagradOptimizer(lr, { initialAccumulatorValue, name: 'Adagrad' });
  }
}

export interface AdadeltaOptions {
  learningRate?: number;
  rho?: number;
  epsilon?: number;
}

export class Adadelta extends KerasOptimizer {
  static override className = 'Adadelta';
  constructor(a?: number | AdadeltaOptions) {
    super(optimizerArgs(a, { learningRate: 1.0, rho: 0.95, epsilon: 1e-7 }, 'Adadelta'));
  }
  protected make(lr: Tensor): Optimizer {
    const { rho, epsilon } = this.hypers as Record<string, number>;
    return new AdadeltaOptimizer(lr, { rho, epsilon, name: 'Adadelta' });
  }
}

/** Keras optimizer classes by className (model files). */
export const OPTIMIZER_CLASSES: Record<string, new (a?: Hypers) => KerasOptimizer> = {
  SGD, Adam, RMSprop, Adagrad, Adadelta,
};

/** An optimizer given to compile: a name, a tf.keras optimizer, or a tf.train optimizer. */
export type OptimizerIdentifier = string | KerasOptimizer | Optimizer;

/** Resolves an optimizer identifier (names are case-insensitive). */
export function getOptimizer(id: OptimizerIdentifier, what = 'compile'): KerasOptimizer {
  if (id instanceof KerasOptimizer) return id;
  if (id instanceof Optimizer) return new TFOptimizer(id);
  if (typeof id === 'string') {
    const key = id.toLowerCase();
    const cls = Object.entries(OPTIMIZER_CLASSES).find(([k]) => k.toLowerCase() === key);
    if (!cls) {
      throw new Error(
        `${what}: unknown optimizer '${id}' (known: sgd, adam, rmsprop, adagrad, adadelta; ` +
          'or pass an optimizer object)',
      );
    }
    return new cls[1]();
  }
  throw new Error(
    `${what}: optimizer must be a name, a tf.keras.optimizers optimizer or a tf.train ` +
      `optimizer, got ${id === null ? 'null' : typeof id}`,
  );
}
