/**
 * Tensor: either concrete (eager mode, or a value fetched from a Session: it owns a native
 * handle) or symbolic (a graph-mode output of an Operation, with a static shape that may hold
 * `null`). Both kinds go through the same op functions.
 */
import type { DType, Shape, TypedArray } from './dtype.js';
import { shapeString, shapeSize } from './dtype.js';
import type { Attrs, NativeHandle } from './native.js';
import { native } from './native.js';

/** The graph node that produced a symbolic tensor (the full class lives in graph/). */
export interface OpNode {
  readonly name: string;
  readonly type: string;
  readonly inputs: Tensor[];
  readonly outputs: Tensor[];
  readonly attrs: Attrs;
  /** The device the node was placed on with tf.device (null: automatic). */
  readonly device?: string | null;
}

let nextTensorId = 1;

// Installed by graph/graph.ts: evaluates a graph tensor in the default session.
let evalHook: ((t: Tensor, feeds: unknown) => Tensor) | null = null;
/** @internal */
export function setEvalHook(fn: typeof evalHook): void {
  evalHook = fn;
}

// Installed by engine.ts: registers a new tensor with the current tidy scope.
let trackHook: (t: Tensor) => Tensor = (t) => t;
/** @internal */
export function setTrackHook(fn: typeof trackHook): void {
  trackHook = fn;
}

/** Live concrete tensors, for tf.memory().numTensors. */
export const liveTensors = { count: 0 };
const collected = new FinalizationRegistry<void>(() => {
  liveTensors.count--;
});

export class Tensor {
  /** Unique per process; gradients and tapes key on it. */
  readonly id = nextTensorId++;
  /** @internal native handle; null for symbolic tensors and after dispose(). */
  handle: NativeHandle | null;
  /** @internal producing graph node, for symbolic tensors. */
  readonly op: OpNode | null;
  /** @internal index among op.outputs. */
  readonly valueIndex: number;
  /** True for trainable variables; GradientTape watches those automatically. */
  trainable = false;
  private disposedFlag = false;

  /** @internal use tf.constant / ops to create tensors. */
  constructor(
    readonly dtype: DType,
    readonly shape: Shape,
    source: { handle: NativeHandle } | { op: OpNode; index: number },
  ) {
    if ('handle' in source) {
      this.handle = source.handle;
      this.op = null;
      this.valueIndex = 0;
      liveTensors.count++;
      collected.register(this, undefined, this);
    } else {
      this.handle = null;
      this.op = source.op;
      this.valueIndex = source.index;
    }
  }

  /** Wraps a native handle as a concrete tensor. */
  static fromHandle(h: NativeHandle): Tensor {
    return new Tensor(h.dtype, h.shape, { handle: h });
  }

  get rank(): number {
    return this.shape.length;
  }
  get size(): number {
    return shapeSize(this.shape);
  }
  /** True for graph-mode tensors, which have a value only inside Session.run. */
  get isSymbolic(): boolean {
    return this.op !== null;
  }
  get isDisposed(): boolean {
    return this.disposedFlag;
  }
  /**
   * Where the value lives: 'cpu' or 'cuda:0'. Graph tensors: the device their node asked for
   * with tf.device ('' when placement is automatic).
   */
  get device(): string {
    if (this.handle) return this.handle.device;
    return this.op ? this.op.device ?? '' : 'cpu';
  }

  /**
   * This tensor's value on `device` ('cpu' or 'cuda:0'): a copy on another device, or a tensor
   * sharing this one's storage when it is there already.
   *
   *   const g = tf.constant([1, 2]).to('cuda:0');
   */
  to(device: string): Tensor {
    const h = native.toDevice(this.nativeHandle('to'), device);
    return trackHook(Tensor.fromHandle(h));
  }

  /** Graph name "node:index" for symbolic tensors. */
  get name(): string {
    return this.op ? `${this.op.name}:${this.valueIndex}` : `eager_${this.id}`;
  }

  /** @internal the handle, or an Error saying why there is none. */
  nativeHandle(what = 'tensor'): NativeHandle {
    if (this.handle) return this.handle;
    if (this.disposedFlag) throw new Error(`${what}: tensor ${this.name} ${shapeString(this.shape)} was disposed`);
    throw new Error(
      `${what}: ${this.name} is a graph tensor with no value; run it with sess.run(...) ` +
        'or enable eager execution (tf.enableEagerExecution())',
    );
  }

  /** The values as a new TypedArray (bool as Uint8Array), row-major. */
  dataSync(): TypedArray {
    return native.toTypedArray(this.nativeHandle('dataSync'));
  }
  async data(): Promise<TypedArray> {
    return this.dataSync();
  }
  /** The values as nested JavaScript arrays (bool as booleans). */
  arraySync(): unknown {
    const flat = Array.from(this.dataSync() as ArrayLike<number>, (v) => (this.dtype === 'bool' ? v !== 0 : v));
    return nest(flat, this.shape, 0, 0).value;
  }
  async array(): Promise<unknown> {
    return this.arraySync();
  }
  /** The single value of a one-element tensor. */
  item(): number | boolean {
    if (this.size !== 1) throw new Error(`item: tensor has shape ${shapeString(this.shape)}, not one element`);
    const v = this.dataSync()[0];
    return this.dtype === 'bool' ? v !== 0 : v;
  }

  /**
   * Graph tensors: the value in the default tf.InteractiveSession (TF's t.eval()).
   * Concrete tensors: themselves.
   */
  eval(feeds?: unknown): Tensor {
    if (!this.op) return this;
    if (!evalHook) throw new Error('eval: no default session: create a tf.InteractiveSession first');
    return evalHook(this, feeds);
  }

  /** Frees the native memory now (also done by tf.tidy and, eventually, the GC). */
  dispose(): void {
    if (this.disposedFlag || !this.handle) return;
    native.dispose(this.handle);
    this.handle = null;
    this.disposedFlag = true;
    liveTensors.count--;
    collected.unregister(this);
  }

  toString(): string {
    if (!this.handle) return `Tensor(${this.name}, shape=${shapeString(this.shape)}, dtype=${this.dtype})`;
    return `Tensor(${JSON.stringify(this.arraySync())}, shape=${shapeString(this.shape)}, dtype=${this.dtype})`;
  }
  print(): void {
    console.log(this.toString());
  }
}

function nest(flat: unknown[], shape: Shape, dim: number, offset: number): { value: unknown; next: number } {
  if (dim === shape.length) return { value: flat[offset], next: offset + 1 };
  const out: unknown[] = [];
  let at = offset;
  for (let i = 0; i < shape[dim]; i++) {
    const r = nest(flat, shape, dim + 1, at);
    out.push(r.value);
    at = r.next;
  }
  if (shape[dim] === 0) at = offset;
  return { value: out, next: at };
}
