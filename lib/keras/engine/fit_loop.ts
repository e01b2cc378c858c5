/**
 * The body of model.fit: epochs of (shuffled) batches, each one `await sess.run([trainOp, loss,
 * ...metrics])` with the learning phase fed true, the callbacks' hooks around them, validation
 * after each epoch, and the History.
 */
import { hostTensor } from '../../convert.js';
import type { Tensor } from '../../tensor.js';
import { learningPhase } from '../backend.js';
import type { CallbackLike, Logs } from '../callbacks/callback.js';
import { CallbackList, History } from '../callbacks/callback.js';
import { ProgbarLogger } from '../callbacks/progbar.js';
import { Dataset } from '../../data/dataset.js';
import type { Split } from './standardize.js';
import type { BatchSource } from './loops.js';
import { arraySource, datasetSource, testLoop } from './loops.js';
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
  /** [x, y], or a Dataset of [inputs…, targets…], evaluated at the end of each epoch (instead of validationSplit). */
  validationData?: [unknown, unknown] | Dataset;
  /** With a Dataset as validationData: how many of its batches per evaluation (default: all). */
  validationSteps?: number;
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
  /** With a Dataset: how many of its batches (default: all, to the end of the data). */
  steps?: number;
  /** 1 (default): a progress bar; 0: silent. */
  verbose?: 0 | 1;
}

/** fit's batches from a Dataset, checked against the model: stepsPerEpoch of them per epoch. */
export function fitDatasetSource(model: Model, dataset: Dataset, args: FitArgs): BatchSource {
  const steps = args.stepsPerEpoch;
  if (steps === undefined || !Number.isInteger(steps) || steps <= 0) {
    throw new Error(`fit: fitting a Dataset needs stepsPerEpoch, a positive integer (got ${steps}), as in TF 1.x`);
  }
  if (args.validationSplit) throw new Error('fit: validationSplit cannot split a Dataset; pass validationData');
  return datasetSource(model.trainingState().placeholders, dataset, steps, 'fit');
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

export async function fitLoop(model: Model, data: Split | BatchSource, val: Split | Dataset | null, args: FitArgs): Promise<History> {
  const { epochs, batchSize, verbose } = checkArgs(args);
  const { sess, tg, placeholders } = model.trainingState();
  const source = 'ins' in data ? arraySource(placeholders, [...data.ins, ...data.targets], batchSize, args.shuffle ?? true) : data;
  const steps = source.steps!;
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
        // A Dataset is gone through afresh for each evaluation.
        const batches = val instanceof Dataset
          ? datasetSource(placeholders, val, args.validationSteps ?? null, 'fit (validationData)')
          : arraySource(placeholders, [...val.ins, ...val.targets], batchSize, false);
        const vals = await testLoop(sess, tg.fetches, batches, null);
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
