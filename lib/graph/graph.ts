/**
 * TF 1.x graphs: every op call in graph mode adds an Operation to the default graph; nothing
 * computes until Session.run. Static shapes come from the native shape rules (the same ones the
 * kernels check), with `null` for dimensions unknown until run time.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DType, Shape } from '../dtype.js';
import { shapeString } from '../dtype.js';
import { executingEagerly, popEagerDevice, pushEagerDevice, setGraphBuilder, setNamer } from '../engine.js';
import type { Attrs, NativeMeta } from '../native.js';
import { native } from '../native.js';
import type { OpNode } from '../tensor.js';
import { setEvalHook, Tensor } from '../tensor.js';

/** Extra data of non-native node types (const value, variable id, placeholder…). */
export interface OpExtra {
  value?: Tensor;
  varId?: number;
  stateful?: boolean;
  /** Control-flow nodes (cond, while, while_grad): the sub-plans the Session compiles for them. */
  subplans?: SubPlan[];
}

/** What a control-flow node runs: `fetches` with `feeds` fed in this order, and `targets`. */
export interface SubPlan {
  context: BuildContext;
  feeds: Tensor[];
  fetches: Tensor[];
  targets: Operation[];
}

/**
 * @internal A tf.cond branch or tf.whileLoop function being built (lib/graph/subgraph.ts). Ops
 * created while it is the innermost context belong to it; outer tensors they read are captured
 * (replaced by inputs of the context), so only the control-flow node reads the outer graph.
 */
export interface BuildContext {
  /** True if `op` belongs to this context (ops of contexts inside it do not). */
  owns(op: Operation): boolean;
  /** The tensor standing for `t` inside this context: t itself, or the input capturing it. */
  capture(t: Tensor): Tensor;
  /** Records an op created inside; `outerControl` are control inputs from outside it. */
  adopt(op: Operation, outerControl: Operation[]): void;
  /** For error messages: "tf.cond 'cond'". */
  readonly description: string;
}

/** @internal options of Graph.addOp. */
export interface AddOpOptions {
  name?: string;
  /** `name` is already a full name (e.g. "fc1/bias/Assign"): not put under the name scope again. */
  fullName?: boolean;
  /** `name` is a full name that uniqueName already reserved for this op (buildNamed). */
  reserved?: boolean;
  extra?: OpExtra;
  outputs?: NativeMeta[];
  exact?: { name: string; control: Operation[]; device: string | null };
  /** The context the op belongs to, instead of the innermost one (a capture's input). */
  context?: BuildContext | null;
}

export class Operation implements OpNode {
  readonly outputs: Tensor[] = [];
  /** @internal the tf.cond / whileLoop context that built this op (null: the graph itself). */
  context: BuildContext | null = null;
  /** @internal */
  constructor(
    readonly graph: Graph,
    readonly id: number,
    readonly name: string,
    readonly type: string,
    readonly inputs: Tensor[],
    readonly attrs: Attrs,
    readonly controlInputs: Operation[],
    readonly device: string | null,
    readonly extra: OpExtra,
  ) {}

  /** Runs this op in the default (interactive) session, as TF's op.run(). */
  run(feeds?: unknown): void {
    runInDefaultSession(this, feeds);
  }
  toString(): string {
    return `Operation(${this.name}, type=${this.type})`;
  }
}

/** Node types that are not native kernels (handled by the Session's plan compiler). */
export const SPECIAL_TYPES = new Set([
  'const', 'placeholder', 'placeholder_with_default', 'variable', 'assign', 'assign_add', 'assign_sub', 'no_op',
  'cond', 'while', 'while_grad', 'subgraph_input',
]);

export class Graph {
  /** Operations in creation order, which is a topological order. */
  readonly operations: Operation[] = [];
  /** Graph-level random seed (tf.setRandomSeed inside this graph). */
  seed: number | undefined;
  /** @internal */ nameStack: string[] = [];
  /** @internal */ controlStack: Operation[][] = [];
  /** @internal */ deviceStack: string[] = [];
  /** @internal tf.cond / whileLoop functions being built, innermost last. */
  contextStack: BuildContext[] = [];
  /** @internal */ opSeedCounter = 0;
  private readonly byName = new Map<string, Operation>();
  private readonly used = new Set<string>();
  /** Per requested name, the suffix to try next: names are never released, so every suffix
   * below it is taken and uniqueName stays O(1) (probing from _1 made graph building quadratic). */
  private readonly nextSuffix = new Map<string, number>();
  private readonly collections = new Map<string, unknown[]>();

  /** A name not used yet in this graph, under the current name scope: "scope/add_1". */
  uniqueName(base: string, scoped = true): string {
    const full = scoped && this.nameStack.length ? `${this.nameStack.join('/')}/${base}` : base;
    let i = this.nextSuffix.get(full) ?? 0;
    let name = i === 0 ? full : `${full}_${i}`;
    while (this.used.has(name)) name = `${full}_${++i}`;
    this.nextSuffix.set(full, i + 1);
    this.used.add(name);
    return name;
  }

  /**
   * @internal uniqueName(base), and a function that gives the name back, for a build under it
   * that failed (buildNamed): a call rejected for its arguments then leaves no trace.
   */
  reserveName(base: string): [string, () => void] {
    const full = this.nameStack.length ? `${this.nameStack.join('/')}/${base}` : base;
    const next = this.nextSuffix.get(full);
    const name = this.uniqueName(base);
    const release = () => {
      this.used.delete(name);
      if (next === undefined) this.nextSuffix.delete(full);
      else this.nextSuffix.set(full, next);
    };
    return [name, release];
  }

  /** @internal true if `name` is taken by an op (or reserved, e.g. by a summary tag). */
  isNameUsed(name: string): boolean {
    return this.used.has(name);
  }

  /**
   * @internal adds a node; native node types get shapes from the native shape rules. `exact`
   * (importMetaGraph) takes `name`, `control` and `device` as given instead of from the scopes.
   */
  addOp(type: string, inputs: Tensor[], attrs: Attrs, opts: AddOpOptions = {}): Operation {
    const context = opts.context !== undefined ? opts.context : this.contextStack[this.contextStack.length - 1] ?? null;
    inputs = inputs.map((t, i) => this.capture(t, type, i, context));
    const exact = opts.exact;
    if (exact && this.used.has(exact.name)) {
      throw new Error(`addOp: the name '${exact.name}' is already used in this graph`);
    }
    const name = exact
      ? this.uniqueName(exact.name, false)
      : opts.reserved && opts.name !== undefined
        ? opts.name
        : this.uniqueName(opts.name ?? type, !opts.fullName);
    let metas = opts.outputs;
    if (!metas) {
      try {
        metas = native.inferShapes(type, inputs.map((t) => ({ dtype: t.dtype, shape: t.shape })), attrs);
      } catch (e) {
        throw new Error(`${(e as Error).message} [node '${name}']`);
      }
    }
    let control = exact ? exact.control : this.controlStack.flat();
    const outerControl = context ? control.filter((c) => !context.owns(c)) : [];
    if (context) control = control.filter((c) => context.owns(c));
    else for (const c of control) checkTopLevel(c, type);
    const scoped = this.deviceStack.length ? this.deviceStack[this.deviceStack.length - 1] : null;
    const device = exact ? exact.device : scoped;
    const op = new Operation(this, this.operations.length, name, type, inputs, attrs, control, device, opts.extra ?? {});
    metas.forEach((m, i) => op.outputs.push(new Tensor(m.dtype, m.shape as Shape, { op, index: i })));
    op.context = context;
    context?.adopt(op, outerControl);
    this.operations.push(op);
    this.byName.set(name, op);
    return op;
  }

  /** @internal gives `op`, built since buildNamed reserved `name`, that name instead of its own. */
  renameFresh(op: Operation, name: string): void {
    this.byName.delete(op.name);
    (op as { name: string }).name = name;
    this.byName.set(name, op);
  }

  /**
   * Inputs must belong to this graph; concrete tensors become constants. Inside a tf.cond or
   * whileLoop function, outer tensors are captured; outside, a tensor built inside one is refused.
   */
  private capture(t: Tensor, type: string, i: number, context: BuildContext | null): Tensor {
    if (!t.isSymbolic) return graphConstant(this, t);
    const g = (t.op as Operation).graph;
    if (g !== this) throw new Error(`${type}: input ${i} (${t.name}) belongs to a different graph`);
    if (context) return context.capture(t);
    checkTopLevel(t, type);
    return t;
  }

  /** The operations in the order they were added (a copy, as TF's get_operations()). */
  getOperations(): Operation[] {
    return [...this.operations];
  }

  getOperationByName(name: string): Operation {
    const op = this.byName.get(name);
    if (!op) throw new Error(`getOperationByName: no operation named '${name}' in the graph`);
    return op;
  }

  /** 'scope/name:0' → the tensor. */
  getTensorByName(name: string): Tensor {
    const m = /^(.*):(\d+)$/.exec(name);
    if (!m) throw new Error(`getTensorByName: '${name}' is not a tensor name (expected 'op_name:index')`);
    const op = this.getOperationByName(m[1]);
    const t = op.outputs[Number(m[2])];
    if (!t) throw new Error(`getTensorByName: operation '${m[1]}' has ${op.outputs.length} output(s), no index ${m[2]}`);
    return t;
  }

  addToCollection(key: string, value: unknown): void {
    const list = this.collections.get(key) ?? [];
    list.push(value);
    this.collections.set(key, list);
  }
  getCollection<T = unknown>(key: string): T[] {
    return [...((this.collections.get(key) ?? []) as T[])];
  }
  /** The names of the graph's non-empty collections, in creation order. */
  getAllCollectionKeys(): string[] {
    return [...this.collections.keys()].filter((k) => this.collections.get(k)!.length > 0);
  }
  /** @internal */
  clearCollection(key: string): void {
    this.collections.delete(key);
  }

  /**
   * Runs fn with this graph as the default graph (TF's `with g.as_default():`); an async fn
   * keeps it across its awaits.
   */
  asDefault<T>(fn: () => T): T {
    return defaultGraphScope.run(this, fn);
  }
}

/** Throws if `t` was built inside a tf.cond / whileLoop function (used by `type` outside it). */
function checkTopLevel(t: Tensor | Operation, type: string): void {
  const inner = (t instanceof Operation ? t : (t.op as Operation)).context;
  if (inner) {
    throw new Error(`${type}: ${t.name} was built inside ${inner.description} and cannot be used outside it; ` +
      'use the outputs of the cond or loop instead');
  }
}

/**
 * fn outside every tf.cond / whileLoop function being built: what it creates belongs to the
 * graph itself (variables and their initializers, as TF's init_scope lifts them).
 */
export function outsideControlFlow<T>(fn: () => T): T {
  if (executingEagerly()) return fn();
  const g = getDefaultGraph();
  const saved = g.contextStack;
  g.contextStack = [];
  try {
    return fn();
  } finally {
    g.contextStack = saved;
  }
}

// ---------------------------------------------------------------- default graph and scopes

let globalGraph = new Graph();
// The graph of the innermost asDefault(), followed through async continuations.
const defaultGraphScope = new AsyncLocalStorage<Graph>();

export function getDefaultGraph(): Graph {
  return defaultGraphScope.getStore() ?? globalGraph;
}

/** A fresh, empty default graph (TF's tf.reset_default_graph()). */
export function resetDefaultGraph(): void {
  if (defaultGraphScope.getStore()) throw new Error('resetDefaultGraph: not allowed inside graph.asDefault()');
  globalGraph = new Graph();
}

/**
 * Names ops created by fn "name/…" (TF's `with tf.name_scope(name):`). As in TF, the scope's
 * name is unique in the graph: opening 'layer' again gives 'layer_1/…'. A name ending in '/'
 * re-enters that exact scope (absolute, as TF's `name_scope('layer/')`), and '' the top level.
 * Eagerly, just fn().
 */
export function nameScope<T>(name: string, fn: () => T): T {
  if (executingEagerly()) return fn();
  if (typeof name !== 'string' || /[:\s]/.test(name) || name.startsWith('/')) {
    throw new Error(`nameScope: bad scope name ${JSON.stringify(name)}`);
  }
  const g = getDefaultGraph();
  const saved = g.nameStack;
  g.nameStack = name.endsWith('/') ? name.slice(0, -1).split('/') : name === '' ? [] : g.uniqueName(name).split('/');
  try {
    return fn();
  } finally {
    g.nameStack = saved;
  }
}

/**
 * fn with no control dependencies, outside tf.cond / whileLoop functions and, for `clearNames`,
 * outside every name scope (TF's init_scope): for state created on the side of the graph being built, such as optimizer slots,
 * moving-average shadows and Keras' top-level nodes. Eagerly, just fn().
 */
export function initScope<T>(fn: () => T, clearNames = false): T {
  if (executingEagerly()) return fn();
  const g = getDefaultGraph();
  const [ctl, names] = [g.controlStack, g.nameStack];
  g.controlStack = [];
  if (clearNames) g.nameStack = [];
  try {
    return outsideControlFlow(fn);
  } finally {
    g.controlStack = ctl;
    g.nameStack = names;
  }
}

/** Ops created by fn run after `deps` (TF's tf.control_dependencies). */
export function controlDependencies<T>(deps: (Tensor | Operation)[], fn: () => T): T {
  const g = getDefaultGraph();
  g.controlStack.push(deps.map((d) => (d instanceof Operation ? d : (d.op as Operation))).filter(Boolean));
  try {
    return fn();
  } finally {
    g.controlStack.pop();
  }
}

/**
 * Places ops created by fn on a device ('cpu' | 'cuda:0'): recorded on each graph node, and
 * used by eager ops called inside fn. Without it ops go to cuda:0 when a GPU is present.
 */
export function device<T>(name: string, fn: () => T): T {
  if (!/^(cpu|cuda:\d+|\/?(device:)?(CPU|GPU):\d+)$/i.test(name)) {
    throw new Error(`device: unknown device '${name}' (expected 'cpu' or 'cuda:0')`);
  }
  const g = getDefaultGraph();
  g.deviceStack.push(name);
  pushEagerDevice(name);
  try {
    return fn();
  } finally {
    g.deviceStack.pop();
    popEagerDevice();
  }
}

/** A graph constant holding a host value. */
export function graphConstant(g: Graph, value: Tensor, name?: string): Tensor {
  return g.addOp('const', [], {}, {
    name: name ?? 'Const',
    extra: { value },
    outputs: [{ dtype: value.dtype, shape: value.shape }],
  }).outputs[0];
}

// ---------------------------------------------------------------- placeholders

/**
 * A value fed at run time. `null` marks a dimension unknown until then.
 *
 *   const x = tf.placeholder('float32', [null, 784], 'x');
 */
export function placeholder(dtype: DType, shape: (number | null)[], name?: string): Tensor {
  if (!Array.isArray(shape)) {
    throw new Error(`placeholder: shape is required ([] for a scalar, null for unknown dimensions as in [null, 784])`);
  }
  for (const d of shape) {
    if (d !== null && (!Number.isInteger(d) || d < 0)) throw new Error(`placeholder: bad shape ${shapeString(shape)}`);
  }
  const meta = { dtype, shape };
  native.inferShapes('identity', [meta], {}); // validates the dtype name natively
  return getDefaultGraph().addOp('placeholder', [], {}, { name: name ?? 'Placeholder', outputs: [meta] }).outputs[0];
}

/** Like identity(input), unless a value is fed for it. */
export function placeholderWithDefault(input: Tensor, shape: (number | null)[], name?: string): Tensor {
  const g = getDefaultGraph();
  const meta = { dtype: input.dtype, shape };
  return g.addOp('placeholder_with_default', [input], {}, { name: name ?? 'PlaceholderWithDefault', outputs: [meta] }).outputs[0];
}

// ---------------------------------------------------------------- wiring

/** Set by session.ts: runs an op or evaluates a tensor in the default session. */
let defaultSessionRunner: ((target: Tensor | Operation, feeds: unknown) => unknown) | null = null;
/** @internal */
export function setDefaultSessionRunner(fn: typeof defaultSessionRunner): void {
  defaultSessionRunner = fn;
}
export function runInDefaultSession(target: Tensor | Operation, feeds: unknown): unknown {
  if (!defaultSessionRunner) throw new Error('no default session: create a tf.InteractiveSession first');
  return defaultSessionRunner(target, feeds);
}

setEvalHook((t, feeds) => runInDefaultSession(t, feeds) as Tensor);

setGraphBuilder(
  (type, inputs, attrs) => getDefaultGraph().addOp(type, inputs, attrs).outputs,
  (value, name) => graphConstant(getDefaultGraph(), value, name),
);

/**
 * TF's `name=` (engine.named): reserves `name` under the current scope (unique-ified: a second
 * 'sum' is 'sum_1'), builds the ops of `build` under that scope, then gives the reserved name to
 * the op that produced the result, if `build` created it; otherwise (the result is an input
 * passed through, or comes from several ops) a single tensor gets an identity node of that name
 * and several keep their scoped names, as TF's composite ops do ('m/mean', 'm/variance').
 */
function buildNamed<T>(name: string, build: () => T): T {
  const g = getDefaultGraph();
  const [full, release] = g.reserveName(name);
  const firstNew = g.operations.length;
  const saved = g.nameStack;
  g.nameStack = full.split('/');
  let result: T;
  try {
    result = build();
  } catch (e) {
    release();
    throw e;
  } finally {
    g.nameStack = saved;
  }
  const tensors = (Array.isArray(result) ? result : [result]) as unknown[];
  const ops = new Set(tensors.map((t) => (t instanceof Tensor ? t.op : undefined)));
  const [op] = ops;
  if (ops.size === 1 && op instanceof Operation && op.graph === g && op.id >= firstNew) {
    g.renameFresh(op, full);
  } else if (!Array.isArray(result) && result instanceof Tensor && result.isSymbolic) {
    return g.addOp('identity', [result], {}, { name: full, reserved: true }).outputs[0] as T;
  }
  return result;
}
setNamer(buildNamed);

/** The default graph's collection `key` (TF's tf.get_collection), e.g. GraphKeys.UPDATE_OPS. */
export function getCollection<T = unknown>(key: string): T[] {
  return getDefaultGraph().getCollection<T>(key);
}

/** Adds `value` to the default graph's collection `key` (TF's tf.add_to_collection). */
export function addToCollection(key: string, value: unknown): void {
  getDefaultGraph().addToCollection(key, value);
}
