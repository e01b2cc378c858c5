/**
 * Session: runs graph fetches. Each distinct (fetches, feeds) signature is compiled once into a
 * native plan and cached; a run is one native call, off the JavaScript thread for `run`
 * (`runSync` blocks). Variables live in the Session's native store.
 */
import type { DType, Shape } from '../dtype.js';
import { shapeString, shapeSize } from '../dtype.js';
import { dispose, track } from '../engine.js';
import type { TensorLike } from '../convert.js';
import { hostTensor } from '../convert.js';
import type { NativeHandle } from '../native.js';
import { native } from '../native.js';
import { Tensor } from '../tensor.js';
import type { Graph } from './graph.js';
import { getDefaultGraph, Operation, setDefaultSessionRunner } from './graph.js';
import { compilePlan } from './plan.js';
import type { DatasetIterator } from '../data/iterator.js';
import { iteratorFeeds, iteratorsNeeded } from '../data/iterator.js';
import type { GpuOptions } from '../cuda.js';
import { applyGpuOptions } from '../cuda.js';

export type Fetch = Tensor | Operation | string;
export type Fetches = Fetch | Fetch[] | { [key: string]: Fetch | Fetches } | Fetches[];
export type FeedValue = TensorLike | Tensor;
export type Feeds = Map<Tensor | string, FeedValue> | Record<string, FeedValue>;


interface CompiledPlan {
  native: object;
  logged: boolean;
}

/** TF 1.x ConfigProto, the fields nodeflow honours. */
export interface SessionConfig {
  /** An op asked onto cuda:0 that has no CUDA kernel runs on the CPU (default true). */
  allowSoftPlacement?: boolean;
  /** Prints where each node ran, after the first run of each fetch signature. */
  logDevicePlacement?: boolean;
  gpuOptions?: GpuOptions;
  /** `{ GPU: 0 }`: nodes without tf.device run on the CPU even when a GPU is present. */
  deviceCount?: { GPU?: number; CPU?: number };
}

export interface SessionOptions {
  graph?: Graph;
  config?: SessionConfig;
}

const CONFIG_KEYS = ['allowSoftPlacement', 'logDevicePlacement', 'gpuOptions', 'deviceCount'];

function checkConfig(c: SessionConfig): void {
  if (typeof c !== 'object' || c === null) {
    throw new Error('Session: config must be an object');
  }
  for (const k of Object.keys(c)) {
    if (!CONFIG_KEYS.includes(k)) {
      throw new Error(`Session: unknown config field '${k}' (${CONFIG_KEYS.join(', ')})`);
    }
  }
  for (const k of ['allowSoftPlacement', 'logDevicePlacement'] as const) {
    if (c[k] !== undefined && typeof c[k] !== 'boolean') {
      throw new Error(`Session: config.${k} must be a boolean`);
    }
  }
  const gpus = c.deviceCount?.GPU;
  if (gpus !== undefined && !(Number.isInteger(gpus) && gpus >= 0)) {
    throw new Error(
      `Session: config.deviceCount.GPU must be a non-negative integer, got ${String(gpus)}`);
  }
}

export class Session {
  readonly graph: Graph;
  private store: object | null;
  private readonly plans = new Map<string, CompiledPlan>();
  /** Per (fetches, feeds): the dataset iterators whose getNext the run needs (tf.data). */
  private readonly iteratorsByFetches = new Map<string, DatasetIterator[]>();

  private readonly logPlacement: boolean;

  /**
   *   const sess = new tf.Session({ config: { logDevicePlacement: true,
   *                                           gpuOptions: { memoryLimitMb: 4096 } } });
   */
  constructor(opts: SessionOptions = {}) {
    const config = opts.config ?? {};
    checkConfig(config);
    applyGpuOptions(config.gpuOptions);
    this.graph = opts.graph ?? getDefaultGraph();
    this.logPlacement = config.logDevicePlacement ?? false;
    this.store = native.createStore({
      allowSoftPlacement: config.allowSoftPlacement ?? true,
      ...(config.deviceCount?.GPU === 0 ? { preferCuda: false } : {}),
    });
  }

  /**
   * Runs the graph for `fetches`, returning host tensors in the same structure (null for ops).
   *
   *   const [l, _] = await sess.run([loss, train], { x: xs, y: ys });
   */
  run(fetches: Tensor | string, feeds?: Feeds): Promise<Tensor>;
  run(fetches: Operation, feeds?: Feeds): Promise<null>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run(fetches: Fetches, feeds?: Feeds): Promise<any>;
  async run(fetches: Fetches, feeds?: Feeds): Promise<unknown> {
    const converted: Tensor[] = [];
    try {
      const { plan, feedHandles, rebuild } = this.prepare(fetches, feeds, converted);
      const out = await native.runPlanAsync(plan.native, this.liveStore(), feedHandles);
      this.maybeLogPlacement(plan);
      return rebuild(out);
    } finally {
      dispose(converted);
    }
  }

  /** Like run, but blocks the JavaScript thread. */
  runSync(fetches: Tensor | string, feeds?: Feeds): Tensor;
  runSync(fetches: Operation, feeds?: Feeds): null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  runSync(fetches: Fetches, feeds?: Feeds): any;
  runSync(fetches: Fetches, feeds?: Feeds): unknown {
    const converted: Tensor[] = [];
    try {
      const { plan, feedHandles, rebuild } = this.prepare(fetches, feeds, converted);
      const out = native.runPlan(plan.native, this.liveStore(), feedHandles);
      this.maybeLogPlacement(plan);
      return rebuild(out);
    } finally {
      dispose(converted);
    }
  }

  /** logDevicePlacement: "node: (op): device" per step, once per compiled plan (to stderr). */
  private maybeLogPlacement(plan: CompiledPlan): void {
    if (!this.logPlacement || plan.logged) return;
    plan.logged = true;
    for (const r of native.planPlacement(plan.native)) {
      console.error(`${r.node}: (${r.op}): ${r.device}`);
    }
  }

  /** Releases the variables; the session cannot run afterwards. */
  close(): void {
    if (this.store) native.storeClear(this.store);
    this.store = null;
    this.plans.clear();
  }

  /** @internal the value of a variable in this session (a copy), or null if uninitialized. */
  variableValue(varId: number): Tensor | null {
    const h = native.storeGet(this.liveStore(), varId);
    return h ? track(Tensor.fromHandle(h)) : null;
  }
  /** @internal sets a variable's value (checkpoint restore). */
  setVariableValue(varId: number, value: Tensor): void {
    native.storeSet(this.liveStore(), varId, value.nativeHandle('setVariableValue'));
  }

  /**
   * @internal How many runs of this session drew random numbers: the stream position of its
   * random ops (dropout, randomNormal…). Checkpoints save it and restore sets it, so a resumed
   * session draws exactly what an uninterrupted one would have.
   */
  get randomCounter(): number {
    return native.storeGetCounter(this.liveStore());
  }
  /** @internal */
  set randomCounter(value: number) {
    native.storeSetCounter(this.liveStore(), value);
  }

  private liveStore(): object {
    if (!this.store) throw new Error('Session: attempted to use a closed Session');
    return this.store;
  }

  /**
   * The plan for these fetches and feeds, the feeds' handles, and how to rebuild the fetch
   * structure from the outputs. Feeds given as arrays become host tensors that only this run
   * uses; they are pushed onto `converted`, which the caller disposes when the run ends (a value
   * fetched from a feed keeps its own reference to the storage), so a training loop's feeds go
   * back to the allocator's cache at once, not at the next GC.
   */
  private prepare(fetches: Fetches, feeds: Feeds | undefined, converted: Tensor[]) {
    const flat: Fetch[] = [];
    const shape = flatten(fetches, flat);
    const resolved = flat.map((f) => this.resolveFetch(f));
    const tensors = resolved.filter((x): x is Tensor => x instanceof Tensor);
    const targets = resolved.filter((x): x is Operation => x instanceof Operation);
    const feedPairs = this.resolveFeeds(feeds, converted);
    // Dataset iterators (tf.data) feed their getNext placeholders: one element per run.
    const fed = new Set(feedPairs.map(([t]) => t.id));
    const fetchKey = `${tensors.map((t) => t.id).join(',')}|${targets.map((o) => o.id).join(',')}|${[...fed].sort((a, b) => a - b).join(',')}`;
    const needed = () => {
      let its = this.iteratorsByFetches.get(fetchKey);
      if (!its) this.iteratorsByFetches.set(fetchKey, (its = iteratorsNeeded(tensors, targets, fed)));
      return its;
    };
    for (const [p, value] of iteratorFeeds(targets, fed, needed, converted)) feedPairs.push([p, feedHandle(p, value, converted)]);
    feedPairs.sort((a, b) => a[0].id - b[0].id);
    const key = `${tensors.map((t) => t.id).join(',')}|${targets.map((o) => o.id).join(',')}|${feedPairs.map(([t]) => t.id).join(',')}`;
    let plan = this.plans.get(key);
    if (!plan) {
      const spec = compilePlan(tensors, targets, feedPairs.map(([t]) => t));
      plan = { native: native.createPlan(spec), logged: false };
      this.plans.set(key, plan);
    }
    const feedHandles = feedPairs.map(([, h]) => h);
    const rebuild = (handles: NativeHandle[]) => {
      let k = 0;
      const values = resolved.map((r) => (r instanceof Tensor ? track(Tensor.fromHandle(handles[k++])) : null));
      return unflatten(shape, values);
    };
    return { plan, feedHandles, rebuild };
  }

  private resolveFetch(f: Fetch): Tensor | Operation {
    if (typeof f === 'string') {
      return f.includes(':') ? this.graph.getTensorByName(f) : this.graph.getOperationByName(f);
    }
    if (f instanceof Operation) {
      if (f.graph !== this.graph) throw new Error(`Session.run: fetch ${f.name} is not an element of this graph`);
      return f;
    }
    if (f instanceof Tensor) {
      if (!f.isSymbolic) throw new Error(`Session.run: fetch ${f.name} is a concrete tensor, not a graph element`);
      if ((f.op as Operation).graph !== this.graph) throw new Error(`Session.run: fetch ${f.name} is not an element of this graph`);
      return f;
    }
    throw new Error(`Session.run: cannot fetch ${f === null ? 'null' : typeof f} (expected a Tensor, an Operation or a name)`);
  }

  /** Feed pairs; tensors converted from array values are pushed onto `converted`. */
  private resolveFeeds(feeds: Feeds | undefined, converted: Tensor[]): [Tensor, NativeHandle][] {
    if (!feeds) return [];
    const entries: [Tensor | string, FeedValue][] = feeds instanceof Map ? [...feeds.entries()] : Object.entries(feeds);
    return entries.map(([k, v]) => {
      const t = typeof k === 'string' ? this.graph.getTensorByName(k.includes(':') ? k : `${k}:0`) : k;
      if (!(t instanceof Tensor) || !t.isSymbolic || (t.op as Operation).graph !== this.graph) {
        throw new Error(`Session.run: feed key ${String(k)} is not a tensor of this graph`);
      }
      return [t, feedHandle(t, v, converted)];
    });
  }
}

/**
 * Converts a feed value to a host tensor of the placeholder's dtype, checking its shape. A tensor
 * made here from an array value is pushed onto `converted` (the caller disposes it).
 */
function feedHandle(t: Tensor, v: FeedValue, converted: Tensor[]): NativeHandle {
  const what = `feed for '${t.name}'`;
  let value: Tensor;
  if (v instanceof Tensor) {
    value = v;
  } else {
    const shape = ArrayBuffer.isView(v) ? completeShape(t.shape, (v as unknown as ArrayLike<number>).length, what) : undefined;
    value = hostTensor(v as TensorLike, t.dtype, shape, what);
    converted.push(value);
  }
  if (value.dtype !== t.dtype) {
    throw new Error(`Session.run: cannot feed ${value.dtype} ${shapeString(value.shape)} to '${t.name}' of dtype ${t.dtype}`);
  }
  const ok = value.shape.length === t.shape.length && value.shape.every((d, i) => t.shape[i] === null || t.shape[i] === d);
  if (!ok) {
    throw new Error(`Session.run: cannot feed value of shape ${shapeString(value.shape)} for tensor '${t.name}', which has shape ${shapeString(t.shape)}`);
  }
  return value.nativeHandle(what);
}

/** A TypedArray fills the placeholder's shape; at most one unknown dim is solved from its length. */
function completeShape(shape: (number | null)[], length: number, what: string): Shape {
  const unknown = shape.filter((d) => d === null).length;
  const known = shapeSize(shape.map((d) => d ?? 1));
  if (unknown > 1) throw new Error(`${what}: a TypedArray cannot fill shape ${shapeString(shape)} (several unknown dims); feed a Tensor`);
  if (unknown === 1) {
    if (known === 0 || length % known !== 0) throw new Error(`${what}: ${length} values cannot fill shape ${shapeString(shape)}`);
    return shape.map((d) => d ?? length / known);
  }
  return shape as Shape;
}

// ---------------------------------------------------------------- fetch structures

type Structure = { kind: 'leaf' } | { kind: 'array'; items: Structure[] } | { kind: 'object'; keys: string[]; items: Structure[] };

function flatten(f: Fetches, out: Fetch[]): Structure {
  if (Array.isArray(f)) return { kind: 'array', items: f.map((x) => flatten(x as Fetches, out)) };
  if (f instanceof Tensor || f instanceof Operation || typeof f === 'string') {
    out.push(f);
    return { kind: 'leaf' };
  }
  if (f && typeof f === 'object') {
    const keys = Object.keys(f);
    return { kind: 'object', keys, items: keys.map((k) => flatten((f as Record<string, Fetches>)[k], out)) };
  }
  out.push(f as never);
  return { kind: 'leaf' };
}

function unflatten(s: Structure, values: (Tensor | null)[], at = { i: 0 }): unknown {
  if (s.kind === 'leaf') return values[at.i++];
  if (s.kind === 'array') return s.items.map((x) => unflatten(x, values, at));
  const o: Record<string, unknown> = {};
  s.keys.forEach((k, j) => (o[k] = unflatten(s.items[j], values, at)));
  return o;
}


// ---------------------------------------------------------------- InteractiveSession

let defaultSession: Session | null = null;

/** A Session that installs itself as the default, for t.eval() and op.run(). */
export class InteractiveSession extends Session {
  constructor(opts: SessionOptions = {}) {
    super(opts);
    defaultSession = this;
  }
  override close(): void {
    super.close();
    if (defaultSession === this) defaultSession = null;
  }
}

setDefaultSessionRunner((target, feeds) => {
  if (!defaultSession) throw new Error('no default session: create a tf.InteractiveSession first');
  return defaultSession.runSync(target, feeds as Feeds);
});

export type { DType };
