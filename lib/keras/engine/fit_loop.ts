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
import type { HostArray } from './data.js';
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
}

export interface EvaluateArgs {
  /** Examples per run (default 32). */
  batchSize?: number;
  /** 1 (default): a progress bar; 0: silent. */
  verbose?: 0 | 1;
}

export interface FitData {
  ins: HostArray[];
  targets: HostArray[];
  val: { ins: HostArray[]; targets: HostArray[] } | null;
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

export async function fitLoop(model: Model, data: FitData, args: FitArgs): Promise<History> {
  const { epochs, batchSize, verbose } = checkArgs(args);
  const { sess, tg, placeholders } = model.trainingState();
  const n = data.ins[0].shape[0];
  const steps = Math.ceil(n / batchSize);
  // As Keras: the user's callbacks, then History, then the progress bar.
  const history = new History();
  model.history = history;
  const user = args.callbacks ?? [];
  const list = [...user, history];
  if (verbose && !user.some((c) => c instanceof ProgbarLogger)) list.push(new ProgbarLogger());
  const cbs = new CallbackList(list);
  const metrics = [...tg.names, ...(data.val ? tg.names.map((k) => `val_${k}`) : [])];
  cbs.setModel(model);
  const doValidation = !!data.val;
  cbs.setParams({ epochs, steps, samples: n, batchSize, verbose, doValidation, metrics });

  const feeder = new Feeder(placeholders, [...data.ins, ...data.targets]);
  const phase: [Tensor, Tensor] = [learningPhase(model.graph!), hostTensor(true)];
  const fetches = [tg.trainOp!, ...tg.fetches];
  const next = seededRandom(hostShuffleSeed());
  // Per-batch hooks cost an await per step only when some callback has them.
  const wantBatchBegin = cbs.has('onBatchBegin');
  const wantBatchEnd = cbs.has('onBatchEnd');
  model.stopTraining = false;
  await cbs.call('onTrainBegin', {});
  try {
    for (let epoch = args.initialEpoch ?? 0; epoch < epochs && !model.stopTraining; epoch++) {
      await cbs.call('onEpochBegin', epoch, {});
      const order = args.shuffle ?? true ? permutation(n, next) : null;
      const sums = new Float64Array(tg.names.length);
      let seen = 0;
      for (let b = 0; b < steps && !model.stopTraining; b++) {
        const start = b * batchSize;
        const end = Math.min(n, start + batchSize);
        const size = end - start;
        if (wantBatchBegin) await cbs.call('onBatchBegin', b, { batch: b, size });
        const { map, owned } = feeder.feeds(start, end, order, phase);
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
      if (data.val) {
        const arrays = [...data.val.ins, ...data.val.targets];
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
