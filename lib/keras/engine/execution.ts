/**
 * The bodies of model.fit / evaluate / predict / trainOnBatch / testOnBatch: data checked
 * against the model, the training graph made ready, then the loops of fit_loop.ts.
 */
import { initializeVariables, learningPhase } from '../backend.js';
import type { History } from '../callbacks/callback.js';
import { Progbar } from '../callbacks/progbar.js';
import { Tensor } from '../../tensor.js';
import { hostArrayTensor } from '../../convert.js';
import { Dataset } from '../../data/dataset.js';
import type { ModelData } from './data.js';
import type { EvaluateArgs, FitArgs } from './fit_loop.js';
import { fitDatasetSource, fitLoop } from './fit_loop.js';
import { arraySource, datasetSource, predictLoop, testLoop } from './loops.js';
import type { Model } from './model.js';
import type { Split } from './standardize.js';
import {
  checkBatchSize, checkSameCount, standardizeX, standardizeY, validationSplit,
} from './standardize.js';

/** x and y of one call, checked against the model (the training graph is built on the way). */
function trainingData(
  model: Model,
  x: ModelData,
  y: ModelData,
  what: string,
  withTrainOp: boolean,
): Split {
  const ins = standardizeX(model, x, what);
  model.trainingState(withTrainOp);
  const targets = standardizeY(model, y, what, ins[0].shape[0]);
  checkSameCount(ins, targets);
  return { ins, targets };
}

export async function fitModel(
  model: Model,
  x: ModelData | Dataset,
  y: ModelData | undefined,
  args: FitArgs,
): Promise<History> {
  if (x instanceof Dataset) {
    const source = fitDatasetSource(model, x, args);
    return fitLoop(model, source, validationData(model, args), args);
  }
  if (y === undefined) throw new Error('fit: y (the targets) is missing; only a Dataset carries its own targets');
  let train = trainingData(model, x, y, 'fit', true);
  let val = validationData(model, args);
  if (!val && args.validationSplit) ({ train, val } = validationSplit(train, args.validationSplit));
  return fitLoop(model, train, val, args);
}

/** fit's validationData, checked against the model (null without). */
function validationData(model: Model, args: FitArgs): Split | Dataset | null {
  if (!args.validationData) return null;
  if (args.validationData instanceof Dataset) {
    checkSteps(args.validationSteps, 'fit (validationSteps)');
    // Checked now, not at the end of the first epoch.
    datasetSource(model.trainingState().placeholders, args.validationData, null, 'fit (validationData)');
    return args.validationData;
  }
  if (!Array.isArray(args.validationData) || args.validationData.length !== 2) {
    throw new Error('fit: validationData must be [xVal, yVal] (sample weights are not supported)');
  }
  const [vx, vy] = args.validationData as [ModelData, ModelData];
  return trainingData(model, vx, vy, 'fit (validationData)', true);
}

export async function evaluateModel(
  model: Model,
  x: ModelData | Dataset,
  y: ModelData | undefined,
  args: EvaluateArgs,
): Promise<number[]> {
  if (x instanceof Dataset) {
    const steps = checkSteps(args.steps, 'evaluate');
    const { sess, tg, placeholders } = model.trainingState(false);
    const bar = (args.verbose ?? 1) && steps !== null ? new Progbar({ target: steps }) : null;
    return testLoop(sess, tg.fetches, datasetSource(placeholders, x, steps, 'evaluate'), bar);
  }
  if (y === undefined) throw new Error('evaluate: y (the targets) is missing; only a Dataset carries its own targets');
  const { ins, targets } = trainingData(model, x, y, 'evaluate', false);
  const { sess, tg, placeholders } = model.trainingState(false);
  const batchSize = checkBatchSize(args.batchSize, 'evaluate');
  const batches = arraySource(placeholders, [...ins, ...targets], batchSize, false);
  const bar = args.verbose ?? 1 ? new Progbar({ target: batches.steps! }) : null;
  return testLoop(sess, tg.fetches, batches, bar);
}

export async function predictModel(
  model: Model,
  x: ModelData | Dataset,
  batchSize: number | undefined,
  steps?: number,
): Promise<Tensor[]> {
  // standardizeX first: a Sequential model without an input shape is built from the first data.
  const ins = x instanceof Dataset ? null : standardizeX(model, x, 'predict');
  const source = ins
    ? arraySource(model.inputs, ins, checkBatchSize(batchSize, 'predict'), false)
    : datasetSource(model.inputs, x as Dataset, checkSteps(steps, 'predict'), 'predict', true);
  const sess = model.session();
  initializeVariables(sess, model.weights);
  return predictLoop(sess, model.outputs, source);
}

/** A Dataset loop's steps: a positive integer, or null (to the end of the data). */
function checkSteps(steps: number | undefined, what: string): number | null {
  if (steps === undefined) return null;
  if (!Number.isInteger(steps) || steps <= 0) throw new Error(`${what}: steps must be a positive integer, got ${steps}`);
  return steps;
}


/** One step on all of (x, y) as a single batch: a training step, or (train false) a test. */
export async function oneBatch(
  model: Model,
  x: ModelData,
  y: ModelData,
  train: boolean,
): Promise<number[]> {
  const what = train ? 'trainOnBatch' : 'testOnBatch';
  const { ins, targets } = trainingData(model, x, y, what, train);
  const { sess, tg, placeholders } = model.trainingState(train);
  const n = ins[0].shape[0];
  const arrays = [...ins, ...targets];
  if (!train) return testLoop(sess, tg.fetches, arraySource(placeholders, arrays, Math.max(1, n), false), null);
  const owned = arrays.map(hostArrayTensor);
  const on = hostArrayTensor({ data: Uint8Array.of(1), shape: [], dtype: 'bool' });
  const feeds = new Map<Tensor, Tensor>(placeholders.map((p, i) => [p, owned[i]]));
  feeds.set(learningPhase(model.graph!), on);
  try {
    const out = (await sess.run([tg.trainOp!, ...tg.fetches], feeds)) as (Tensor | null)[];
    return out.slice(1).map((t) => {
      const v = (t as Tensor).dataSync()[0] as number;
      (t as Tensor).dispose();
      return v;
    });
  } finally {
    for (const t of [...owned, on]) t.dispose();
  }
}
