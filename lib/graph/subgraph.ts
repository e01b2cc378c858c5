/**
 * The functions of control flow (a tf.cond branch, a whileLoop condition or body, and their
 * gradients), each built as a SubGraph of the default graph: ops created while it is the
 * innermost context belong to it, and outer tensors they read are captured, replaced by inputs of
 * the function. The control-flow node then takes the captured tensors as its own inputs, and the
 * Session compiles each function into a sub-plan fed with them (plan.ts, cpp/graph/control_flow.h).
 */
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import type { BuildContext, Graph, Operation, SubPlan } from './graph.js';
import { nameScope } from './graph.js';

/** Ops that write a variable: assignments and the optimizers' fused updates. */
export function writesVariable(op: Operation): boolean {
  return op.type.startsWith('assign') || op.type.startsWith('apply_');
}

/** Ops a function runs for their effect even when its outputs do not need them. */
function isEffect(op: Operation): boolean {
  if (writesVariable(op) || op.type === 'print' || op.type === 'no_op') return true;
  return (op.extra.subplans ?? []).some((s) => s.targets.length > 0);
}

export class SubGraph implements BuildContext {
  readonly ops: Set<Operation>;
  /** Outer tensors read inside, in the order they were captured. */
  readonly captured: Tensor[] = [];
  /** Side-effect ops created here (not those of a base): a run of the function runs them. */
  readonly effects: Operation[] = [];
  /** Control inputs from outside, which the control-flow node takes on instead. */
  readonly outerControl = new Set<Operation>();
  private readonly inputOf = new Map<number, Tensor>();

  /**
   * `parent`: the context the control-flow node is built in (null: the graph). `base`: a function
   * whose ops this one may use as its own (a gradient function replays its forward function).
   */
  constructor(readonly graph: Graph, readonly description: string, readonly parent: BuildContext | null, base?: SubGraph) {
    this.ops = new Set(base?.ops);
    for (const t of base?.captured ?? []) {
      this.captured.push(t);
      this.inputOf.set(t.id, base!.inputOf.get(t.id)!);
    }
  }

  owns(op: Operation): boolean {
    return this.ops.has(op);
  }

  capture(t: Tensor): Tensor {
    if (this.ops.has(t.op as Operation)) return t;
    const outer = this.parent ? this.parent.capture(t) : t;
    const inner = (outer.op as Operation).context;
    if (inner && !this.parent) {
      throw new Error(`${this.description}: ${t.name} was built inside ${inner.description}, which this function is not part of`);
    }
    return this.inputFor(outer);
  }

  /** The input standing for outer tensor `outer` (made, unused so far, if there is none). */
  inputFor(outer: Tensor): Tensor {
    let inner = this.inputOf.get(outer.id);
    if (!inner) {
      inner = this.newInput(outer.dtype, outer.shape, 'capture');
      this.inputOf.set(outer.id, inner);
      this.captured.push(outer);
    }
    return inner;
  }

  /** A new input of the function: a loop variable, a gradient fed by the loop. */
  newInput(dtype: DType, shape: (number | null)[], name = 'input'): Tensor {
    return this.graph.addOp('subgraph_input', [], {}, { name, outputs: [{ dtype, shape }], context: this }).outputs[0];
  }

  adopt(op: Operation, outerControl: Operation[]): void {
    this.ops.add(op);
    for (const c of outerControl) this.outerControl.add(c);
    if (isEffect(op)) this.effects.push(op);
  }

  /** Runs fn with this function innermost: the ops it creates belong here. */
  build<T>(fn: () => T): T {
    this.graph.contextStack.push(this);
    try {
      return fn();
    } finally {
      this.graph.contextStack.pop();
    }
  }

  /** The sub-plan computing `fetches` from `feeds` (and running this function's effects). */
  subPlan(feeds: Tensor[], fetches: Tensor[]): SubPlan {
    return { context: this, feeds, fetches, targets: this.effects };
  }
}

/** The outer tensors captured by any of `subs`, each once, in first-capture order. */
export function unionOfCaptures(subs: SubGraph[]): Tensor[] {
  const seen = new Map<number, Tensor>();
  for (const s of subs) for (const t of s.captured) if (!seen.has(t.id)) seen.set(t.id, t);
  return [...seen.values()];
}

/**
 * Builds a control-flow node named `name` (unique under the current scope, as TF's 'cond',
 * 'cond_1': tf.nameScope's rule): `build` gets the full name, creates the functions' ops under
 * "full/…" and returns what it made. The innermost context at the call is the functions' parent.
 */
export function buildControlFlow<T>(g: Graph, name: string, build: (full: string, parent: BuildContext | null) => T): T {
  const parent = g.contextStack[g.contextStack.length - 1] ?? null;
  return nameScope(name, () => build(g.nameStack.join('/'), parent));
}
