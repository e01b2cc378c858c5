/**
 * The body of model.fit: epochs of (shuffled) batches, each one `await sess.run([trainOp, loss,
 * ...metrics])` with the learning phase fed true, the callbacks' hooks around them, validation
 * after each epoch, and the History.
 */
import { hostTensor } from '../../convert.js';
import { permutation, seededRandom } from '../../host_random.js';
import { hostShuffleSeed } from '../../ops/random.js';
import type { Tensor } from '../../tensor.js';
import { learningPhase } from '../backend.js';
import type { CallbackLike, Logs } from '../callbacks/callback.js';
import { CallbackList, History } from '../callbacks/callback.js';
import { ProgbarLogger } from '../callbacks/progbar.js';
import type { Dataset, Part, Structure } from '../../data/dataset.js';
import { partTensor } from '../../data/dataset.js';
import { shapeString } from '../../dtype.js';
import type { Split } from './standardize.js';
import { Feeder, testLoop } from './loops.js';
import type { Model } from './model.js';

export interface FitArgs {
  /** Number of passes over the data (default 1). */
  epochs?: number;
  /** Examples per step (default 32). */
  batchSize?: number;
  /**
   * 0: silent; 1 (default): a progress bar on a terminal, one line per epoch otherwise;
   * 2: one line per epoch.
   */
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
  /**
   * Batches per epoch when fitting a tf.data Dataset (required then, as in TF 1.x Keras): the
   * epochs take consecutive batches of one pass, so the dataset usually ends in repeat().
   */
  stepsPerEpoch?: number;
}

export interface EvaluateArgs {
  /** Examples per run (default 32). */
  batchSize?: number;
  /** 1 (default): a progress bar; 0: silent. */
  verbose?: 0 | 1;
}


/** One training step's feeds: the batch's tensors (disposed after the step) and its size. */
interface Batch {
  map: Map<Tensor, Tensor>;
  owned: Tensor[];
  size: number;
}

/** Where fit's batches come from: host arrays, sliced and reshuffled each epoch, or a Dataset. */
interface BatchSource {
  steps: number;
  /** Examples per epoch, when known (not for a Dataset). */
  samples: number | null;
  startEpoch(): void;
  /** Batch b of the epoch, or null when the data ran out. */
  next(b: number, phase: [Tensor, Tensor]): Batch | null;
}

function arraySource(placeholders: Tensor[], data: Split, batchSize: number, shuffle: boolean): BatchSource {
  const n = data.ins[0].shape[0];
  const feeder = new Feeder(placeholders, [...data.ins, ...data.targets]);
  const random = seededRandom(hostShuffleSeed());
  let order: Int32Array | null = null;
  return {
    steps: Math.ceil(n / batchSize),
    samples: n,
    startEpoch: () => (order = shuffle ? permutation(n, random) : null),
    next: (b, phase) => {
      const [start, end] = [b * batchSize, Math.min(n, (b + 1) * batchSize)];
      return { ...feeder.feeds(start, end, order, phase), size: end - start };
    },
  };
}

/** Batches of a Dataset whose elements are [inputs…, targets…]: one pass across all epochs. */
function datasetSource(placeholders: Tensor[], dataset: Dataset, stepsPerEpoch: number): BatchSource {
  let pass: Iterator<Structure<Part>> | null = null;
  return {
    steps: stepsPerEpoch,
    samples: null,
    startEpoch: () => {},
    next: (_b, phase) => {
      const r = (pass ??= dataset.elements()).next();
      if (r.done) return null;
      const parts = r.value as Part[];
      const owned = parts.map(partTensor);
      const map = new Map<Tensor, Tensor>(placeholders.map((p, i) => [p, owned[i]]));
      map.set(phase[0], phase[1]);
      return { map, owned, size: parts[0].shape[0] ?? 1 };
    },
  };
}

/** fit's batch source for a Dataset, checked against the model's inputs and targets. */
export function checkedDatasetSource(model: Model, dataset: Dataset, args: FitArgs): BatchSource {
  const steps = args.stepsPerEpoch;
  if (steps === undefined || !Number.isInteger(steps) || steps <= 0) {
    throw new Error(`fit: fitting a Dataset needs stepsPerEpoch, a positive integer (got ${steps}), as in TF 1.x`);
  }
  if (args.validationSplit) throw new Error('fit: validationSplit cannot split a Dataset; pass validationData');
  const { placeholders } = model.trainingState();
  const spec = dataset.elementSpec;
  if (!Array.isArray(spec) || spec.length !== placeholders.length) {
    throw new Error(
      `fit: each element of the Dataset must be an array [inputs…, targets…] of ${placeholders.length} tensors ` +
        `(${placeholders.map((p) => `${p.dtype} ${shapeString(p.shape)}`).join(', ')})`,
    );
  }
  return datasetSource(placeholders, dataset, steps);
}
function checkArgs(args: FitArgs): { epochs: number; batchSize: number; verbose: 0 | 1 | 2 } {
  const epochs = args.epochs ?? 1;
  const batchSize = args.batchSize ?? 32;
  const verbose = args.verbose ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new Error(`fit: epochs must be a non-negative integer, got ${epochs}`);
  }
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new Error(`fit: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (![0, 1, 2].includes(verbose)) {
    throw new Error(`fit: verbose must be 0, 1 or 2, got ${verbose}`);
  }
  if (args.callbacks !== undefined && !Array.isArray(args.callbacks)) {
    throw new Error('fit: callbacks must be an array');
  }
  return { epochs, batchSize, verbose };
}

export async function fitLoop(model: Model, data: Split | BatchSource, val: Split | null, args: FitArgs): Promise<History> {
  const { epochs, batchSize, verbose } = checkArgs(args);
  const { sess, tg, placeholders } = model.trainingState();
  const source = 'ins' in data ? arraySource(placeholders, data, batchSize, args.shuffle ?? true) : data;
  const steps = source.steps;
  // As Keras: the user's callbacks, then History, then the progress bar.
  const history = new History();
  model.history = history;
  const user = args.callbacks ?? [];
  const list = [...user, history];
  if (verbose && !user.some((c) => c instanceof ProgbarLogger)) list.push(new ProgbarLogger());
  const cbs = new CallbackList(list);
  const metrics = [...tg.names, ...(val ? tg.names.map((k) => `val_${k}`) : [])];
  cbs.setModel(model);
  const doValidation = !!val;
  cbs.setParams({ epochs, steps, samples: source.samples ?? 0, batchSize, verbose, doValidation, metrics });

  const phase: [Tensor, Tensor] = [learningPhase(model.graph!), hostTensor(true)];
  const fetches = [tg.trainOp!, ...tg.fetches];
  // Per-batch hooks cost an await per step only when some callback has them.
  const wantBatchBegin = cbs.has('onBatchBegin');
  const wantBatchEnd = cbs.has('onBatchEnd');
  model.stopTraining = false;
  await cbs.call('onTrainBegin', {});
  try {
    for (let epoch = args.initialEpoch ?? 0; epoch < epochs && !model.stopTraining; epoch++) {
      await cbs.call('onEpochBegin', epoch, {});
      source.startEpoch();
      const sums = new Float64Array(tg.names.length);
      let seen = 0;
      for (let b = 0; b < steps && !model.stopTraining; b++) {
        const batch = source.next(b, phase);
        if (!batch) {
          console.warn(`fit: the Dataset ran out of data after ${epoch} epoch(s) and ${b} step(s); stopping (it must give stepsPerEpoch × epochs batches: end it in repeat())`);
          model.stopTraining = true;
          break;
        }
        const { map, owned, size } = batch;
        if (wantBatchBegin) await cbs.call('onBatchBegin', b, { batch: b, size });
        const out = (await sess.run(fetches, map)) as (Tensor | null)[];
        for (const t of owned) t.dispose();
        const logs: Logs = { batch: b, size };
        tg.names.forEach((k, i) => {
          const t = out[i + 1] as Tensor;
          logs[k] = t.dataSync()[0] as number;
          t.dispose();
          sums[i] += logs[k] * size;
        });
        seen += size;
        if (wantBatchEnd) await cbs.call('onBatchEnd', b, logs);
      }
      const epochLogs: Logs = {};
      tg.names.forEach((k, i) => (epochLogs[k] = sums[i] / Math.max(1, seen)));
      if (val) {
        const arrays = [...val.ins, ...val.targets];
        const vals = await testLoop(sess, tg.fetches, placeholders, arrays, batchSize, null);
        tg.names.forEach((k, i) => (epochLogs[`val_${k}`] = vals[i]));
      }
      await cbs.call('onEpochEnd', epoch, epochLogs);
    }
    await cbs.call('onTrainEnd', {});
  } finally {
    phase[1].dispose();
  }
  return history;
}
