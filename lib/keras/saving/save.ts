/**
 * model.save(dir) writes two files, each atomically (temp file, fsync, rename):
 *   weights.safetensors  every model weight (BatchNormalization's moving statistics included)
 *                        and the optimizer's state (learning rate, iterations, slots such as
 *                        Adam's m and v, beta powers), keyed by variable name
 *   model.json           the topology (Keras-like model config), the compile arguments, and the
 *                        list of weights in model order with their keys, shapes and roles
 * The weights are written first; model.json holds their CRC-32C, so a save interrupted
 * between the two files is detected at load instead of loading mismatched weights.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DType } from '../../dtype.js';
import type { Variable } from '../../graph/variables.js';
import { syncDir, writeAtomic } from '../../train/saver.js';
import type { Model } from '../engine/model.js';
import type { LayerEntry } from './config.js';
import type { CompileConfig } from './compile_config.js';
import { compileConfig } from './compile_config.js';
import type { OptimizerRef } from './optimizer_state.js';
import { optimizerEntries } from './optimizer_state.js';
import { encodeWeights, hostValue } from './weights_file.js';

export const MODEL_FORMAT = 'nodeflow.keras';
export const MODEL_FORMAT_VERSION = 1;
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.safetensors';

/** One saved variable: its key in the weights file, and its layer or its optimizer role. */
export interface WeightEntry extends Partial<OptimizerRef> {
  key: string;
  shape: number[];
  dtype: DType;
  layer?: string;
}

/** model.json. */
export interface ModelFile {
  format: string;
  formatVersion: number;
  modelConfig: LayerEntry;
  trainingConfig: CompileConfig | null;
  weightsFile: string;
  weightsCrc32c: string;
  weights: WeightEntry[];
  optimizerWeights: WeightEntry[];
}

export async function saveModel(model: Model, dir: string): Promise<void> {
  if (typeof dir !== 'string' || !dir) {
    throw new Error(
      `${model.describe()}.save: expected a directory path, got ${JSON.stringify(dir)}`,
    );
  }
  const owner = new Map<Variable, string>();
  for (const l of model.layers) for (const w of l.weights) if (!owner.has(w)) owner.set(w, l.name);
  type Item = { v: Variable; extra: Partial<WeightEntry> };
  const weights: Item[] = model.weights.map((v) => ({ v, extra: { layer: owner.get(v) ?? '' } }));
  const optimizer: Item[] = optimizerEntries(model).map(({ v, ref }) => ({ v, extra: ref }));
  const all = [...weights, ...optimizer];
  const values = all.map(({ v }) => ({ key: v.opName, data: hostValue(model, v) }));
  const entries: WeightEntry[] = all.map(({ extra }, i) => {
    const { key, data } = values[i];
    return { key, shape: data.shape, dtype: data.dtype, ...extra };
  });
  const meta = { format: MODEL_FORMAT, format_version: String(MODEL_FORMAT_VERSION) };
  const { chunks, crc } = encodeWeights(values, meta);
  const json: ModelFile = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    modelConfig: { className: model.className, config: model.getConfig() },
    trainingConfig: compileConfig(model),
    weightsFile: WEIGHTS_FILE,
    weightsCrc32c: crc,
    weights: entries.slice(0, weights.length),
    optimizerWeights: entries.slice(weights.length),
  };
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, WEIGHTS_FILE), chunks);
  const text = new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`);
  await writeAtomic(join(dir, MODEL_FILE), [text]);
  await syncDir(dir);
}
