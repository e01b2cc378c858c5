/**
 * tf.data.Dataset (TF 1.x), host side: a lazy pipeline of elements, each a tensor, an array or
 * a record of tensors, built from host tensors with fromTensorSlices and transformed by shuffle,
 * batch, repeat, take and skip. Iterate it directly (host tensors, e.g. to feed Session.run), or
 * make an iterator whose getNext() tensors the Session feeds itself, one element per run, as
 * TF 1.x does (lib/data/iterator.ts). Elements stay typed arrays inside the pipeline; tensors are
 * made only when an element leaves it.
 */
import type { HostArray, TensorLike } from '../convert.js';
import { hostArrayTensor, hostTensor } from '../convert.js';
import type { DType, TypedArray } from '../dtype.js';
import { isDType, shapeString, typedArrayFor } from '../dtype.js';
import { eagerly, tidy } from '../engine.js';
import { seededRandom } from '../host_random.js';
import { hostShuffleSeed } from '../ops/random.js';
import { Tensor } from '../tensor.js';
import { InitializableIterator, OneShotIterator } from './iterator.js';

/** What a component looks like to graph code: its dtype and shape (null where it varies). */
export interface PartSpec {
  dtype: DType;
  shape: (number | null)[];
}
/** An element's structure: one component, an array of them, or a record of them. */
export type Structure<T> = T | T[] | { [key: string]: T };

/** The components of s in a fixed order (array order, or the record's key order). */
export function leaves<T>(s: Structure<T>, isLeaf: (x: unknown) => x is T): T[] {
  if (isLeaf(s)) return [s];
  return Array.isArray(s) ? s : Object.values(s);
}
/** s with every component replaced by fn(component, index). */
export function mapStructure<A, B>(s: Structure<A>, isLeaf: (x: unknown) => x is A, fn: (a: A, i: number) => B): Structure<B> {
  if (isLeaf(s)) return fn(s, 0);
  if (Array.isArray(s)) return s.map(fn);
  return Object.fromEntries(Object.entries(s).map(([k, v], i) => [k, fn(v, i)]));
}
export const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;
export const isHostArray = (x: unknown): x is HostArray => typeof x === 'object' && x !== null && 'data' in x && 'dtype' in x;
export const isSpec = (x: unknown): x is PartSpec => typeof x === 'object' && x !== null && 'dtype' in x && 'shape' in x && !('data' in x);

type Source = () => Iterator<Structure<HostArray>>;

export class Dataset {
  private spec: Structure<PartSpec> | null = null;

  /** @internal `spec` may be a function: map's spec is known only once an element went through. */
  constructor(
    private readonly source: Source,
    private readonly specOf: Structure<PartSpec> | (() => Structure<PartSpec>),
  ) {}

  /** The structure, dtypes and shapes of the elements (shape null where it varies). */
  get elementSpec(): Structure<PartSpec> {
    return (this.spec ??= typeof this.specOf === 'function' ? this.specOf() : this.specOf);
  }

  /**
   * One element per row (dimension 0) of `tensors`: a host tensor, or an array or record of them
   * with the same number of rows (TF's from_tensor_slices).
   *
   *   const ds = tf.data.Dataset.fromTensorSlices({ x: data.train.images, y: data.train.labels });
   */
  static fromTensorSlices(tensors: Structure<Tensor>): Dataset {
    const list = leaves(tensors, isTensor);
    if (list.length === 0 || !(isTensor(tensors) || Array.isArray(tensors) || (typeof tensors === 'object' && tensors !== null))) {
      throw new Error('Dataset.fromTensorSlices: expected a tensor, or a non-empty array or record of tensors');
    }
    list.forEach((t, i) => {
      if (!isTensor(t)) throw new Error(`Dataset.fromTensorSlices: component ${i} is not a Tensor`);
      if (t.isSymbolic) throw new Error(`Dataset.fromTensorSlices: component ${i} (${t.name}) is a graph tensor; pass host values (e.g. data.train.images)`);
      if (t.shape.length === 0) throw new Error(`Dataset.fromTensorSlices: component ${i} is a scalar; it needs a dimension to slice`);
    });
    const rows = list[0].shape[0] as number;
    const bad = list.find((t) => t.shape[0] !== rows);
    if (bad) throw new Error(`Dataset.fromTensorSlices: every component needs ${rows} rows like the first, got ${shapeString(bad.shape)}`);
    const parts = list.map((t) => ({ data: t.dataSync() as TypedArray, rowShape: (t.shape as number[]).slice(1), dtype: t.dtype }));
    const spec = mapStructure(tensors, isTensor, (t): PartSpec => ({ dtype: t.dtype, shape: t.shape.slice(1) }));
    return new Dataset(function* () {
      for (let r = 0; r < rows; r++) {
        yield mapStructure(tensors, isTensor, (_, i): HostArray => {
          const p = parts[i];
          const per = p.rowShape.reduce((a, b) => a * b, 1);
          return { data: p.data.subarray(r * per, (r + 1) * per), shape: p.rowShape, dtype: p.dtype };
        });
      }
    }, spec);
  }

  /**
   * Elements from a generator function (TF's from_generator): `generator()` is called for each
   * pass and yields elements with `elementSpec`'s structure, each component a Tensor or a
   * JavaScript value (a number, nested arrays, a TypedArray), converted to the spec's dtype and
   * checked against its shape (null: any size). For data read lazily, e.g. from files.
   *
   *   const ds = tf.data.Dataset.fromGenerator(function* () { for (const r of records) yield [r.features, r.label]; },
   *     [{ dtype: 'float32', shape: [4] }, { dtype: 'int32', shape: [] }]);
   */
  static fromGenerator(generator: () => Iterable<Structure<Tensor | TensorLike>>, elementSpec: Structure<PartSpec>): Dataset {
    if (typeof generator !== 'function') throw new Error('fromGenerator: expected a function that returns an iterable');
    const specs = leaves(elementSpec, isSpec);
    if (specs.length === 0 || !specs.every(isSpec) || specs.some((s) => !isDType(s.dtype) || !Array.isArray(s.shape))) {
      throw new Error('fromGenerator: elementSpec must be { dtype, shape }, or an array or record of them');
    }
    return new Dataset(function* () {
      let n = 0;
      for (const element of generator()) {
        const what = `fromGenerator: element ${n++}`;
        yield mapStructure(elementSpec, isSpec, (s, i) => toPart(componentOf(element, elementSpec, i, what), s, `${what}, component ${i}`));
      }
    }, elementSpec);
  }

  /**
   * Shuffles through a buffer of `bufferSize` elements, as TF: each output is a random pick from
   * the buffer, refilled from the input (bufferSize ≥ the dataset size gives a uniform shuffle).
   * A new order each pass (reshuffleEachIteration), from `seed`, else from tf.setRandomSeed's
   * sequence when set (so seeded programs replay it), else random.
   */
  shuffle(bufferSize: number, opts: { seed?: number; reshuffleEachIteration?: boolean } = {}): Dataset {
    positiveInt(bufferSize, 'shuffle', 'bufferSize');
    const reshuffle = opts.reshuffleEachIteration ?? true;
    const seeds = opts.seed === undefined ? null : seededRandom(opts.seed);
    let fixed: number | null = null;
    const nextSeed = () => {
      if (!reshuffle && fixed !== null) return fixed;
      const s = seeds ? Math.floor(seeds() * 4294967296) : hostShuffleSeed();
      if (!reshuffle) fixed = s;
      return s;
    };
    const input = this.source;
    return new Dataset(function* () {
      const next = seededRandom(nextSeed());
      const it = input();
      const buffer: Structure<HostArray>[] = [];
      let r = it.next();
      for (; !r.done && buffer.length < bufferSize; r = it.next()) buffer.push(r.value);
      while (buffer.length) {
        const j = Math.floor(next() * buffer.length);
        const pick = buffer[j];
        if (!r.done) {
          buffer[j] = r.value;   // refill from the input
          r = it.next();
        } else {
          buffer[j] = buffer[buffer.length - 1];
          buffer.pop();
        }
        yield pick;
      }
    }, () => this.elementSpec);
  }

  /**
   * Stacks `batchSize` consecutive elements into one (a new leading dimension); the last batch
   * may be smaller unless dropRemainder. Components must have equal shapes within a batch.
   */
  batch(batchSize: number, opts: { dropRemainder?: boolean } = {}): Dataset {
    positiveInt(batchSize, 'batch', 'batchSize');
    const input = this.source;
    const structure = () => this.elementSpec;
    const spec = () => mapStructure(structure(), isSpec, (s): PartSpec => ({ dtype: s.dtype, shape: [opts.dropRemainder ? batchSize : null, ...s.shape] }));
    return new Dataset(function* () {
      let group: Structure<HostArray>[] = [];
      const flush = () => mapStructure(structure(), isSpec, (_, i) => stack(group.map((e) => leaves(e, isHostArray)[i])));
      for (const e of iterable(input)) {
        group.push(e);
        if (group.length === batchSize) {
          yield flush();
          group = [];
        }
      }
      if (group.length && !opts.dropRemainder) yield flush();
    }, spec);
  }

  /** The dataset `count` times over (default: forever); each pass reshuffles. */
  repeat(count = -1): Dataset {
    if (!Number.isInteger(count) || count < -1) throw new Error(`repeat: count must be an integer >= -1 (-1: forever), got ${count}`);
    const input = this.source;
    return new Dataset(function* () {
      for (let n = 0; count === -1 || n < count; n++) {
        let any = false;
        for (const e of iterable(input)) {
          any = true;
          yield e;
        }
        if (!any) return;   // an empty dataset repeated forever is still empty
      }
    }, () => this.elementSpec);
  }

  /** The first `count` elements (all when count is -1). */
  take(count: number): Dataset {
    if (!Number.isInteger(count) || count < -1) throw new Error(`take: count must be an integer >= -1, got ${count}`);
    const input = this.source;
    return new Dataset(function* () {
      if (count === 0) return;
      let n = 0;
      for (const e of iterable(input)) {
        yield e;
        if (++n === count) return;
      }
    }, () => this.elementSpec);
  }

  /** All but the first `count` elements. */
  skip(count: number): Dataset {
    if (!Number.isInteger(count) || count < 0) throw new Error(`skip: count must be an integer >= 0, got ${count}`);
    const input = this.source;
    return new Dataset(function* () {
      let n = 0;
      for (const e of iterable(input)) if (n++ >= count) yield e;
    }, () => this.elementSpec);
  }

  /**
   * Applies `fn` to every element: it gets the element as host tensors, eagerly (tf ops run at
   * once, whatever the mode), and returns a tensor, or an array or record of tensors. The new
   * elements' spec comes from the first element. Tensors made inside fn are disposed after it.
   *
   *   ds.map(({ x, y }) => ({ x: tf.div(tf.sub(x, mean), std), y }));
   */
  map(fn: (element: Structure<Tensor>) => Structure<Tensor>): Dataset {
    if (typeof fn !== 'function') throw new Error('map: expected a function');
    const input = this.source;
    const apply = (e: Structure<HostArray>): Structure<HostArray> =>
      eagerly(() =>
        tidy(() => {
          const out = fn(mapStructure(e, isHostArray, hostArrayTensor));
          const list = out !== null && typeof out === 'object' ? leaves(out, isTensor) : [];
          if (list.length === 0 || !list.every(isTensor)) {
            throw new Error('map: the function must return a tensor, or an array or record of tensors');
          }
          return mapStructure(out, isTensor, (t): HostArray => ({ data: (t.dataSync() as TypedArray).slice(), shape: t.shape as number[], dtype: t.dtype }));
        }),
      );
    return new Dataset(
      function* () {
        for (const e of iterable(input)) yield apply(e);
      },
      () => {
        const first = input().next();
        if (first.done) throw new Error('map: the element spec of an empty dataset is unknown');
        return mapStructure(apply(first.value), isHostArray, (p): PartSpec => ({ dtype: p.dtype, shape: p.shape }));
      },
    );
  }

  /** Accepted for TF code; the pipeline runs on the calling thread, between Session runs. */
  prefetch(_bufferSize: number): Dataset {
    return this;
  }

  /**
   * The elements as host tensors. Each element's tensors are disposed when the next one is
   * requested (loops stay at constant memory); copy what you need to keep.
   *
   *   for (const { x, y } of ds) await sess.run(train, { x, y });
   */
  *[Symbol.iterator](): Generator<Structure<Tensor>> {
    let prev: Tensor[] = [];
    try {
      for (const e of iterable(this.source)) {
        for (const t of prev) t.dispose();
        const out = mapStructure(e, isHostArray, hostArrayTensor);
        prev = leaves(out, isTensor);
        yield out;
      }
    } finally {
      for (const t of prev) t.dispose();
    }
  }

  /** @internal a fresh pass over the pipeline. */
  elements(): Iterator<Structure<HostArray>> {
    return this.source();
  }

  /** An iterator that goes through the dataset once; its getNext() tensors are fed by the Session. */
  makeOneShotIterator(): OneShotIterator {
    return new OneShotIterator(this);
  }

  /** Like makeOneShotIterator, restarted by running its `initializer` op. */
  makeInitializableIterator(): InitializableIterator {
    return new InitializableIterator(this);
  }
}

/** Component i of a generator's element, which must have the structure of `spec`. */
function componentOf(element: unknown, spec: Structure<PartSpec>, i: number, what: string): unknown {
  if (isSpec(spec)) return element;
  if (Array.isArray(spec)) {
    if (!Array.isArray(element) || element.length !== spec.length) throw new Error(`${what}: expected an array of ${spec.length} components`);
    return element[i];
  }
  const key = Object.keys(spec)[i];
  if (element === null || typeof element !== 'object' || !(key in element)) throw new Error(`${what}: expected a record with key '${key}'`);
  return (element as Record<string, unknown>)[key];
}

/** A component value as a part of `spec`'s dtype, its shape checked against the spec's. */
function toPart(value: unknown, spec: PartSpec, what: string): HostArray {
  let t: Tensor;
  if (value instanceof Tensor) {
    if (value.dtype !== spec.dtype) throw new Error(`${what}: expected ${spec.dtype}, got a tensor of ${value.dtype}`);
    t = value;
  } else {
    const known = spec.shape.every((d) => d !== null);
    t = hostTensor(value as TensorLike, spec.dtype, ArrayBuffer.isView(value) && known ? (spec.shape as number[]) : undefined, what);
  }
  const shape = t.shape as number[];
  if (shape.length !== spec.shape.length || spec.shape.some((d, k) => d !== null && d !== shape[k])) {
    throw new Error(`${what}: shape ${shapeString(shape)} does not match the spec's ${shapeString(spec.shape)}`);
  }
  const part = { data: t.dataSync() as TypedArray, shape, dtype: t.dtype };
  if (t !== value) t.dispose();
  return part;
}

function iterable<T>(make: () => Iterator<T>): Iterable<T> {
  return { [Symbol.iterator]: make };
}

function positiveInt(v: number, op: string, what: string): void {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${op}: ${what} must be a positive integer, got ${v}`);
}

/** Stacks same-shaped parts along a new leading dimension. */
function stack(parts: HostArray[]): HostArray {
  const first = parts[0];
  const per = first.data.length;
  const data = typedArrayFor(first.dtype, per * parts.length);
  parts.forEach((p, i) => {
    if (p.data.length !== per || p.shape.length !== first.shape.length || p.shape.some((d, k) => d !== first.shape[k])) {
      throw new Error(`batch: cannot stack elements of shapes ${shapeString(first.shape)} and ${shapeString(p.shape)}`);
    }
    data.set(p.data, i * per);
  });
  return { data, shape: [parts.length, ...first.shape], dtype: first.dtype };
}
