/**
 * tf.train.Optimizer, the TF 1.x base class: computeGradients (tf.gradients over the trainable
 * variables), applyGradients (one fused native update op per variable, grouped, then
 * globalStep += 1) and minimize. Slots ("W/Adam", "W/Adam_1"…) are non-trainable variables in
 * GLOBAL_VARIABLES, so tf.globalVariablesInitializer() made after minimize() initializes them.
 * Eager mode: minimize(() => loss) differentiates with a GradientTape and updates at once.
 */
import { GradientTape } from '../autograd.js';
import { hostTensor } from '../convert.js';
import type { DType } from '../dtype.js';
import { isFloatDType, shapeString } from '../dtype.js';
import type { TapeSink } from '../engine.js';
import { dispose, executingEagerly, popTape, pushTape, tidy } from '../engine.js';
import { Tensor } from '../tensor.js';
import { constant } from '../ops/creation.js';
import { cast } from '../ops/index_ops.js';
import { group } from '../graph/control.js';
import { gradients } from '../graph/gradients.js';
import type { Graph } from '../graph/graph.js';
import { controlDependencies, getDefaultGraph, initScope, nameScope, Operation } from '../graph/graph.js';
import { assignAdd, trainableVariables, Variable } from '../graph/variables.js';

/** A learning rate or other hyperparameter: a number, or a scalar float tensor. */
export type Hyper = number | Tensor;
/** [gradient (null: none), variable], as computeGradients returns. */
export type GradAndVar = [Tensor | null, Variable];

export interface ApplyOptions {
  /** Incremented by one after the updates (tf.train.getOrCreateGlobalStep()). */
  globalStep?: Variable | null;
  /** Name of the returned op (default: the optimizer's name). */
  name?: string;
}
export interface MinimizeOptions extends ApplyOptions {
  /** Variables to train (default: tf.trainableVariables(); eager: the ones the loss reads). */
  varList?: Variable[];
}

/** Checks a hyperparameter given to a constructor: a finite number or a scalar float tensor. */
export function checkHyper(value: unknown, name: string, cls: string): Hyper {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${cls}: ${name} must be a finite number, got ${value}`);
    return value;
  }
  if (value instanceof Tensor) {
    if (value.shape.length !== 0 || !isFloatDType(value.dtype)) {
      throw new Error(`${cls}: ${name} must be a scalar float tensor, got ${value.dtype} ${shapeString(value.shape)}`);
    }
    return value;
  }
  throw new Error(`${cls}: ${name} must be a number or a scalar Tensor, got ${value === null ? 'null' : typeof value}`);
}

function isVariable(v: unknown): v is Variable {
  return v instanceof Variable;
}

export abstract class Optimizer {
  private readonly slots = new Map<string, Map<Variable, Variable>>();
  // Non-slot variables (Adam's beta powers), one set per graph (null: eager).
  private readonly nonSlots = new Map<Graph | null, Map<string, Variable>>();
  private hyperCache = new Map<string, Tensor>();

  constructor(readonly name: string) {
    if (!name || /[:\s/]/.test(name)) throw new Error(`Optimizer: bad name '${name}'`);
  }

  // ---- what each optimizer defines

  /** Creates the slots of each variable. */
  protected abstract createSlots(vars: Variable[]): void;
  /** The update op of one variable (a native apply_* op). */
  protected abstract applyDense(grad: Tensor, v: Variable): Tensor;
  /** Runs after every update (Adam: the beta powers); returns the extra update ops. */
  protected finishUpdates(_updates: Tensor[]): Tensor[] {
    return [];
  }

  // ---- helpers for subclasses

  /**
   * A hyperparameter as a scalar tensor of `dtype`: numbers become constants, tensors are cast
   * when their dtype differs. One tensor per (name, dtype) per applyGradients call.
   */
  protected hyper(name: string, value: Hyper, dtype: DType): Tensor {
    const key = `${name}:${dtype}`;
    let t = this.hyperCache.get(key);
    if (!t) {
      if (typeof value === 'number') t = constant(value, dtype, undefined, name);
      else t = value.dtype === dtype ? value : cast(value, dtype);
      this.hyperCache.set(key, t);
    }
    return t;
  }

  /**
   * Slot `slot` of v, created on first use as a variable named "<v>/<optimizer>" (then "_1",
   * "_2"… for the next slots of v), of v's shape and dtype, filled with `initial`.
   */
  protected makeSlot(v: Variable, slot: string, initial: number): Variable {
    let perVar = this.slots.get(slot);
    if (!perVar) this.slots.set(slot, (perVar = new Map()));
    const existing = perVar.get(v);
    if (existing) return existing;
    const index = [...this.slots.values()].filter((m) => m.has(v)).length;
    const name = `${v.opName}/${this.name}${index ? `_${index}` : ''}`;
    const value = hostTensor(initial, v.dtype, [...v.shape], this.name);
    const s = initScope(() => new Variable(value, { name, dtype: v.dtype, trainable: false }), true);
    if (executingEagerly()) value.dispose();
    perVar.set(v, s);
    return s;
  }

  /** A non-slot variable (one per graph), e.g. Adam's "beta1_power", made on first use. */
  protected makeNonSlot(name: string, initial: number, dtype: DType): Variable {
    const key = executingEagerly() ? null : getDefaultGraph();
    let vars = this.nonSlots.get(key);
    if (!vars) this.nonSlots.set(key, (vars = new Map()));
    let v = vars.get(name);
    if (!v) {
      const value = hostTensor(initial, dtype, [], this.name);
      v = initScope(() => new Variable(value, { name, dtype, trainable: false }));
      if (executingEagerly()) value.dispose();
      vars.set(name, v);
    }
    return v;
  }
  protected getNonSlot(name: string): Variable {
    const v = this.nonSlots.get(executingEagerly() ? null : getDefaultGraph())?.get(name);
    if (!v) throw new Error(`${this.name}: non-slot variable ${name} was not created in this graph`);
    return v;
  }

  // ---- public API

  /** The slot variable `slot` of v (e.g. getSlot(W, 'm') for Adam), or null. */
  getSlot(v: Variable, slot: string): Variable | null {
    return this.slots.get(slot)?.get(v) ?? null;
  }
  /** Slot names this optimizer has created ('m', 'v' for Adam). */
  getSlotNames(): string[] {
    return [...this.slots.keys()].sort();
  }
  /** The variables this optimizer created (slots and non-slot variables) in the current graph. */
  variables(): Variable[] {
    const key = executingEagerly() ? null : getDefaultGraph();
    const out = [...(this.nonSlots.get(key)?.values() ?? [])];
    for (const m of this.slots.values()) {
      for (const s of m.values()) {
        const here = key ? s.isSymbolic && (s.op as Operation).graph === key : !s.isSymbolic;
        if (here) out.push(s);
      }
    }
    return out;
  }

  /**
   * Gradients of `loss` for each variable, as [grad, var] pairs (grad null when the loss does
   * not depend on the variable).
   *
   *   const gv = opt.computeGradients(loss);
   */
  computeGradients(loss: Tensor, opts: { varList?: Variable[] } = {}): GradAndVar[] {
    const fn = `${this.name}.computeGradients`;
    if (executingEagerly()) {
      throw new Error(`${fn}: in eager mode call minimize(() => loss) or use a tf.GradientTape`);
    }
    if (!(loss instanceof Tensor) || !loss.isSymbolic) throw new Error(`${fn}: loss must be a graph tensor`);
    if (!isFloatDType(loss.dtype)) throw new Error(`${fn}: loss must be float32 or float64, got ${loss.dtype}`);
    const vars = this.checkVarList(opts.varList ?? trainableVariables(), fn);
    const grads = gradients(loss, vars);
    return vars.map((v, i) => [grads[i], v]);
  }

  /**
   * One op that applies every gradient (fused native update per variable), then increments
   * `globalStep`. Eager mode: applies them now and returns null.
   *
   *   const train = opt.applyGradients(gv, { globalStep });
   */
  applyGradients(gradsAndVars: GradAndVar[], opts: ApplyOptions = {}): Operation | null {
    const fn = `${this.name}.applyGradients`;
    if (!Array.isArray(gradsAndVars) || gradsAndVars.length === 0) throw new Error(`${fn}: No variables provided.`);
    const seen = new Set<Variable>();
    for (const pair of gradsAndVars) {
      const [g, v] = Array.isArray(pair) ? pair : [undefined, pair];
      if (!isVariable(v)) throw new Error(`${fn}: expected [gradient, tf.Variable] pairs, got ${String(v)}`);
      if (seen.has(v)) throw new Error(`${fn}: variable ${v.opName} appears more than once`);
      seen.add(v);
      if (g !== null && !(g instanceof Tensor)) throw new Error(`${fn}: gradient of ${v.opName} is not a Tensor`);
      if (!isFloatDType(v.dtype)) throw new Error(`${fn}: variable ${v.opName} must be float32 or float64, got ${v.dtype}`);
    }
    const withGrad = gradsAndVars.filter(([g]) => g !== null) as [Tensor, Variable][];
    if (withGrad.length === 0) {
      throw new Error(`No gradients provided for any variable: [${gradsAndVars.map(([, v]) => v.name).join(', ')}].`);
    }
    const globalStep = opts.globalStep ?? null;
    if (globalStep !== null && !isVariable(globalStep)) throw new Error(`${fn}: globalStep must be a tf.Variable`);
    const vars = withGrad.map(([, v]) => v);
    if (executingEagerly()) {
      tidy(() => {
        this.createSlots(vars);
        this.hyperCache = new Map();
        const updates = withGrad.map(([g, v]) => this.applyDense(g, v));
        this.finishUpdates(updates);
        if (globalStep) assignAdd(globalStep, 1);
      });
      this.hyperCache = new Map();
      return null;
    }
    initScope(() => this.createSlots(vars));
    const name = opts.name ?? this.name;
    this.hyperCache = new Map();
    try {
      const done = nameScope(name, () => {
        const updates = withGrad.map(([g, v]) => nameScope(`update_${v.opName}`, () => this.applyDense(g, v)));
        const extra = this.finishUpdates(updates);
        return globalStep ? group([...updates, ...extra], 'update') : [...updates, ...extra];
      });
      if (done instanceof Operation) {
        return controlDependencies([done], () => assignAdd(globalStep!, 1).op as Operation);
      }
      return group(done, name);
    } finally {
      this.hyperCache = new Map();
    }
  }

  /**
   * Graph mode: the op that computes gradients of `loss` and applies them.
   *
   *   const train = new tf.train.AdamOptimizer(1e-3).minimize(loss, { globalStep });
   *   for (...) await sess.run(train, { x: batch });
   *
   * Eager mode: pass the loss as a function; it is differentiated with a GradientTape, the
   * variables are updated now, and the loss value is returned.
   *
   *   const loss = opt.minimize(() => tf.reduceMean(tf.square(tf.sub(model(x), y))));
   */
  minimize(loss: Tensor, opts?: MinimizeOptions): Operation;
  minimize(loss: () => Tensor, opts?: Variable[] | MinimizeOptions): Tensor;
  minimize(loss: Tensor | (() => Tensor), optsIn: Variable[] | MinimizeOptions = {}): Operation | Tensor {
    const opts: MinimizeOptions = Array.isArray(optsIn) ? { varList: optsIn } : optsIn;
    if (typeof loss === 'function') return this.minimizeEager(loss, opts);
    if (executingEagerly()) throw new Error(`${this.name}.minimize: in eager mode pass the loss as a function, minimize(() => loss)`);
    const gv = this.computeGradients(loss, { varList: opts.varList });
    if (gv.every(([g]) => g === null)) {
      throw new Error(
        `No gradients provided for any variable, check your graph for ops that do not support gradients, ` +
          `between variables [${gv.map(([, v]) => v.name).join(', ')}] and loss ${loss.name}.`,
      );
    }
    return this.applyGradients(gv, opts) as Operation;
  }

  private minimizeEager(lossFn: () => Tensor, opts: MinimizeOptions): Tensor {
    const fn = `${this.name}.minimize`;
    if (!executingEagerly()) {
      throw new Error(`${fn}: a loss function is for eager mode; in graph mode pass the loss tensor`);
    }
    if (opts.varList) this.checkVarList(opts.varList, fn);
    // The trainable variables the loss reads, in first-use order (TF's tape.watched_variables()).
    const accessed = new Set<Variable>();
    const watcher: TapeSink = {
      wants(inputs) {
        for (const t of inputs) if (isVariable(t) && t.trainable) accessed.add(t);
        return false;
      },
      record_() {},
      holds: () => false,
    };
    const tape = new GradientTape();
    pushTape(watcher);
    let loss: Tensor;
    try {
      loss = tape.record(() => {
        if (opts.varList) tape.watch(opts.varList);
        return lossFn();
      });
    } finally {
      popTape(watcher);
    }
    if (!(loss instanceof Tensor)) throw new Error(`${fn}: the loss function must return a Tensor`);
    if (!isFloatDType(loss.dtype)) throw new Error(`${fn}: loss must be float32 or float64, got ${loss.dtype}`);
    const vars = this.checkVarList(opts.varList ?? [...accessed], fn);
    const grads = tape.gradient(loss, vars);
    try {
      if (grads.every((g) => g === null)) {
        throw new Error(
          `No gradients provided for any variable, check your graph for ops that do not support gradients, ` +
            `between variables [${vars.map((v) => v.name).join(', ')}] and loss ${loss.name}.`,
        );
      }
      this.applyGradients(vars.map((v, i) => [grads[i], v]), opts);
    } finally {
      dispose(grads);
    }
    return loss;
  }

  private checkVarList(list: Variable[], fn: string): Variable[] {
    if (!Array.isArray(list)) throw new Error(`${fn}: varList must be an array of tf.Variable`);
    if (list.length === 0) throw new Error(`${fn}: No variables to optimize.`);
    for (const v of list) {
      if (!isVariable(v)) throw new Error(`${fn}: varList holds ${v === null ? 'null' : typeof v}, not a tf.Variable`);
    }
    return list;
  }
}
