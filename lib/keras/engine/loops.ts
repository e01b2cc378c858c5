/**
 * The batch loops shared by evaluate, predict and fit's validation: rows cut from the host
 * arrays, one `await sess.run(...)` per batch (one native plan, off the JavaScript thread),
 * results read back. Means are over examples (batches weighted by their size), as Keras reports.
 */
import { hostTensor } from '../../convert.js';
import type { TypedArray } from '../../dtype.js';
import { typedArrayFor } from '../../dtype.js';
import type { Session } from '../../graph/session.js';
import { native } from '../../native.js';
import { Tensor } from '../../tensor.js';
import type { Progbar } from '../callbacks/progbar.js';
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

/** Runs the scalar `fetches` over all rows in batches; returns their means over examples. */
export async function testLoop(
  sess: Session,
  fetches: Tensor[],
  placeholders: Tensor[],
  arrays: HostArray[],
  batchSize: number,
  bar: Progbar | null,
): Promise<number[]> {
  const n = arrays[0].shape[0];
  const feeder = new Feeder(placeholders, arrays);
  const sums = new Float64Array(fetches.length);
  const steps = Math.ceil(n / batchSize);
  for (let b = 0; b < steps; b++) {
    const start = b * batchSize;
    const end = Math.min(n, start + batchSize);
    const { map, owned } = feeder.feeds(start, end, null);
    const out = (await sess.run(fetches, map)) as Tensor[];
    out.forEach((t, i) => {
      sums[i] += (t.dataSync()[0] as number) * (end - start);
      t.dispose();
    });
    for (const t of owned) t.dispose();
    bar?.update(b + 1);
  }
  return Array.from(sums, (s) => s / n);
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
