/**
 * tf.train.ExponentialMovingAverage (TF 1.x): shadow variables that track the moving averages of
 * variables, shadow -= (shadow - variable) · (1 - decay) each time the apply() op runs (one fused
 * pass per variable: apply_moving_average).
 * Evaluating a model with the averaged weights usually beats the last weights of a noisy
 * optimizer (TF's image models evaluate this way).
 *
 *   const ema = new tf.train.ExponentialMovingAverage(0.999);
 *   const train = tf.controlDependencies([opt.minimize(loss)], () => ema.apply());
 *   // evaluation: the same model reading the averages (or a Saver over ema.variablesToRestore())
 *   const evalLogits = tf.variableScope('model', () => net(x), { reuse: true, customGetter: ema.getter() });
 */
import { executingEagerly } from '../engine.js';
import type { Operation } from '../graph/graph.js';
import { getDefaultGraph, initScope, nameScope } from '../graph/graph.js';
import type { CustomGetter } from '../graph/variable_scope.js';
import { group } from '../graph/control.js';
import { GraphKeys, trainableVariables, Variable } from '../graph/variables.js';
import { add, div, minimum } from '../ops/binary.js';
import { cast } from '../ops/index_ops.js';
import type { Tensor } from '../tensor.js';
import { applyMovingAverage } from './training_ops.js';

export interface ExponentialMovingAverageOptions {
  /** Steps so far (e.g. the global step): the decay is min(decay, (1 + n) / (10 + n)), so the
   * averages follow the variables closely at first. */
  numUpdates?: Tensor;
  /** Suffix of the shadow variables' names (default "ExponentialMovingAverage"). */
  name?: string;
}

export class ExponentialMovingAverage {
  readonly decay: number;
  readonly name: string;
  private readonly numUpdates?: Tensor;
  private readonly shadows = new Map<Variable, Variable>();

  constructor(decay: number, opts: ExponentialMovingAverageOptions = {}) {
    if (typeof decay !== 'number' || !(decay >= 0 && decay <= 1)) {
      throw new Error(`ExponentialMovingAverage: decay must be a number in [0, 1], got ${String(decay)}`);
    }
    this.decay = decay;
    this.name = opts.name ?? 'ExponentialMovingAverage';
    this.numUpdates = opts.numUpdates;
  }

  /**
   * Creates a shadow variable for each of `varList` (default: the trainable variables), starting
   * from the variable's initial value, and returns the op that updates them all. The shadows are
   * global (saved by a Saver) and not trainable; the variables join MOVING_AVERAGE_VARIABLES.
   * NOTE: a shadow starts from the same draw as its variable when one run initializes both
   * (globalVariablesInitializer); initialized in separate runs, a random initial value differs.
   */
  apply(varList?: Variable[]): Operation {
    if (executingEagerly()) throw new Error('ExponentialMovingAverage.apply: graph mode only (tf.disableEagerExecution())');
    const vars = varList ?? trainableVariables();
    const g = getDefaultGraph();
    const updates: Tensor[] = [];
    for (const v of vars) {
      if (!(v instanceof Variable)) throw new Error(`ExponentialMovingAverage.apply: expected tf.Variables, got ${String(v)}`);
      if (v.dtype !== 'float32' && v.dtype !== 'float64') {
        throw new Error(`ExponentialMovingAverage.apply: ${v.opName} is ${v.dtype}; moving averages need float32 or float64`);
      }
      if (this.shadows.has(v)) throw new Error(`ExponentialMovingAverage.apply: ${v.opName} already has a moving average`);
      if (!v.initialValue) throw new Error(`ExponentialMovingAverage.apply: ${v.opName} has no initial value to start from`);
      this.shadows.set(v, this.createShadow(v));
      g.addToCollection(GraphKeys.MOVING_AVERAGE_VARIABLES, v);
    }
    return nameScope(this.name, () => {
      const decay = this.decayTensor();
      for (const v of vars) {
        const shadow = this.shadows.get(v)!;
        updates.push(applyMovingAverage(shadow, typeof decay === 'number' ? decay : cast(decay, v.dtype), v));
      }
      return group(updates, 'update');
    });
  }

  /** The shadow variable of `v`, or undefined if apply() did not cover it. */
  average(v: Variable): Variable | undefined {
    return this.shadows.get(v);
  }

  /** The name `v`'s shadow has (or would have): "<variable>/<name>". */
  averageName(v: Variable): string {
    return `${v.opName}/${this.name}`;
  }

  /**
   * For a Saver that loads the averages into the model's own variables: checkpoint name →
   * variable, with each averaged variable under its shadow's name, every other global variable
   * under its own (TF's variables_to_restore).
   */
  variablesToRestore(movingAvgVariables?: Variable[]): Record<string, Variable> {
    const g = getDefaultGraph();
    const averaged = new Set(movingAvgVariables ?? g.getCollection<Variable>(GraphKeys.MOVING_AVERAGE_VARIABLES));
    const shadowSet = new Set(this.shadows.values());
    const out: Record<string, Variable> = {};
    for (const v of g.getCollection<Variable>(GraphKeys.GLOBAL_VARIABLES)) {
      if (shadowSet.has(v)) continue;
      out[averaged.has(v) ? this.averageName(v) : v.opName] = v;
    }
    return out;
  }

  /** A variable-scope custom getter that hands out shadows in place of averaged variables. */
  getter(): CustomGetter {
    return (get, name, opts) => {
      const v = get(name, opts);
      const shadow = this.shadows.get(v);
      if (!shadow) throw new Error(`ExponentialMovingAverage: ${v.opName} has no moving average (apply() did not cover it)`);
      return shadow;
    };
  }

  private decayTensor(): number | Tensor {
    if (!this.numUpdates) return this.decay;
    const n = cast(this.numUpdates, 'float32');
    return minimum(this.decay, div(add(n, 1), add(n, 10)));
  }

  // "<variable>/<name>", top level, free of control dependencies (as TF's slot variables).
  private createShadow(v: Variable): Variable {
    return initScope(() => new Variable(v.initialValue!, { name: this.averageName(v), dtype: v.dtype, trainable: false }), true);
  }
}
