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
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DType } from '../../dtype.js';
import { shapeString } from '../../dtype.js';
import type { Variable } from '../../graph/variables.js';
import { crc32c } from '../../io/crc32c.js';
import type { SafetensorsFile, TensorData } from '../../io/safetensors.js';
import { encodeSafetensorsHeader, parseSafetensors, tensorBytes } from '../../io/safetensors.js';
import { syncDir, writeAtomic } from '../../train/saver.js';
import { hostTensor } from '../../convert.js';
import { getValue, setValue } from '../backend.js';
import type { Model } from '../engine/model.js';
import { Loss } from '../losses.js';
import { TFOptimizer } from '../optimizers/index.js';

export const MODEL_FORMAT = 'nodeflow.keras';
export const MODEL_FORMAT_VERSION = 1;
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.safetensors';

/** One saved variable: its key in the safetensors file and what it is. */
export interface WeightEntry {
  key: string;
  shape: number[];
  dtype: DType;
  /** Model weights: the layer; optimizer state: 'learning_rate' | 'iterations' | 'slot' | 'nonslot'. */
  layer?: string;
  role?: 'learning_rate' | 'iterations' | 'slot' | 'nonslot';
  /** Slots: the slot name ('m') and the index of the weight in model.weights. */
  slot?: string;
  weight?: number;
  /** Non-slot variables: their name within the optimizer ('beta1_power'). */
  name?: string;
}

/** The optimizer's variables with their roles (empty before the first training step is built). */
export function optimizerEntries(model: Model): { v: Variable; entry: Omit<WeightEntry, 'key' | 'shape' | 'dtype'> }[] {
  if (!model.optimizer || !model.training?.trainOp) return [];
  const st = model.optimizer.state(model.graph!);
  const out: { v: Variable; entry: Omit<WeightEntry, 'key' | 'shape' | 'dtype'> }[] = [];
  if (st.learningRate) out.push({ v: st.learningRate, entry: { role: 'learning_rate' } });
  out.push({ v: st.iterations, entry: { role: 'iterations' } });
  const slots = new Set<Variable>();
  model.weights.forEach((w, i) => {
    for (const name of st.optimizer.getSlotNames()) {
      const s = st.optimizer.getSlot(w, name);
      if (s) {
        slots.add(s);
        out.push({ v: s, entry: { role: 'slot', slot: name, weight: i } });
      }
    }
  });
  for (const v of model.graph!.asDefault(() => st.optimizer.variables())) {
    if (!slots.has(v)) out.push({ v, entry: { role: 'nonslot', name: v.opName.split('/').pop() } });
  }
  return out;
}

function serializeLoss(l: Loss): unknown {
  if (l.className !== 'Loss') return { className: l.className, config: l.getConfig() };
  return l.name;
}

function compileConfig(model: Model): Record<string, unknown> | null {
  const c = model.compiled;
  if (!c) return null;
  const opt = c.optimizer;
  const optimizer = opt instanceof TFOptimizer
    ? { className: 'TFOptimizer', config: { tfClass: opt.tfClassName, name: opt.tfName, hypers: opt.getConfig() } }
    : { className: opt.className, config: opt.getConfig() };
  const metrics = c.metrics.map((ms) => ms.map((m) => {
    if (typeof m === 'string') return m;
    if (!m.name) {
      throw new Error(
        `${model.describe()}.save: cannot save an anonymous metric function; give it a name ` +
          `(and pass it in customObjects when loading)`,
      );
    }
    return m.name;
  }));
  return { optimizer, loss: c.losses.map(serializeLoss), metrics, lossWeights: c.lossWeights, outputNames: model.outputNames() };
}

/** Safetensors bytes of named host tensors, and the CRC-32C of the data block. */
function encodeWeights(values: { key: string; data: TensorData }[], meta: Record<string, string>): { chunks: Uint8Array[]; crc: string } {
  let crc = 0;
  for (const v of values) crc = crc32c(tensorBytes(v.data.data), crc);
  const hex = crc.toString(16).padStart(8, '0');
  const header = encodeSafetensorsHeader(values.map((v) => ({ name: v.key, dtype: v.data.dtype, shape: v.data.shape })), { ...meta, data_crc32c: hex });
  return { chunks: [header, ...values.map((v) => tensorBytes(v.data.data))], crc: hex };
}

function hostValue(model: Model, v: Variable): TensorData {
  const t = getValue(v, model.session());
  const out = { dtype: t.dtype, shape: [...t.shape], data: t.dataSync() };
  t.dispose();
  return out;
}

export async function saveModel(model: Model, dir: string): Promise<void> {
  if (typeof dir !== 'string' || !dir) {
    throw new Error(
      `${model.describe()}.save: expected a directory path, got ${JSON.stringify(dir)}`,
    );
  }
  const owner = new Map<Variable, string>();
  for (const l of model.layers) for (const w of l.weights) if (!owner.has(w)) owner.set(w, l.name);
  const weights = model.weights.map((v) => ({ v, entry: { layer: owner.get(v) ?? '' } as Partial<WeightEntry> }));
  const all = [...weights, ...optimizerEntries(model)];
  const values = all.map(({ v }) => ({ key: v.opName, data: hostValue(model, v) }));
  const entries = all.map(({ entry }, i) => ({ key: values[i].key, shape: values[i].data.shape, dtype: values[i].data.dtype, ...entry }) as WeightEntry);
  const { chunks, crc } = encodeWeights(values, { format: MODEL_FORMAT, format_version: String(MODEL_FORMAT_VERSION) });
  const json = {
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
  await writeAtomic(join(dir, MODEL_FILE), [new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`)]);
  await syncDir(dir);
}

/** Reads and checks a safetensors file (and its CRC when `crc` is given or stored). */
export async function readWeights(path: string, what: string, crc?: string): Promise<SafetensorsFile> {
  let buf: Uint8Array;
  try {
    buf = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `${what}: cannot read ${path}: ` +
        `${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  const f = parseSafetensors(buf, path);
  const actual = crc32c(f.data).toString(16).padStart(8, '0');
  const expected = crc ?? f.metadata.data_crc32c;
  if (expected !== undefined && actual !== expected) {
    throw new Error(
      `${what}: ${path} does not match (data CRC-32C ${actual}, expected ${expected}): the ` +
        `file is corrupt, or a save was interrupted between its two files`,
    );
  }
  return f;
}

/** Sets variables from file entries, checking every shape and dtype before changing any. */
export function assignAll(model: Model, pairs: { v: Variable; key: string }[], f: SafetensorsFile, what: string): void {
  const problems: string[] = [];
  const loaded = pairs.map(({ v, key }) => {
    if (!f.entries.has(key)) {
      problems.push(`'${key}' is missing from the file`);
      return null;
    }
    const t = f.read(key);
    const same = t.shape.length === v.shape.length && t.shape.every((d, i) => d === v.shape[i]);
    if (!same || t.dtype !== v.dtype) problems.push(`'${v.opName}' is ${v.dtype} ${shapeString(v.shape)} in the model but '${key}' is ${t.dtype} ${shapeString(t.shape)} in the file`);
    return t;
  });
  if (problems.length) throw new Error(`${what}: ${problems.join('; ')}`);
  const sess = model.session();
  pairs.forEach(({ v }, i) => {
    const t = loaded[i]!;
    const value = hostTensor(t.data, t.dtype, t.shape);
    setValue(v, value, sess);
    value.dispose();
  });
}

/** model.saveWeights(path): the model weights only, in model order. */
export async function saveWeightsFile(model: Model, path: string): Promise<void> {
  const values = model.weights.map((v) => ({ key: v.opName, data: hostValue(model, v) }));
  const { chunks } = encodeWeights(values, { format: `${MODEL_FORMAT}.weights`, weight_order: JSON.stringify(values.map((v) => v.key)) });
  await mkdir(dirname(path), { recursive: true });
  await writeAtomic(path, chunks);
}

/** model.loadWeights(path): weights written by saveWeights, matched by position. */
export async function loadWeightsFile(model: Model, path: string): Promise<void> {
  const what = `${model.describe()}.loadWeights`;
  const f = await readWeights(path, what);
  let order: unknown;
  try {
    order = JSON.parse(f.metadata.weight_order ?? 'null');
  } catch {
    order = null;
  }
  if (!Array.isArray(order)) {
    throw new Error(`${what}: ${path} was not written by model.saveWeights (no weight order)`);
  }
  const ws = model.weights;
  if (order.length !== ws.length) {
    throw new Error(`${what}: the file holds ${order.length} weights, the model has ${ws.length}`);
  }
  assignAll(model, ws.map((v, i) => ({ v, key: order[i] as string })), f, what);
}
