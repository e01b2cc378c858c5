/**
 * The batch loops shared by fit, evaluate, predict and fit's validation, and where their batches
 * come from (a BatchSource: rows cut from host arrays, or the elements of a tf.data Dataset):
 * one `await sess.run(...)` per batch (one native plan, off the JavaScript thread), results read
 * back. Means are over examples (batches weighted by their size), as Keras reports.
 */
import { hostArrayTensor, hostTensor } from '../../convert.js';
import type { TypedArray } from '../../dtype.js';
import { typedArrayFor } from '../../dtype.js';
import type { Session } from '../../graph/session.js';
import { native } from '../../native.js';
import { Tensor } from '../../tensor.js';
import type { Progbar } from '../callbacks/progbar.js';
import type { Dataset, Structure } from '../../data/dataset.js';
import { isHostArray, isSpec } from '../../data/dataset.js';
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
 * With `inputsOnly` (predict), the placeholders are the model's inputs: an element may be one
 * tensor (one input), and components after the inputs (targets) are ignored, as Keras does.
 */
export function datasetSource(placeholders: Tensor[], dataset: Dataset, steps: number | null, what: string, inputsOnly = false): BatchSource {
  if (placeholders.length === 0) {
    throw new Error(`${what}: the model is not built yet: give its first layer an inputShape (a Dataset does not build it)`);
  }
  const spec = dataset.elementSpec;
  const count = Array.isArray(spec) ? spec.length : inputsOnly && isSpec(spec) ? 1 : -1;
  if (inputsOnly ? count < placeholders.length : count !== placeholders.length) {
    const shapes = placeholders.map((p) => `${p.dtype} ${shapeString(p.shape)}`).join(', ');
    throw new Error(
      inputsOnly
        ? `${what}: each element of the Dataset must be the model's input or an array starting with its ${placeholders.length} input(s) (${shapes})`
        : `${what}: each element of the Dataset must be an array [inputs…, targets…] of ${placeholders.length} tensors (${shapes})`,
    );
  }
  let pass: Iterator<Structure<HostArray>> | null = null;
  return {
    steps,
    samples: null,
    startEpoch: () => {},
    next: (_b, extra) => {
      const r = (pass ??= dataset.elements()).next();
      if (r.done) return null;
      const parts = (isHostArray(r.value) ? [r.value] : (r.value as HostArray[])).slice(0, placeholders.length);
      const owned = parts.map(hostArrayTensor);
      const map = new Map<Tensor, Tensor>(placeholders.map((p, i) => [p, owned[i]]));
      if (extra) map.set(extra[0], extra[1]);
      return { map, owned, size: parts[0].shape[0] ?? 1 };
    },
  };
}

/**
 * Runs `fetches` on each of the source's batches (one epoch), handing the outputs to `use`;
 * then disposes the outputs and the batch's tensors.
 */
async function eachBatch(
  sess: Session,
  fetches: Tensor[],
  source: BatchSource,
  use: (out: Tensor[], batch: Batch, b: number) => void,
): Promise<void> {
  source.startEpoch();
  for (let b = 0; source.steps === null || b < source.steps; b++) {
    const batch = source.next(b);
    if (!batch) break;
    const out = (await sess.run(fetches, batch.map)) as Tensor[];
    try {
      use(out, batch, b);
    } finally {
      for (const t of [...out, ...batch.owned]) t.dispose();
    }
  }
}

/** Runs the scalar `fetches` over the source's batches; returns their means over examples. */
export async function testLoop(sess: Session, fetches: Tensor[], source: BatchSource, bar: Progbar | null): Promise<number[]> {
  const sums = new Float64Array(fetches.length);
  let seen = 0;
  await eachBatch(sess, fetches, source, (out, batch, b) => {
    out.forEach((t, i) => (sums[i] += (t.dataSync()[0] as number) * batch.size));
    seen += batch.size;
    bar?.update(b + 1);
  });
  return Array.from(sums, (s) => s / Math.max(1, seen));
}

/** Runs `outputs` over the source's batches, into one host tensor per output. */
export async function predictLoop(sess: Session, outputs: Tensor[], source: BatchSource): Promise<Tensor[]> {
  // Each output's rows, batch by batch, joined at the end (a Dataset's size is not known ahead).
  const chunks: TypedArray[][] = outputs.map(() => []);
  const rowShapes: number[][] = outputs.map((o) => o.shape.slice(1).map((d) => d ?? 0));
  let rows = 0;
  await eachBatch(sess, outputs, source, (out, batch) => {
    out.forEach((t, i) => {
      rowShapes[i] = t.shape.slice(1) as number[];   // dims unknown in the graph included
      chunks[i].push(t.dataSync() as TypedArray);
    });
    rows += batch.size;
  });
  return outputs.map((o, i) => {
    const per = rowShapes[i].reduce((a, b) => a * b, 1);
    const data = typedArrayFor(o.dtype, rows * per);
    let at = 0;
    for (const c of chunks[i]) {
      data.set(c as Float32Array, at);
      at += c.length;
    }
    return rows ? Tensor.fromHandle(native.fromTypedArray(o.dtype, [rows, ...rowShapes[i]], data)) : hostTensor(data, o.dtype, [0, ...rowShapes[i]]);
  });
}
