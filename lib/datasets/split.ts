/**
 * A dataset split held in host memory (features [n, …] and labels), handed out as whole host
 * tensors or as shuffled mini-batches ready to feed into Session.run.
 */
import type { DType, TypedArray } from '../dtype.js';
import { typedArrayFor } from '../dtype.js';
import { shuffledOrder } from '../host_random.js';
import { native } from '../native.js';
import { Tensor } from '../tensor.js';

export interface BatchOptions {
  shuffle?: boolean;
  /**
   * Seed for the shuffle. Omitted: a fresh order per call, from tf.setRandomSeed's sequence when
   * that is set (so a seeded program replays its batches), else random.
   */
  seed?: number;
  /** Skip the last, smaller batch. */
  dropRemainder?: boolean;
}

export class DataSplit {
  private cache: { images?: Tensor; labels?: Tensor } = {};

  constructor(
    readonly numExamples: number,
    private readonly x: { data: TypedArray; rowShape: number[]; dtype: DType },
    private readonly y: { data: TypedArray; rowShape: number[]; dtype: DType },
  ) {}

  /** All features as one host tensor [n, …] (made once). */
  get images(): Tensor {
    return (this.cache.images ??= this.rows(this.x, null));
  }
  /** All labels as one host tensor [n] or [n, classes] (made once). */
  get labels(): Tensor {
    return (this.cache.labels ??= this.rows(this.y, null));
  }
  /** Alias of images, for non-image sets. */
  get features(): Tensor {
    return this.images;
  }

  /**
   * Mini-batches [xs, ys] in order or shuffled. Each batch's tensors are disposed when the next
   * one is requested (training loops stay at constant memory); copy what you need to keep.
   *
   *   for (const [xs, ys] of data.train.batches(100, { shuffle: true })) await sess.run(train, { x: xs, y: ys });
   */
  *batches(batchSize: number, opts: BatchOptions = {}): Generator<[Tensor, Tensor]> {
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`batches: batchSize must be a positive integer, got ${batchSize}`);
    const n = this.numExamples;
    const order = opts.shuffle ? shuffledOrder(n, opts.seed) : Int32Array.from({ length: n }, (_, i) => i);
    let prev: Tensor[] = [];
    try {
      for (let start = 0; start < n; start += batchSize) {
        const idx = order.subarray(start, Math.min(start + batchSize, n));
        if (idx.length < batchSize && opts.dropRemainder) break;
        for (const t of prev) t.dispose();
        prev = [this.rows(this.x, idx), this.rows(this.y, idx)];
        yield prev as [Tensor, Tensor];
      }
    } finally {
      for (const t of prev) t.dispose();
    }
  }

  private rows(src: { data: TypedArray; rowShape: number[]; dtype: DType }, idx: Int32Array | null): Tensor {
    const per = src.rowShape.reduce((a, b) => a * b, 1);
    const n = idx ? idx.length : this.numExamples;
    let data: TypedArray;
    if (!idx) {
      data = src.data;
    } else {
      data = typedArrayFor(src.dtype, n * per);
      for (let i = 0; i < n; i++) data.set(src.data.subarray(idx[i] * per, (idx[i] + 1) * per), i * per);
    }
    return Tensor.fromHandle(native.fromTypedArray(src.dtype, [n, ...src.rowShape], data));
  }
}
