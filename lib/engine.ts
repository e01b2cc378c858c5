/**
 * The engine: where an op call goes. In eager mode `runOp` calls the native kernel now and
 * records the call on active gradient tapes; in graph mode (TF 1.x default) it adds a node to the
 * default graph. Also: tidy() scopes (sync or async), keep(), memory().
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Attrs } from './native.js';
import { native } from './native.js';
import { liveTensors, setTrackHook, Tensor } from './tensor.js';

// ---------------------------------------------------------------- execution mode

let eager = false;
/** Builds graph nodes; installed by graph/graph.ts so the engine does not import the graph. */
let graphBuilder: ((type: string, inputs: Tensor[], attrs: Attrs) => Tensor[]) | null = null;

/** TF 1.x: switch to eager execution (ops run at once and return concrete tensors). */
export function enableEagerExecution(): void {
  eager = true;
}
/** Back to graph mode: ops add nodes to the default graph (the default, as in TF 1.x). */
export function disableEagerExecution(): void {
  eager = false;
}
export function executingEagerly(): boolean {
  return eager;
}
/** @internal fn run in eager mode whatever the current mode (tf.data's map functions). */
export function eagerly<T>(fn: () => T): T {
  const was = eager;
  eager = true;
  try {
    return fn();
  } finally {
    eager = was;
  }
}
/** Makes graph-mode constants; installed by graph/graph.ts. */
let constantBuilder: ((value: Tensor, name?: string) => Tensor) | null = null;

/** @internal */
export function setGraphBuilder(fn: typeof graphBuilder, constFn: typeof constantBuilder): void {
  graphBuilder = fn;
  constantBuilder = constFn;
}

/** What op functions accept besides their TF keyword options: TF's `name=`. */
export interface NameOption {
  /** The node's name in graph mode (unique-ified under the current name scope, as in TF);
   * ignored when executing eagerly, as TF 2 ignores it. */
  name?: string;
}

/** Builds ops under a name (graph/graph.ts's buildNamed); installed by the graph. */
let namer: (<T>(name: string, build: () => T) => T) | null = null;

/** @internal */
export function setNamer(fn: typeof namer): void {
  namer = fn;
}

/** The op names TF accepts (its _VALID_OP_NAME_REGEX). */
const OP_NAME = /^[A-Za-z0-9.][A-Za-z0-9_.\-/]*$/;

/**
 * @internal TF's `name=` for the op function `op`: in graph mode the op that produces the
 * result of `build` is named `name`, and any helper ops it builds go under the scope `name/…`
 * (see buildNamed in graph/graph.ts). Without a name, or eagerly, just build().
 */
export function named<T>(op: string, name: string | undefined, build: () => T): T {
  if (name === undefined) return build();
  if (typeof name !== 'string' || !OP_NAME.test(name) || name.endsWith('/')) {
    throw new Error(
      `${op}: name must be a string of letters, digits and . _ - / not starting with _, - or / ` +
        `and not ending with /, got ${typeof name === 'string' ? `'${name}'` : typeof name}`,
    );
  }
  if (eager || !namer) return build();
  return namer(name, build);
}

/** @internal a host value as a tensor of the current mode: itself (eager) or a Const node. */
export function constantOf(value: Tensor, name?: string): Tensor {
  if (eager) return track(value);
  if (!constantBuilder) throw new Error('constant: graph mode is not available; call tf.enableEagerExecution()');
  return constantBuilder(value, name);
}

// ---------------------------------------------------------------- eager device scopes

const eagerDevices: string[] = [];
/** @internal tf.device in eager mode: ops called inside run on `name` ('cpu', 'cuda:0'). */
export function pushEagerDevice(name: string): void {
  eagerDevices.push(name);
}
/** @internal */
export function popEagerDevice(): void {
  eagerDevices.pop();
}

// ---------------------------------------------------------------- tapes

/** What a tape (or a graph) remembers of one op call, for backprop. */
export interface OpRecord {
  readonly type: string;
  readonly inputs: Tensor[];
  readonly outputs: Tensor[];
  readonly attrs: Attrs;
}

/** @internal implemented by GradientTape. */
export interface TapeSink {
  /** True if any input is watched (then the call is recorded). */
  wants(inputs: Tensor[]): boolean;
  record_(rec: OpRecord): void;
  /** True if the tape recorded t (its gradient functions will need it). */
  holds(t: Tensor): boolean;
}
const activeTapes: TapeSink[] = [];
/** @internal */
export function pushTape(t: TapeSink): void {
  activeTapes.push(t);
}
/** @internal */
export function popTape(t: TapeSink): void {
  const i = activeTapes.lastIndexOf(t);
  if (i >= 0) activeTapes.splice(i, 1);
}

// Open recordOps() calls: each gets every op run or built while it is open.
const recorders: OpRecord[][] = [];

/**
 * @internal fn's result and the records of every op it ran (eager) or built (graph), in order:
 * what autograd.compositeGradients backprops over. In graph mode a record is the node itself
 * (its inputs are the node's, with concrete values captured as constants).
 */
export function recordOps<T>(fn: () => T): [T, OpRecord[]] {
  const records: OpRecord[] = [];
  recorders.push(records);
  try {
    return [fn(), records];
  } finally {
    recorders.splice(recorders.lastIndexOf(records), 1);
  }
}

// ---------------------------------------------------------------- running ops

/**
 * Runs (eager) or records (graph) op `type`. `inputs` must all be concrete in eager mode; any
 * symbolic input, or graph mode, builds a node instead.
 */
export function runOp(type: string, inputs: Tensor[], attrs: Attrs = {}): Tensor[] {
  for (let i = 0; i < inputs.length; i++) {
    if (!(inputs[i] instanceof Tensor)) {
      throw new Error(`${type}: input ${i} is not a Tensor (got ${describe(inputs[i])})`);
    }
  }
  const symbolic = !eager || inputs.some((t) => t.isSymbolic);
  if (symbolic) {
    if (!graphBuilder) throw new Error(`${type}: graph mode is not available; call tf.enableEagerExecution()`);
    const built = graphBuilder(type, inputs, attrs);
    if (recorders.length && built.length) {
      const node = built[0].op!;
      for (const r of recorders) r.push({ type, inputs: node.inputs, outputs: built, attrs: node.attrs });
    }
    return built;
  }
  const handles = inputs.map((t, i) => t.nativeHandle(`${type}: input ${i}`));
  // Placed natively: on CUDA when a GPU is present and the op has a kernel, unless tf.device says.
  const device = eagerDevices.length ? eagerDevices[eagerDevices.length - 1] : undefined;
  const outputs = native.runOp(type, handles, attrs, device)
    .map((h) => track(Tensor.fromHandle(h)));
  for (const tape of activeTapes) {
    if (tape.wants(inputs)) tape.record_({ type, inputs, outputs, attrs });
  }
  for (const r of recorders) r.push({ type, inputs, outputs, attrs });
  return outputs;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? (x as object).constructor?.name ?? 'object' : typeof x;
}

// ---------------------------------------------------------------- tidy / keep

interface Scope {
  tensors: Set<Tensor>;
  parent: Scope | undefined;
}
const scopes = new AsyncLocalStorage<Scope>();
const kept = new WeakSet<Tensor>();

/** @internal registers a new concrete tensor with the current tidy scope. */
export function track(t: Tensor): Tensor {
  scopes.getStore()?.tensors.add(t);
  return t;
}

setTrackHook(track);

/** Keeps `t` alive past every enclosing tidy(). */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t);
  return t;
}

/**
 * Runs fn and disposes every tensor it created, except those it returns (in an array, object
 * or Map) or keep()s. Works with async functions: disposal waits for the promise.
 *
 *   const y = tf.tidy(() => tf.relu(tf.matmul(x, w)));
 */
export function tidy<T>(fn: () => T): T {
  const scope: Scope = { tensors: new Set(), parent: scopes.getStore() };
  const result = scopes.run(scope, fn);
  if (result instanceof Promise) {
    return result.then(
      (v) => {
        finishScope(scope, v);
        return v;
      },
      (e) => {
        finishScope(scope, undefined);
        throw e;
      },
    ) as T;
  }
  finishScope(scope, result);
  return result;
}

function finishScope(scope: Scope, result: unknown): void {
  const returned = new Set<Tensor>();
  collectTensors(result, returned, new Set());
  for (const t of scope.tensors) {
    // Tensors a recording tape saved survive (moved to the parent scope): backprop needs them.
    if (returned.has(t) || kept.has(t) || activeTapes.some((tape) => tape.holds(t))) {
      scope.parent?.tensors.add(t);
    } else {
      t.dispose();
    }
  }
}

function collectTensors(x: unknown, out: Set<Tensor>, seen: Set<unknown>): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (x instanceof Tensor) {
    out.add(x);
  } else if (x instanceof Map) {
    for (const v of x.values()) collectTensors(v, out, seen);
  } else if (Array.isArray(x)) {
    for (const v of x) collectTensors(v, out, seen);
  } else if (Object.getPrototypeOf(x) === Object.prototype) {
    for (const v of Object.values(x)) collectTensors(v, out, seen);
  }
}

/** Disposes a tensor, or every tensor in an array / object / Map. */
export function dispose(x: unknown): void {
  const all = new Set<Tensor>();
  collectTensors(x, all, new Set());
  for (const t of all) t.dispose();
}

// ---------------------------------------------------------------- memory

export interface MemoryInfo {
  /** Concrete tensors alive in JavaScript (not yet disposed or collected). */
  numTensors: number;
  /** Bytes of native storage alive (views share storage, so each allocation counts once). */
  numBytes: number;
  /** Native allocations alive. */
  numStorages: number;
  /**
   * numBytesInCache: freed host blocks kept for reuse (not counted in numBytes).
   * numSystemAllocations: host blocks taken from the system since the process started; a
   * training loop in its steady state reuses cached blocks, so this stops growing.
   */
  cpu: { numBytes: number; numStorages: number; numBytesInCache: number; numSystemAllocations: number };
  cuda: { numBytes: number; numStorages: number };
}

export function memory(): MemoryInfo {
  const m = native.memory();
  return {
    numTensors: liveTensors.count,
    numBytes: m.cpu.numBytes + m.cuda.numBytes,
    numStorages: m.cpu.numStorages + m.cuda.numStorages,
    cpu: { ...m.cpu },
    cuda: { ...m.cuda },
  };
}
