/**
 * Dataset iterators in graph mode (TF 1.x): getNext() gives placeholders shaped like the
 * dataset's elements, and every Session.run that needs them pulls the iterator's next element
 * and feeds it (iteratorFeeds, called by the Session). At the end of the data a run throws
 * tf.errors.OutOfRangeError, as TF's does:
 *
 *   const { x, y } = ds.makeOneShotIterator().getNext();
 *   const loss = model(x, y);
 *   try { for (;;) await sess.run(train); } catch (e) { if (!(e instanceof tf.errors.OutOfRangeError)) throw e; }
 */
import { noOp } from '../graph/control.js';
import type { Graph, Operation } from '../graph/graph.js';
import { getDefaultGraph, placeholder } from '../graph/graph.js';
import { neededOps } from '../graph/plan.js';
import type { Tensor } from '../tensor.js';
import type { HostArray } from '../convert.js';
import { hostArrayTensor } from '../convert.js';
import type { Dataset, Structure } from './dataset.js';
import { isHostArray, isSpec, isTensor, leaves, mapStructure } from './dataset.js';

/** tf.errors.OutOfRangeError: an iterator has no more elements. */
export class OutOfRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutOfRangeError';
  }
}

// The iterator behind each getNext placeholder and each initializer op (per graph, by op).
const iteratorOfPlaceholder = new WeakMap<Operation, DatasetIterator>();
const iteratorOfInitializer = new WeakMap<Operation, InitializableIterator>();

export abstract class DatasetIterator {
  private pending: Iterator<Structure<HostArray>> | null = null;
  private next_: Structure<Tensor> | null = null;
  protected started = false;
  protected exhausted = false;
  readonly graph: Graph;

  constructor(protected readonly dataset: Dataset) {
    this.graph = getDefaultGraph();
  }

  /**
   * Placeholders with the structure, dtypes and shapes of the dataset's elements; a
   * Session.run that depends on them is fed the next element. Every call returns the same
   * tensors (one element per run, however many times they are used).
   */
  getNext(): Structure<Tensor> {
    if (!this.next_) {
      this.next_ = this.graph.asDefault(() =>
        mapStructure(this.dataset.elementSpec, isSpec, (s) => {
          const p = placeholder(s.dtype, s.shape, 'IteratorGetNext');
          iteratorOfPlaceholder.set(p.op as Operation, this);
          return p;
        }),
      );
    }
    return this.next_;
  }

  /** @internal the placeholders of getNext, in element order (empty before getNext). */
  placeholders(): Tensor[] {
    return this.next_ ? leaves(this.next_, isTensor) : [];
  }

  /** @internal the next element's components, in element order; throws at the end. */
  pull(): HostArray[] {
    if (!this.started) this.restart();
    const r = this.exhausted ? null : this.pending!.next();
    if (!r || r.done) {
      this.exhausted = true;
      throw new OutOfRangeError(`OutOfRangeError: End of sequence (${this.describe()})`);
    }
    return leaves(r.value, isHostArray);
  }

  /** @internal */
  restart(): void {
    this.pending = this.dataset.elements();
    this.started = true;
    this.exhausted = false;
  }

  protected abstract describe(): string;
}

export class OneShotIterator extends DatasetIterator {
  protected describe(): string {
    return 'the one-shot iterator has gone through its dataset';
  }
}

export class InitializableIterator extends DatasetIterator {
  private initOp: Operation | null = null;

  /** Running this op (re)starts the iterator at the dataset's first element. */
  get initializer(): Operation {
    if (!this.initOp) {
      this.initOp = this.graph.asDefault(() => noOp('MakeIterator'));
      iteratorOfInitializer.set(this.initOp, this);
    }
    return this.initOp;
  }

  /** @internal */
  override pull(): HostArray[] {
    if (!this.started) throw new Error('GetNext: the iterator has not been initialized: run its initializer first');
    return super.pull();
  }

  protected describe(): string {
    return 'run the iterator\'s initializer to start again';
  }
}

/**
 * @internal For a Session.run of `targets` (and tensors) given `fed` tensors: restarts the
 * iterators whose initializer is a target, then pulls one element from every iterator the run
 * needs (`needed`, iteratorsNeeded cached by the Session) and returns the feeds for their
 * placeholders (new host tensors, also pushed onto `converted` for the caller to dispose).
 */
export function iteratorFeeds(
  targets: Operation[],
  fed: Set<number>,
  needed: () => DatasetIterator[],
  converted: Tensor[],
): [Tensor, Tensor][] {
  for (const t of targets) iteratorOfInitializer.get(t)?.restart();
  const feeds: [Tensor, Tensor][] = [];
  for (const it of needed()) {
    const parts = it.pull();
    it.placeholders().forEach((p, i) => {
      if (fed.has(p.id)) return;
      const value = hostArrayTensor(parts[i]);
      converted.push(value);
      feeds.push([p, value]);
    });
  }
  return feeds;
}

/** @internal the iterators whose getNext placeholders the fetches depend on (not through `fed`). */
export function iteratorsNeeded(tensors: Tensor[], targets: Operation[], fed: Set<number>): DatasetIterator[] {
  const found = new Set<DatasetIterator>();
  for (const op of neededOps(tensors, targets, fed)) {
    const it = iteratorOfPlaceholder.get(op);
    if (it) found.add(it);
  }
  return [...found];
}
