/**
 * Weights on disk: named variables in a safetensors file (with the CRC-32C of the data in its
 * metadata), written atomically; reading checks the CRC, and assigning checks every shape and
 * dtype before any variable changes. model.saveWeights / loadWeights use the weights alone.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostTensor } from '../../convert.js';
import { shapeString } from '../../dtype.js';
import type { Variable } from '../../graph/variables.js';
import { crc32c } from '../../io/crc32c.js';
import type { SafetensorsFile, TensorData } from '../../io/safetensors.js';
import { encodeSafetensorsHeader, parseSafetensors, tensorBytes } from '../../io/safetensors.js';
import { writeAtomic } from '../../train/saver.js';
import { getValue, setValue } from '../backend.js';
import type { Model } from '../engine/model.js';

export const WEIGHTS_FORMAT = 'nodeflow.keras.weights';

/** A variable's value on the host, with the key it is stored under. */
export interface NamedValue {
  key: string;
  data: TensorData;
}

/** The value of one of the model's variables. */
export function hostValue(model: Model, v: Variable): TensorData {
  const t = getValue(v, model.session());
  const out = { dtype: t.dtype, shape: [...t.shape], data: t.dataSync() };
  t.dispose();
  return out;
}

/** Safetensors bytes of the values, and the CRC-32C (hex) of the data block. */
export function encodeWeights(
  values: NamedValue[],
  meta: Record<string, string>,
): { chunks: Uint8Array[]; crc: string } {
  let crc = 0;
  for (const v of values) crc = crc32c(tensorBytes(v.data.data), crc);
  const hex = crc.toString(16).padStart(8, '0');
  const entries = values.map((v) => ({ name: v.key, dtype: v.data.dtype, shape: v.data.shape }));
  const header = encodeSafetensorsHeader(entries, { ...meta, data_crc32c: hex });
  return { chunks: [header, ...values.map((v) => tensorBytes(v.data.data))], crc: hex };
}

/** Reads and checks a safetensors file (and its CRC when `crc` is given or stored). */
export async function readWeights(
  path: string,
  what: string,
  crc?: string,
): Promise<SafetensorsFile> {
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
      `${what}: ${path} does not match (data CRC-32C ${actual}, expected ${expected}): the file ` +
        'is corrupt, or a save was interrupted between its two files',
    );
  }
  return f;
}

/** Sets variables from file entries, checking every shape and dtype before changing any. */
export function assignAll(
  model: Model,
  pairs: { v: Variable; key: string }[],
  f: SafetensorsFile,
  what: string,
): void {
  const problems: string[] = [];
  const loaded = pairs.map(({ v, key }) => {
    if (!f.entries.has(key)) {
      problems.push(`'${key}' is missing from the file`);
      return null;
    }
    const t = f.read(key);
    const same = t.shape.length === v.shape.length && t.shape.every((d, i) => d === v.shape[i]);
    if (!same || t.dtype !== v.dtype) {
      problems.push(
        `'${v.opName}' is ${v.dtype} ${shapeString(v.shape)} in the model but '${key}' is ` +
          `${t.dtype} ${shapeString(t.shape)} in the file`,
      );
    }
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
  const order = JSON.stringify(values.map((v) => v.key));
  const { chunks } = encodeWeights(values, { format: WEIGHTS_FORMAT, weight_order: order });
  await mkdir(dirname(path), { recursive: true });
  await writeAtomic(path, chunks);
}

/** model.loadWeights(path): weights written by saveWeights, matched by position. */
export async function loadWeightsFile(model: Model, path: string): Promise<void> {
  const what = `${model.describe()}.loadWeights`;
  const f = await readWeights(path, what);
  let order: unknown = null;
  try {
    order = JSON.parse(f.metadata.weight_order ?? 'null');
  } catch {
    // Reported below.
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
