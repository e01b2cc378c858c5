/**
 * The loops of fit, evaluate and predict. Per batch: rows cut from the host arrays (a subarray,
 * or gathered through the epoch's shuffled order), one `await sess.run(...)` — the whole step
 * runs as one native plan off the JavaScript thread — and the scalar results read back. Epoch
 * values are means over examples (batches weighted by their size), as Keras reports them.
 */
import type { Session } from '../../graph/session.js';
import { getSeeds } from '../../ops/random.js';
import { Tensor } from '../../tensor.js';
import { hostTensor } from '../../convert.js';
import { typedArrayFor } from '../../dtype.js';
import { native } from '../../native.js';
import { learningPhase } from '../backend.js';
import type { CallbackLike, Logs } from '../callbacks/callback.js';
import { CallbackList, History } from '../callbacks/callback.js';
import { ProgbarLogger, Progbar } from '../callbacks/progbar.js';
import type { HostArray } from './data.js';
import { BatchSlicer, permutation, seededRandom } from './data.js';
import type { Model } from './model.js';

export interface FitArgs {
  /** Number of passes over the data (default 1). */
  epochs?: number;
  /** Examples per step (default 32). */
  batchSize?: number;
  /** 0 silent, 1 progress bar (one line per epoch when stdout is not a terminal), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  callbacks?: CallbackLike[];
  /** Fraction of the examples, taken from the end before shuffling, used for validation only. */
  validationSplit?: number;
  /** [x, y] evaluated at the end of each epoch (instead of validationSplit). */
  validationData?: [unknown, unknown];
  /** Shuffle the training examples before each epoch (default true). */
  shuffle?: boolean;
  /** Epoch to start from (resuming: epochs counts up to this total). */
  initialEpoch?: number;
}

export interface EvaluateArgs {
  batchSize?: number;
  verbose?: 0 | 1;
}

function batchCount(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

/** Feeds rows [start, end) of every array into its placeholder (and disposes them after). */
class Feeder {
  private readonly slicers: BatchSlicer[];
  constructor(private readonly placeholders: Tensor[], arrays: HostArray[]) {
    this.slicers = arrays.map((a) => new BatchSlicer(a));
  }
  feeds(start: number, end: number, order: Int32Array | null, extra?: [Tensor, Tensor]): { map: Map<Tensor, Tensor>; owned: Tensor[] } {
    const owned = this.slicers.map((s) => s.batch(start, end, order));
    const map = new Map<Tensor, Tensor>();
    this.placeholders.forEach((p, i) => map.set(p, owned[i]));
    if (extra) map.set(extra[0], extra[1]);
    return { map, owned };
  }
}

/** Runs `fetches` over all rows in batches; returns the means over examples. */
export async function testLoop(
  sess: Session, fetches: Tensor[], placeholders: Tensor[], arrays: HostArray[], batchSize: number, bar: Progbar | null,
): Promise<number[]> {
  const n = arrays[0].shape[0];
  const feeder = new Feeder(placeholders, arrays);
  const sums = new Float64Array(fetches.length);
  const steps = batchCount(n, batchSize);
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

/** Runs the outputs over all rows in batches into host arrays. */
export async function predictLoop(sess: Session, outputs: Tensor[], placeholders: Tensor[], arrays: HostArray[], batchSize: number): Promise<Tensor[]> {
  const n = arrays[0].shape[0];
  const feeder = new Feeder(placeholders, arrays);
  let results: { data: ReturnType<typeof typedArrayFor>; shape: number[] }[] | null = null;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const { map, owned } = feeder.feeds(start, end, null);
    const out = (await sess.run(outputs, map)) as Tensor[];
    results ??= out.map((t) => {
      const shape = [n, ...t.shape.slice(1)];
      return { data: typedArrayFor(t.dtype, shape.reduce((a, b) => a * b, 1)), shape };
    });
    out.forEach((t, i) => {
      const per = results![i].shape.slice(1).reduce((a, b) => a * b, 1);
      results![i].data.set(t.dataSync() as never, start * per);
      t.dispose();
    });
    for (const t of owned) t.dispose();
  }
  if (!results) {
    // No examples: empty outputs of the right rank.
    return outputs.map((o) => hostTensor(typedArrayFor(o.dtype, 0), o.dtype, [0, ...o.shape.slice(1).map((d) => d ?? 0)]));
  }
  return results.map((r, i) => Tensor.fromHandle(native.fromTypedArray(outputs[i].dtype, r.shape, r.data)));
}

/** The seed of the shuffle: from tf.setRandomSeed when set (reproducible), else random. */
function shuffleSeed(): number {
  const [seed, seed2] = getSeeds();
  return seed === null ? Math.floor(Math.random() * 2 ** 31) : (seed * 31 + (seed2 as number)) >>> 0;
}

export interface FitData {
  ins: HostArray[];
  targets: HostArray[];
  val: { ins: HostArray[]; targets: HostArray[] } | null;
}

/** The body of model.fit: epochs of shuffled batches, callbacks, validation, History. */
export async function fitLoop(model: Model, data: FitData, args: FitArgs): Promise<History> {
  const epochs = args.epochs ?? 1;
  const batchSize = args.batchSize ?? 32;
  const verbose = args.verbose ?? 1;
  const initialEpoch = args.initialEpoch ?? 0;
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new Error(`fit: epochs must be a non-negative integer, got ${epochs}`);
  }
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new Error(`fit: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (![0, 1, 2].includes(verbose)) {
    throw new Error(`fit: verbose must be 0, 1 or 2, got ${verbose}`);
  }
  const { sess, tg, placeholders } = model.trainingState();
  const n = data.ins[0].shape[0];
  const steps = batchCount(n, batchSize);
  const history = new History();
  model.history = history;
  const user = args.callbacks ?? [];
  if (!Array.isArray(user)) throw new Error('fit: callbacks must be an array');
  const list = [...user, history];
  if (verbose && !user.some((c) => c instanceof ProgbarLogger)) list.push(new ProgbarLogger());
  const cbs = new CallbackList(list);
  const valNames = data.val ? tg.names.map((k) => `val_${k}`) : [];
  cbs.setModel(model);
  cbs.setParams({ epochs, steps, samples: n, batchSize, verbose, doValidation: !!data.val, metrics: [...tg.names, ...valNames] });

  const feeder = new Feeder(placeholders, [...data.ins, ...data.targets]);
  const phase: [Tensor, Tensor] = [learningPhase(model.graph!), hostTensor(true)];
  const fetches = [tg.trainOp!, ...tg.fetches];
  const next = seededRandom(shuffleSeed());
  const wantBatchBegin = cbs.has('onBatchBegin');
  const wantBatchEnd = cbs.has('onBatchEnd');
  model.stopTraining = false;
  await cbs.call('onTrainBegin', {});
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    await cbs.call('onEpochBegin', epoch, {});
    const order = args.shuffle ?? true ? permutation(n, next) : null;
    const sums = new Float64Array(tg.names.length);
    let seen = 0;
    for (let b = 0; b < steps; b++) {
      const start = b * batchSize;
      const end = Math.min(n, start + batchSize);
      if (wantBatchBegin) await cbs.call('onBatchBegin', b, { batch: b, size: end - start });
      const { map, owned } = feeder.feeds(start, end, order, phase);
      const out = (await sess.run(fetches, map)) as (Tensor | null)[];
      for (const t of owned) t.dispose();
      const logs: Logs = { batch: b, size: end - start };
      for (let i = 0; i < tg.names.length; i++) {
        const t = out[i + 1] as Tensor;
        const v = t.dataSync()[0] as number;
        t.dispose();
        logs[tg.names[i]] = v;
        sums[i] += v * (end - start);
      }
      seen += end - start;
      if (wantBatchEnd) await cbs.call('onBatchEnd', b, logs);
      if (model.stopTraining) break;
    }
    const epochLogs: Logs = {};
    tg.names.forEach((k, i) => (epochLogs[k] = sums[i] / Math.max(1, seen)));
    if (data.val) {
      const vals = await testLoop(sess, tg.fetches, placeholders, [...data.val.ins, ...data.val.targets], batchSize, null);
      tg.names.forEach((k, i) => (epochLogs[`val_${k}`] = vals[i]));
    }
    await cbs.call('onEpochEnd', epoch, epochLogs);
  }
  await cbs.call('onTrainEnd', {});
  phase[1].dispose();
  return history;
}
