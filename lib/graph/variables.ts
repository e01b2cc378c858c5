/**
 * Variables. In graph mode a Variable is the output of a 'variable' node whose value lives in
 * each Session (read by reference, as TF 1.x ref variables); `initializer` assigns the initial
 * value. In eager mode a Variable holds its value directly. Both can be passed to any op.
 */
import type { DType } from '../dtype.js';
import { shapeString } from '../dtype.js';
import { executingEagerly } from '../engine.js';
import type { TensorLike } from '../convert.js';
import { hostTensor } from '../convert.js';
import { native } from '../native.js';
import { Tensor } from '../tensor.js';
import { cast } from '../ops/index_ops.js';
import { add, sub } from '../ops/binary.js';
import type { Operation } from './graph.js';
import { getDefaultGraph, Graph, outsideControlFlow } from './graph.js';

export const GraphKeys = {
  GLOBAL_VARIABLES: 'variables',
  TRAINABLE_VARIABLES: 'trainable_variables',
  UPDATE_OPS: 'update_ops',
  LOSSES: 'losses',
  REGULARIZATION_LOSSES: 'regularization_losses',
  SUMMARIES: 'summaries',
  GLOBAL_STEP: 'global_step',
  MOVING_AVERAGE_VARIABLES: 'moving_average_variables',
} as const;

let nextVarId = 1;
// Marks the constructor argument of variableFromNode (not reachable from the public API).
const FROM_NODE = Symbol('variableFromNode');
type FromNode = { [FROM_NODE]: Operation };
const isFromNode = (v: unknown): v is FromNode =>
  typeof v === 'object' && v !== null && FROM_NODE in v;

export interface VariableOptions {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
  /** Add to these collections instead of GLOBAL_VARIABLES (+ TRAINABLE_VARIABLES). */
  collections?: string[];
}

export class Variable extends Tensor {
  /** Unique per process; keys the value in each Session's store. */
  readonly varId = nextVarId++;
  /** The variable's name without ":0" (e.g. "fc1/W"). */
  readonly opName: string;
  /** Graph mode: the op that assigns the initial value (run it, or globalVariablesInitializer). */
  readonly initializer: Operation | null;
  /** Graph mode: the initial value tensor. */
  readonly initialValue: Tensor | null;

  /**
   *   const W = new tf.Variable(tf.randomNormal([784, 300], { stddev: 0.03 }), { name: 'W1' });
   */
  constructor(initialValue: TensorLike | (() => Tensor), opts: VariableOptions = {}) {
    if (isFromNode(initialValue)) {
      // importMetaGraph: wrap an existing 'variable' node; no initializer or collections yet.
      const op = initialValue[FROM_NODE];
      const out = op.outputs[0];
      super(out.dtype, [...(out.shape as number[])], { op, index: 0 });
      op.outputs[0] = this;
      op.extra.varId = this.varId;
      this.opName = op.name;
      this.initializer = null;
      this.initialValue = null;
      this.trainable = opts.trainable ?? true;
      return;
    }
    const eager = executingEagerly();
    // A variable made inside a tf.cond / whileLoop function belongs to the graph itself (TF lifts
    // it out the same way): its initializer must not depend on the branch being taken.
    const init = outsideControlFlow(() => materialize(initialValue, opts.dtype));
    const dtype = opts.dtype ?? init.dtype;
    const trainable = opts.trainable ?? true;
    if (init.shape.some((d) => d === null)) {
      throw new Error(`Variable '${opts.name ?? 'Variable'}': initial value shape ${shapeString(init.shape)} must be fully defined`);
    }
    if (eager) {
      const value = init.dtype === dtype ? init : cast(init, dtype);
      super(dtype, [...init.shape], { handle: native.fromTypedArray(dtype, [...init.shape], value.dataSync()) });
      this.opName = opts.name ?? `Variable_${this.varId}`;
      this.initializer = null;
      this.initialValue = null;
    } else {
      const g = getDefaultGraph();
      const op = outsideControlFlow(() => g.addOp('variable', [], {}, {
        name: opts.name ?? 'Variable',
        outputs: [{ dtype, shape: init.shape }],
      }));
      super(dtype, [...init.shape], { op, index: 0 });
      // The graph node's output is this Variable object itself.
      op.outputs[0] = this;
      op.extra.varId = this.varId;
      this.opName = op.name;
      this.initialValue = outsideControlFlow(() => (init.dtype === dtype ? init : cast(init, dtype)));
      this.initializer = outsideControlFlow(() => g.addOp('assign', [this.initialValue!], {}, {
        name: `${op.name}/Assign`,
        fullName: true,
        extra: { varId: this.varId },
        outputs: [{ dtype, shape: init.shape }],
      }));
      for (const c of opts.collections ?? [GraphKeys.GLOBAL_VARIABLES]) g.addToCollection(c, this);
      if (trainable) g.addToCollection(GraphKeys.TRAINABLE_VARIABLES, this);
    }
    this.trainable = trainable;
  }

  override get name(): string {
    return `${this.opName}:0`;
  }

  /** tf.assign(this, value). */
  assign(value: TensorLike): Tensor {
    return assign(this, value);
  }
  assignAdd(value: TensorLike): Tensor {
    return assignAdd(this, value);
  }
  assignSub(value: TensorLike): Tensor {
    return assignSub(this, value);
  }
  /** Eager: the current value (a copy); graph: use sess.run(variable). */
  read(): Tensor {
    return hostTensor(this.dataSync(), this.dtype, [...this.shape]);
  }
}

/**
 * @internal A Variable for an existing 'variable' node (importMetaGraph), with a fresh varId;
 * `bindInitializer` attaches its initializer once that node exists.
 */
export function variableFromNode(op: Operation, trainable: boolean): Variable {
  return new Variable({ [FROM_NODE]: op } as unknown as TensorLike, { trainable });
}

/** @internal sets an imported variable's initializer op and initial value tensor. */
export function bindInitializer(
  v: Variable, initializer: Operation | null, initialValue: Tensor | null,
): void {
  const w = v as unknown as { initializer: Operation | null; initialValue: Tensor | null };
  w.initializer = initializer;
  w.initialValue = initialValue;
}

function materialize(v: TensorLike | (() => Tensor), dtype?: DType): Tensor {
  if (typeof v === 'function') return v();
  if (v instanceof Tensor) return v;
  const host = hostTensor(v, dtype, undefined, 'Variable');
  if (executingEagerly()) return host;
  return getDefaultGraph().addOp('const', [], {}, { name: 'initial_value', extra: { value: host }, outputs: [{ dtype: host.dtype, shape: host.shape }] }).outputs[0];
}

function asVariable(ref: Tensor, op: string): Variable {
  if (!(ref instanceof Variable)) throw new Error(`${op}: 'ref' must be a tf.Variable, got ${ref?.constructor?.name ?? typeof ref}`);
  return ref;
}

function valueFor(ref: Variable, value: TensorLike, op: string): Tensor {
  const v = value instanceof Tensor ? value : hostTensor(value, ref.dtype, undefined, op);
  if (v.dtype !== ref.dtype) throw new Error(`${op}: value has dtype ${v.dtype}, variable ${ref.opName} is ${ref.dtype}`);
  const compatible = v.shape.length === ref.shape.length && v.shape.every((d, i) => d === null || d === ref.shape[i]);
  if (!compatible) {
    throw new Error(`${op}: value of shape ${shapeString(v.shape)} does not match variable ${ref.opName} of shape ${shapeString(ref.shape)}`);
  }
  return v;
}

function assignOp(kind: 'assign' | 'assign_add' | 'assign_sub', refIn: Tensor, value: TensorLike): Tensor {
  const fn = kind === 'assign' ? 'assign' : kind === 'assign_add' ? 'assignAdd' : 'assignSub';
  const ref = asVariable(refIn, fn);
  const v = valueFor(ref, value, fn);
  if (!ref.isSymbolic) {
    // Eager: replace the held value (the old storage is released).
    const next = kind === 'assign' ? v : kind === 'assign_add' ? add(ref, v) : sub(ref, v);
    const fresh = native.fromTypedArray(ref.dtype, [...ref.shape], next.dataSync());
    if (ref.handle) native.dispose(ref.handle);
    ref.handle = fresh;
    return ref;
  }
  const g = (ref.op as Operation).graph as Graph;
  return g.addOp(kind, [v], {}, {
    name: `${ref.opName}/${kind === 'assign' ? 'Assign' : kind === 'assign_add' ? 'AssignAdd' : 'AssignSub'}`,
    extra: { varId: ref.varId },
    outputs: [{ dtype: ref.dtype, shape: ref.shape }],
  }).outputs[0];
}

/** ref = value (graph: an op to run; eager: now). Returns the new value. */
export function assign(ref: Tensor, value: TensorLike): Tensor {
  return assignOp('assign', ref, value);
}
/** ref += value. */
export function assignAdd(ref: Tensor, value: TensorLike): Tensor {
  return assignOp('assign_add', ref, value);
}
/** ref -= value. */
export function assignSub(ref: Tensor, value: TensorLike): Tensor {
  return assignOp('assign_sub', ref, value);
}

/** All variables of the default graph (GLOBAL_VARIABLES). */
export function globalVariables(): Variable[] {
  return getDefaultGraph().getCollection<Variable>(GraphKeys.GLOBAL_VARIABLES);
}
/** Trainable variables of the default graph. */
export function trainableVariables(): Variable[] {
  return getDefaultGraph().getCollection<Variable>(GraphKeys.TRAINABLE_VARIABLES);
}
