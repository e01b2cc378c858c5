/**
 * tf.keras.optimizers: Keras optimizer objects over the tf.train optimizers (the same fused
 * native updates). Per graph each one owns a learning-rate variable, which the optimizer reads
 * every step (so ReduceLROnPlateau and LearningRateScheduler change it without rebuilding the
 * graph), and an int32 `iterations` counter, incremented after every update. A tf.train
 * optimizer passed to compile is wrapped as is (its learning rate is then fixed in the graph).
 * Defaults are Keras 2.2's (TF 1.13): sgd 0.01, adam 0.001, rmsprop 0.001, adagrad 0.01,
 * adadelta 1.0; epsilon K.epsilon() = 1e-7.
 */
import { hostTensor } from '../convert.js';
import type { Graph } from '../graph/graph.js';
import { nameScope } from '../graph/graph.js';
import { Variable } from '../graph/variables.js';
import type { Tensor } from '../tensor.js';
import { AdadeltaOptimizer } from '../train/adadelta.js';
import { AdagradOptimizer } from '../train/adagrad.js';
import { AdamOptimizer } from '../train/adam.js';
import { GradientDescentOptimizer } from '../train/gradient_descent.js';
import { MomentumOptimizer } from '../train/momentum.js';
import { Optimizer } from '../train/optimizer.js';
import { RMSPropOptimizer } from '../train/rmsprop.js';
import { atTopLevel } from './backend.js';

/** What an optimizer holds in one graph. */
export interface OptimizerState {
  /** The tf.train optimizer doing the updates. */
  optimizer: Optimizer;
  /** The learning rate it reads (null: fixed in the graph, a wrapped tf.train optimizer). */
  learningRate: Variable | null;
  /** Number of updates applied (int32 scalar). */
  iterations: Variable;
}

type Hypers = Record<string, number | boolean>;

function positive(v: unknown, what: string, cls: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new Error(
      `tf.keras.optimizers.${cls}: ${what} must be a non-negative number, got ${String(v)}`,
    );
  }
  return v;
}

/** Base of the Keras optimizers. */
export abstract class KerasOptimizer {
  static className = 'Optimizer';
  private readonly states = new WeakMap<Graph, OptimizerState>();

  /** `hypers.learningRate` is the initial learning rate. */
  protected constructor(protected readonly hypers: Hypers) {
    for (const [k, v] of Object.entries(hypers)) if (typeof v === 'number') positive(v, k, this.className);
  }

  get className(): string {
    return (this.constructor as typeof KerasOptimizer).className;
  }
  /** The initial learning rate (the current one lives in the graph: tf.keras.backend.getValue). */
  get learningRate(): number {
    return this.hypers.learningRate as number;
  }

  /** The tf.train optimizer reading `lr`. */
  protected abstract make(lr: Tensor): Optimizer;
  /** false: the learning rate is fixed inside the tf.train optimizer (TFOptimizer). */
  protected readonly ownsLearningRate: boolean = true;

  /** @internal the optimizer's variables and tf.train optimizer in `graph`, made on first use. */
  state(graph: Graph): OptimizerState {
    let s = this.states.get(graph);
    if (!s) {
      s = atTopLevel(graph, () => nameScope('training', () => nameScope(this.className, () => {
        const lr = this.ownsLearningRate
          ? new Variable(hostTensor(this.learningRate, 'float32', [], 'learningRate'), { name: 'learning_rate', trainable: false })
          : null;
        const iterations = new Variable(hostTensor(0, 'int32', [], 'iterations'), { name: 'iterations', dtype: 'int32', trainable: false });
        return { optimizer: this.make(lr as Tensor), learningRate: lr, iterations };
      })));
      this.states.set(graph, s);
    }
    return s;
  }

  /** The hyperparameters that rebuild this optimizer. */
  getConfig(): Hypers {
    return { ...this.hypers };
  }
}

/** Options object or a bare learning rate, over the defaults; `lr` is accepted for learningRate. */
function args(a: unknown, defaults: Hypers, cls: string): Hypers {
  if (a !== undefined && typeof a !== 'number' && (typeof a !== 'object' || a === null)) {
    throw new Error(
      `tf.keras.optimizers.${cls}: expected a learning rate or an options object, got ` +
        `${a === null ? 'null' : typeof a}`,
    );
  }
  const o: Record<string, unknown> = typeof a === 'number' ? { learningRate: a } : { ...(a as object) };
  if (o.lr !== undefined) o.learningRate ??= o.lr;
  delete o.lr;
  for (const k of Object.keys(o)) {
    if (!(k in defaults)) {
      throw new Error(
        `tf.keras.optimizers.${cls}: unknown option '${k}' (known: ` +
          `${Object.keys(defaults).join(', ')})`,
      );
    }
    if (o[k] === undefined) delete o[k];
  }
  return { ...defaults, ...(o as Hypers) };
}

export interface SGDOptions { learningRate?: number; momentum?: number; nesterov?: boolean }
/** Gradient descent, with momentum when momentum > 0. `new tf.keras.optimizers.SGD({ learningRate: 0.1, momentum: 0.9 })` */
export class SGD extends KerasOptimizer {
  static override className = 'SGD';
  constructor(a?: number | SGDOptions) {
    super(args(a, { learningRate: 0.01, momentum: 0, nesterov: false }, 'SGD'));
  }
  protected make(lr: Tensor): Optimizer {
    const m = this.hypers.momentum as number;
    if (m > 0 || this.hypers.nesterov) return new MomentumOptimizer(lr, m, { useNesterov: !!this.hypers.nesterov, name: 'SGD' });
    return new GradientDescentOptimizer(lr, { name: 'SGD' });
  }
}

export interface AdamOptions { learningRate?: number; beta1?: number; beta2?: number; epsilon?: number }
/** Adam. `new tf.keras.optimizers.Adam({ learningRate: 1e-4 })` or `new tf.keras.optimizers.Adam(1e-4)` */
export class Adam extends KerasOptimizer {
  static override className = 'Adam';
  constructor(a?: number | AdamOptions) {
    super(args(a, { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, 'Adam'));
  }
  protected make(lr: Tensor): Optimizer {
    const h = this.hypers as Record<string, number>;
    return new AdamOptimizer(lr, { beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon, name: 'Adam' });
  }
}

export interface RMSpropOptions { learningRate?: number; rho?: number; momentum?: number; epsilon?: number; centered?: boolean }
/** RMSprop (decay rho of the squared-gradient average). */
export class RMSprop extends KerasOptimizer {
  static override className = 'RMSprop';
  constructor(a?: number | RMSpropOptions) {
    super(args(a, { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false }, 'RMSprop'));
  }
  protected make(lr: Tensor): Optimizer {
    const h = this.hypers as Record<string, number>;
    return new RMSPropOptimizer(lr, { decay: h.rho, momentum: h.momentum, epsilon: h.epsilon, centered: !!this.hypers.centered, name: 'RMSprop' });
  }
}

export interface AdagradOptions { learningRate?: number; initialAccumulatorValue?: number }
export class Adagrad extends KerasOptimizer {
  static override className = 'Adagrad';
  constructor(a?: number | AdagradOptions) {
    super(args(a, { learningRate: 0.01, initialAccumulatorValue: 0.1 }, 'Adagrad'));
  }
  protected make(lr: Tensor): Optimizer {
    return new AdagradOptimizer(lr, { initialAccumulatorValue: this.hypers.initialAccumulatorValue as number, name: 'Adagrad' });
  }
}

export interface AdadeltaOptions { learningRate?: number; rho?: number; epsilon?: number }
export class Adadelta extends KerasOptimizer {
  static override className = 'Adadelta';
  constructor(a?: number | AdadeltaOptions) {
    super(args(a, { learningRate: 1.0, rho: 0.95, epsilon: 1e-7 }, 'Adadelta'));
  }
  protected make(lr: Tensor): Optimizer {
    const h = this.hypers as Record<string, number>;
    return new AdadeltaOptimizer(lr, { rho: h.rho, epsilon: h.epsilon, name: 'Adadelta' });
  }
}

// ---------------------------------------------------------------- wrapped tf.train optimizers

// The hyperparameters each tf.train class keeps (as private fields of those names).
const TF_HYPERS: Record<string, string[]> = {
  GradientDescentOptimizer: ['learningRate'],
  MomentumOptimizer: ['learningRate', 'momentum', 'useNesterov'],
  AdamOptimizer: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  RMSPropOptimizer: ['learningRate', 'decay', 'momentum', 'epsilon', 'centered'],
  AdagradOptimizer: ['learningRate', 'initialAccumulatorValue'],
  AdadeltaOptimizer: ['learningRate', 'rho', 'epsilon'],
};

/** A tf.train optimizer used by a Keras model (Keras' TFOptimizer); its learning rate is fixed. */
export class TFOptimizer extends KerasOptimizer {
  static override className = 'TFOptimizer';
  constructor(readonly optimizer: Optimizer) {
    super({});
  }
  override get learningRate(): number {
    const lr = (this.optimizer as unknown as { learningRate?: unknown }).learningRate;
    return typeof lr === 'number' ? lr : NaN;
  }
  protected override readonly ownsLearningRate = false;
  protected make(): Optimizer {
    return this.optimizer;
  }
  /** The tf.train class and its numeric hyperparameters; throws for tensor-valued ones. */
  override getConfig(): Hypers {
    const cls = this.optimizer.constructor.name;
    const keys = TF_HYPERS[cls];
    if (!keys) {
      throw new Error(
        `TFOptimizer: cannot save a ${cls}; compile with a tf.keras.optimizers optimizer to ` +
          `save the model`,
      );
    }
    const out: Hypers = {};
    for (const k of keys) {
      const v = (this.optimizer as unknown as Record<string, unknown>)[k];
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new Error(
          `TFOptimizer: cannot save ${cls} whose ${k} is a tensor; use a number or a ` +
            `tf.keras.optimizers optimizer`,
        );
      }
      out[k] = v;
    }
    return out;
  }
  /** Describes the wrapped class for model files. */
  get tfClassName(): string {
    return this.optimizer.constructor.name;
  }
  get tfName(): string {
    return this.optimizer.name;
  }
}

/** Rebuilds a wrapped tf.train optimizer from TFOptimizer.getConfig(). */
export function tfOptimizerFromConfig(cls: string, name: string, c: Hypers): Optimizer {
  const n = c as Record<string, number>;
  switch (cls) {
    case 'GradientDescentOptimizer': return new GradientDescentOptimizer(n.learningRate, { name });
    case 'MomentumOptimizer': return new MomentumOptimizer(n.learningRate, n.momentum, { useNesterov: !!c.useNesterov, name });
    case 'AdamOptimizer': return new AdamOptimizer(n.learningRate, { beta1: n.beta1, beta2: n.beta2, epsilon: n.epsilon, name });
    case 'RMSPropOptimizer': return new RMSPropOptimizer(n.learningRate, { decay: n.decay, momentum: n.momentum, epsilon: n.epsilon, centered: !!c.centered, name });
    case 'AdagradOptimizer': return new AdagradOptimizer(n.learningRate, { initialAccumulatorValue: n.initialAccumulatorValue, name });
    case 'AdadeltaOptimizer': return new AdadeltaOptimizer(n.learningRate, { rho: n.rho, epsilon: n.epsilon, name });
    default: throw new Error(`loadModel: unknown tf.train optimizer class '${cls}'`);
  }
}

/** Keras optimizer classes by className (model files). */
export const OPTIMIZER_CLASSES: Record<string, new (a?: Hypers) => KerasOptimizer> = {
  SGD, Adam, RMSprop, Adagrad, Adadelta,
} as unknown as Record<string, new (a?: Hypers) => KerasOptimizer>;

const BY_NAME: Record<string, () => KerasOptimizer> = {
  sgd: () => new SGD(), adam: () => new Adam(), rmsprop: () => new RMSprop(), adagrad: () => new Adagrad(), adadelta: () => new Adadelta(),
};

/** An optimizer given to compile: a name, a tf.keras optimizer, or a tf.train optimizer. */
export type OptimizerIdentifier = string | KerasOptimizer | Optimizer;

/** Resolves an optimizer identifier (names are case-insensitive). */
export function getOptimizer(id: OptimizerIdentifier, what = 'compile'): KerasOptimizer {
  if (id instanceof KerasOptimizer) return id;
  if (id instanceof Optimizer) return new TFOptimizer(id);
  if (typeof id === 'string') {
    const make = BY_NAME[id.toLowerCase()];
    if (!make) {
      throw new Error(
        `${what}: unknown optimizer '${id}' (known: sgd, adam, rmsprop, adagrad, adadelta; ` +
          `or pass an optimizer object)`,
      );
    }
    return make();
  }
  throw new Error(
    `${what}: optimizer must be a name, a tf.keras.optimizers optimizer or a tf.train ` +
      `optimizer, got ${id === null ? 'null' : typeof id}`,
  );
}
