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
import type { LayerConfig } from '../engine/layer.js';
import { Model } from '../engine/model.js';
import { Sequential } from '../engine/sequential.js';
import { compileArgsFrom } from './compile_config.js';
import type { CustomObjects, LayerEntry } from './config.js';
import { deserializeLayer, rebuildNetwork } from './config.js';
import { matchOptimizer } from './optimizer_state.js';
import type { ModelFile } from './save.js';
import { MODEL_FILE, MODEL_FORMAT, MODEL_FORMAT_VERSION } from './save.js';
import { assignAll, readWeights } from './weights_file.js';

export interface LoadModelOptions {
  /** Custom layer classes, activation / loss / metric functions, by the name the file uses. */
  customObjects?: CustomObjects;
  /** Compile as saved and restore the optimizer state (default true). */
  compile?: boolean;
  /** Graph to build the model in (default: a new one). */
  graph?: Graph;
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

async function readModelFile(path: string): Promise<ModelFile> {
  let file: ModelFile;
  try {
    file = JSON.parse(await readFile(path, 'utf8')) as ModelFile;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT'
      ? 'no such file (was the model saved with model.save?)'
      : (e as Error).message;
    throw new Error(`loadModel: cannot read ${path}: ${why}`);
  }
  if (file?.format !== MODEL_FORMAT) {
    const format = JSON.stringify(file?.format);
    throw new Error(`loadModel: ${path} is not a nodeflow Keras model file (format ${format})`);
  }
  if (file.formatVersion > MODEL_FORMAT_VERSION) {
    throw new Error(
      `loadModel: ${path} has format version ${file.formatVersion}; this nodeflow reads up to ` +
        `${MODEL_FORMAT_VERSION}`,
    );
  }
  return file;
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
  const file = await readModelFile(join(dir, MODEL_FILE));
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
    const pairs: { v: Variable; key: string }[] = ws.map((v, i) => {
      return { v, key: file.weights[i].key };
    });
    const t = file.trainingConfig;
    if (t && (opts.compile ?? true)) {
      model.compile(compileArgsFrom(t, model, custom));
      if (file.optimizerWeights.length) {
        // Build the training step now so the optimizer's slots exist to receive their values.
        model.trainingState(true, false);
        const saved = file.optimizerWeights.map((e) => ({ ...e, role: e.role! }));
        pairs.push(...matchOptimizer(model, saved));
      }
    }
    assignAll(model, pairs, weights, 'loadModel');
    return model;
  });
}
