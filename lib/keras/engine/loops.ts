/**
 * The batch loops shared by fit, evaluate, predict and fit's validation, and where their batches
 * come from (a BatchSource: rows cut from host arrays, or the elements of a tf.data Dataset):
 * one `await sess.run(...)` per batch (one native plan, off the JavaScript thread), results read
 * back. Means are over examples (batches weighted by their size), as Keras reports.
 */
import { hostTensor } from '../../convert.js';
import type { TypedArray } from '../../dtype.js';
import { typedArrayFor } from '../../dtype.js';
import type { Session } from '../../graph/session.js';
import { native } from '../../native.js';
import { Tensor } from '../../tensor.js';
import type { Progbar } from '../callbacks/progbar.js';
import type { Dataset, Part, Structure } from '../../data/dataset.js';
import { partTensor } from '../../data/dataset.js';
import { shapeString } from '../../dtype.js';
import { permutation, seededRandom } from '../../host_random.js';
import { hostShuffleSeed } from '../../ops/random.js';
import type { HostArray } from './data.js';
import { BatchSlicer } from './data.js';

/** Feeds rows [start, end) of every array into its placeholder; the caller disposes `owned`. */
export class Feeder {
  private readonly slicers: BatchSlicer[];

  constructor(private readonly placeholders: Tensor[], arrays: HostArray[]) {
    this.slicers = arrays.map((a) => new BatchSlicer(a));
  }

  /** Rows start..end-1, or order[start..end-1]; `extra` is fed too (the learning phase). */
  feeds(start: number, end: number, order: Int32Array | null, extra?: [Tensor, Tensor]) {
    const owned = this.slicers.map((s) => s.batch(start, end, order));
    const map = new Map<Tensor, Tensor>();
    this.placeholders.forEach((p, i) => map.set(p, owned[i]));
    if (extra) map.set(extra[0], extra[1]);
    return { map, owned };
  }
}

/** One step's feeds: the batch's tensors (disposed after the step) and its size. */
export interface Batch {
  map: Map<Tensor, Tensor>;
  owned: Tensor[];
  size: number;
}

/** Where a loop's batches come from: host arrays (sliced, reshuffled per epoch) or a Dataset. */
export interface BatchSource {
  /** Batches per epoch; null: until the data ends. */
  steps: number | null;
  /** Examples per epoch, when known (not for a Dataset). */
  samples: number | null;
  startEpoch(): void;
  /** Batch b of the epoch (`extra` fed too: the learning phase), or null when the data ran out. */
  next(b: number, extra?: [Tensor, Tensor]): Batch | null;
}

/** Batches of `batchSize` rows of the arrays, fed to the placeholders in order. */
export function arraySource(placeholders: Tensor[], arrays: HostArray[], batchSize: number, shuffle: boolean): BatchSource {
  const n = arrays[0].shape[0];
  const feeder = new Feeder(placeholders, arrays);
  const random = shuffle ? seededRandom(hostShuffleSeed()) : null;
  let order: Int32Array | null = null;
  return {
    steps: Math.ceil(n / batchSize),
    samples: n,
    startEpoch: () => (order = random ? permutation(n, random) : null),
    next: (b, extra) => {
      const [start, end] = [b * batchSize, Math.min(n, (b + 1) * batchSize)];
      return { ...feeder.feeds(start, end, order, extra), size: end - start };
    },
  };
}

/**
 * The elements of a Dataset, each an array [inputs…, targets…] matching the placeholders, from
 * one pass that continues across epochs (fit's stepsPerEpoch), `steps` per epoch (null: all).
 */
export function datasetSource(placeholders: Tensor[], dataset: Dataset, steps: number | null, what: string): BatchSource {
  const spec = dataset.elementSpec;
  if (!Array.isArray(spec) || spec.length !== placeholders.length) {
    throw new Error(
      `${what}: each element of the Dataset must be an array [inputs…, targets…] of ${placeholders.length} tensors ` +
        `(${placeholders.map((p) => `${p.dtype} ${shapeString(p.shape)}`).join(', ')})`,
    );
  }
  let pass: Iterator<Structure<Part>> | null = null;
  return {
    steps,
    samples: null,
    startEpoch: () => {},
    next: (_b, extra) => {
      const r = (pass ??= dataset.elements()).next();
      if (r.done) return null;
      const parts = r.value as Part[];
      const owned = parts.map(partTensor);
      const map = new Map<Tensor, Tensor>(placeholders.map((p, i) => [p, owned[i]]));
      if (extra) map.set(extra[0], extra[1]);
      return { map, owned, size: parts[0].shape[0] ?? 1 };
    },
  };
}

/** Runs the scalar `fetches` over the source's batches; returns their means over examples. */
export async function testLoop(sess: Session, fetches: Tensor[], source: BatchSource, bar: Progbar | null): Promise<number[]> {
  const sums = new Float64Array(fetches.length);
  let seen = 0;
  source.startEpoch();
  for (let b = 0; source.steps === null || b < source.steps; b++) {
    const batch = source.next(b);
    if (!batch) break;
    const out = (await sess.run(fetches, batch.map)) as Tensor[];
    out.forEach((t, i) => {
      sums[i] += (t.dataSync()[0] as number) * batch.size;
      t.dispose();
    });
    for (const t of batch.owned) t.dispose();
    seen += batch.size;
    bar?.update(b + 1);
  }
  return Array.from(sums, (s) => s / Math.max(1, seen));
}

/** Runs `outputs` over all rows in batches, into one host tensor per output. */
export async function predictLoop(
  sess: Session,
  outputs: Tensor[],
  placeholders: Tensor[],
  arrays: HostArray[],
  batchSize: number,
): Promise<Tensor[]> {
  const n = arrays[0].shape[0];
  const feeder = new Feeder(placeholders, arrays);
  let results: { data: TypedArray; shape: number[]; per: number }[] | null = null;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const { map, owned } = feeder.feeds(start, end, null);
    const out = (await sess.run(outputs, map)) as Tensor[];
    // The output arrays are sized from the first batch (dims unknown in the graph included).
    results ??= out.map((t) => {
      const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
      return { data: typedArrayFor(t.dtype, n * per), shape: [n, ...t.shape.slice(1)], per };
    });
    out.forEach((t, i) => {
      results![i].data.set(t.dataSync() as Float32Array, start * results![i].per);
      t.dispose();
    });
    for (const t of owned) t.dispose();
  }
  if (!results) {
    // No examples: empty outputs of the right rank.
    return outputs.map((o) => {
      const shape = [0, ...o.shape.slice(1).map((d) => d ?? 0)];
      return hostTensor(typedArrayFor(o.dtype, 0), o.dtype, shape);
    });
  }
  return results.map((r, i) => {
    return Tensor.fromHandle(native.fromTypedArray(outputs[i].dtype, r.shape, r.data));
  });
}
