/**
 * tf.keras.models.loadModel(dir): rebuilds a model saved by model.save in a graph of its own
 * (so its layer names cannot clash with what the default graph holds), compiles it as it was
 * compiled, and restores the weights and the optimizer state: predict gives the saved model's
 * outputs bit for bit, and fit continues from the saved optimizer state.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Graph } from '../../graph/graph.js';
import type { Variable } from '../../graph/variables.js';
import { checkGraphMode } from '../backend.js';
import { Model } from '../engine/model.js';
import { Sequential } from '../engine/sequential.js';
import type { LayerConfig } from '../engine/layer.js';
import type { LossIdentifier } from '../losses.js';
import { getLoss, LOSS_CLASSES } from '../losses.js';
import type { MetricIdentifier } from '../metrics.js';
import type { KerasOptimizer } from '../optimizers/index.js';
import { OPTIMIZER_CLASSES, TFOptimizer, tfOptimizerFromConfig } from '../optimizers/index.js';
import type { CustomObjects, LayerEntry } from './config.js';
import { deserializeLayer, rebuildNetwork } from './config.js';
import type { WeightEntry } from './save.js';
import {
  assignAll, MODEL_FILE, MODEL_FORMAT, MODEL_FORMAT_VERSION, optimizerEntries, readWeights,
} from './save.js';

export interface LoadModelOptions {
  /** Custom layer classes, activation / loss / metric functions, by the name the file uses. */
  customObjects?: CustomObjects;
  /** Compile as saved and restore the optimizer state (default true). */
  compile?: boolean;
  /** Graph to build the model in (default: a new one). */
  graph?: Graph;
}

interface ModelFile {
  format: string;
  formatVersion: number;
  modelConfig: LayerEntry;
  trainingConfig: {
    optimizer: { className: string; config: Record<string, unknown> };
    loss: unknown[];
    metrics: string[][];
    lossWeights: number[];
    outputNames: string[];
  } | null;
  weightsFile: string;
  weightsCrc32c: string;
  weights: WeightEntry[];
  optimizerWeights: WeightEntry[];
}

/** Rebuilds a Sequential or functional model from its config. */
export function modelFromConfig(entry: LayerEntry, custom: CustomObjects = {}): Model {
  const c = entry.config as LayerConfig & { layers?: LayerEntry[] };
  if (entry.className === 'Sequential') {
    const m = new Sequential({ name: c.name as string });
    for (const l of c.layers ?? []) m.add(deserializeLayer(l, custom));
    return m;
  }
  if (entry.className === 'Model') {
    const { inputs, outputs } = rebuildNetwork(c, custom);
    return new Model({ inputs, outputs, name: c.name as string });
  }
  const layer = deserializeLayer(entry, custom);
  if (!(layer instanceof Model)) {
    throw new Error(`loadModel: the file describes a ${entry.className}, not a model`);
  }
  return layer;
}

function lossFrom(l: unknown, custom: CustomObjects): LossIdentifier {
  if (typeof l === 'string') return typeof custom[l] === 'function' ? (custom[l] as LossIdentifier) : getLoss(l, 'loadModel');
  const o = l as { className?: string; config?: Record<string, unknown> };
  const cls = o?.className ? LOSS_CLASSES[o.className] : undefined;
  if (!cls) throw new Error(`loadModel: unknown loss ${JSON.stringify(l)}`);
  return new cls(o.config as never);
}

function metricFrom(m: string, custom: CustomObjects): MetricIdentifier {
  return typeof custom[m] === 'function' ? (custom[m] as MetricIdentifier) : m;
}

function optimizerFrom(o: { className: string; config: Record<string, unknown> }): KerasOptimizer {
  if (o.className === 'TFOptimizer') {
    const c = o.config as { tfClass: string; name: string; hypers: Record<string, number | boolean> };
    return new TFOptimizer(tfOptimizerFromConfig(c.tfClass, c.name, c.hypers));
  }
  const cls = OPTIMIZER_CLASSES[o.className];
  if (!cls) throw new Error(`loadModel: unknown optimizer class '${o.className}'`);
  return new cls(o.config as never);
}

/**
 * Loads a model saved with model.save(dir).
 *
 *   const model = await tf.keras.models.loadModel('models/cnn');
 *   const probs = await model.predict(images);
 */
export async function loadModel(dir: string, opts: LoadModelOptions = {}): Promise<Model> {
  checkGraphMode('tf.keras.models.loadModel');
  const custom = opts.customObjects ?? {};
  const path = join(dir, MODEL_FILE);
  let file: ModelFile;
  try {
    file = JSON.parse(await readFile(path, 'utf8')) as ModelFile;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`loadModel: cannot read ${path}: ${code === 'ENOENT' ? 'no such file (was the model saved with model.save?)' : (e as Error).message}`);
  }
  if (file?.format !== MODEL_FORMAT) {
    throw new Error(
      `loadModel: ${path} is not a nodeflow Keras model file (format ` +
        `${JSON.stringify(file?.format)})`,
    );
  }
  if (file.formatVersion > MODEL_FORMAT_VERSION) {
    throw new Error(
      `loadModel: ${path} has format version ${file.formatVersion}; this nodeflow reads up ` +
        `to ${MODEL_FORMAT_VERSION}`,
    );
  }
  const weights = await readWeights(join(dir, file.weightsFile), 'loadModel', file.weightsCrc32c);
  const graph = opts.graph ?? new Graph();
  return graph.asDefault(() => {
    const model = modelFromConfig(file.modelConfig, custom);
    const ws = model.weights;
    if (ws.length !== file.weights.length) {
      throw new Error(
        `loadModel: the rebuilt model has ${ws.length} weights, the file lists ` +
          `${file.weights.length}`,
      );
    }
    const pairs: { v: Variable; key: string }[] = ws.map((v, i) => ({ v, key: file.weights[i].key }));
    const t = file.trainingConfig;
    if (t && (opts.compile ?? true)) {
      const byOutput = <T>(list: T[]) => Object.fromEntries(model.outputNames().map((n, i) => [n, list[i]]));
      model.compile({
        optimizer: optimizerFrom(t.optimizer),
        loss: t.loss.map((l) => lossFrom(l, custom)),
        metrics: byOutput(t.metrics.map((ms) => ms.map((m) => metricFrom(m, custom)))),
        lossWeights: t.lossWeights,
      });
      if (file.optimizerWeights.length) {
        // Build the training step now so the optimizer's slots exist to receive their values.
        model.trainingState(true, false);
        pairs.push(...matchOptimizer(model, file.optimizerWeights));
      }
    }
    assignAll(model, pairs, weights, 'loadModel');
    return model;
  });
}

/** Pairs the saved optimizer entries with this model's optimizer variables, by role. */
function matchOptimizer(model: Model, saved: WeightEntry[]): { v: Variable; key: string }[] {
  const mine = optimizerEntries(model);
  const ws = model.weights;
  return saved.map((e) => {
    const hit = mine.find(({ v, entry }) => {
      if (entry.role !== e.role) return false;
      if (e.role === 'slot') return entry.slot === e.slot && entry.weight === e.weight && ws[e.weight!] !== undefined && v !== undefined;
      if (e.role === 'nonslot') return entry.name === e.name;
      return true;
    });
    if (!hit) {
      throw new Error(
        `loadModel: the optimizer has no variable for the saved ${e.role} '${e.key}'`,
      );
    }
    return { v: hit.v, key: e.key };
  });
}
