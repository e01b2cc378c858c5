/**
 * The base of tf.keras.optimizers: a Keras optimizer is a recipe (class + hyperparameters) for
 * a tf.train optimizer, made per graph together with two variables: the learning rate, which the
 * tf.train optimizer reads every step (so ReduceLROnPlateau and LearningRateScheduler change it
 * without rebuilding the graph), and an int32 `iterations` counter, incremented after every
 * update. Both are saved with the model.
 */
import { hostTensor } from '../../convert.js';
import type { Graph } from '../../graph/graph.js';
import { nameScope } from '../../graph/graph.js';
import { Variable } from '../../graph/variables.js';
import type { Tensor } from '../../tensor.js';
import type { Optimizer } from '../../train/optimizer.js';
import { atTopLevel } from '../backend.js';

/** What an optimizer holds in one graph. */
export interface OptimizerState {
  /** The tf.train optimizer doing the updates. */
  optimizer: Optimizer;
  /** The learning rate it reads (null: fixed in the graph, a wrapped tf.train optimizer). */
  learningRate: Variable | null;
  /** Number of updates applied (int32 scalar). */
  iterations: Variable;
}

/** Hyperparameters by name. */
export type Hypers = Record<string, number | boolean>;

export abstract class KerasOptimizer {
  static className = 'Optimizer';
  private readonly states = new WeakMap<Graph, OptimizerState>();
  /** false: the learning rate is fixed inside the tf.train optimizer (TFOptimizer). */
  protected readonly ownsLearningRate: boolean = true;

  /** `hypers.learningRate` is the initial learning rate. */
  protected constructor(protected readonly hypers: Hypers) {
    for (const [k, v] of Object.entries(hypers)) {
      if (typeof v === 'number' && !(Number.isFinite(v) && v >= 0)) {
        throw new Error(
          `tf.keras.optimizers.${this.className}: ${k} must be a non-negative number, got ` +
            `${v}`,
        );
      }
    }
  }

  get className(): string {
    return (this.constructor as typeof KerasOptimizer).className;
  }

  /** The initial learning rate (the current one is in the graph: utils.getLearningRate). */
  get learningRate(): number {
    return this.hypers.learningRate as number;
  }

  /** The tf.train optimizer reading `lr`. */
  protected abstract make(lr: Tensor | null): Optimizer;

  /** @internal the optimizer's variables and tf.train optimizer in `graph`, made on first use. */
  state(graph: Graph): OptimizerState {
    let s = this.states.get(graph);
    if (!s) {
      // Variables "training/Adam/learning_rate", "training/Adam/iterations".
      const inScope = () => nameScope(this.className, () => this.build());
      s = atTopLevel(graph, () => nameScope('training', inScope));
      this.states.set(graph, s);
    }
    return s;
  }

  private build(): OptimizerState {
    const variable = (name: string, v: number, dtype: 'float32' | 'int32') =>
      new Variable(hostTensor(v, dtype, [], this.className), { name, dtype, trainable: false });
    const lr = this.ownsLearningRate
      ? variable('learning_rate', this.learningRate, 'float32')
      : null;
    const iterations = variable('iterations', 0, 'int32');
    return { optimizer: this.make(lr), learningRate: lr, iterations };
  }

  /** The hyperparameters that rebuild this optimizer. */
  getConfig(): Hypers {
    return { ...this.hypers };
  }
}

/** Options object or a bare learning rate, over the defaults; `lr` is accepted for learningRate. */
export function optimizerArgs(a: unknown, defaults: Hypers, cls: string): Hypers {
  const what = `tf.keras.optimizers.${cls}`;
  if (a !== undefined && typeof a !== 'number' && (typeof a !== 'object' || a === null)) {
    throw new Error(
      `${what}: expected a learning rate or an options object, got ` +
        `${a === null ? 'null' : typeof a}`,
    );
  }
  const o: Record<string, unknown> = typeof a === 'number'
    ? { learningRate: a }
    : { ...(a as object) };
  if (o.lr !== undefined) o.learningRate ??= o.lr;
  delete o.lr;
  for (const k of Object.keys(o)) {
    if (!(k in defaults)) {
      throw new Error(
        `${what}: unknown option '${k}' (known: ${Object.keys(defaults).join(', ')})`,
      );
    }
    if (o[k] === undefined) delete o[k];
  }
  return { ...defaults, ...(o as Hypers) };
}
