/**
 * x and y as given to fit / evaluate / predict → one host array per model input and output,
 * checked against the placeholders with Keras' messages ("Error when checking input: expected
 * dense_input to have shape [?,784] but got array with shape [100,785]"). Several inputs come
 * as a list or as an object keyed by input (or output) layer name.
 */
import { Tensor } from '../../tensor.js';
import type { DataLike, HostArray, ModelData } from './data.js';
import { conform, splitAt, toHostArray } from './data.js';
import type { Model } from './model.js';

/** True for one array of examples (not a list or an object of them). */
function isData(v: unknown): boolean {
  if (v instanceof Tensor || ArrayBuffer.isView(v)) return true;
  return !!v && typeof v === 'object' && !Array.isArray(v) && 'data' in v && 'shape' in v;
}

/** One DataLike per name, from a single value, a list or an object keyed by the names. */
function perName(v: ModelData, names: string[], kind: string, what: string): DataLike[] {
  if (names.length === 1) {
    if (Array.isArray(v) && v.length === 1 && isData(v[0])) return [v[0] as DataLike];
    const keyed = !Array.isArray(v) && !!v && typeof v === 'object' && !isData(v);
    if (keyed && names[0] in v) return [(v as Record<string, DataLike>)[names[0]]];
    return [v as DataLike];
  }
  if (Array.isArray(v) && v.length === names.length) return v as DataLike[];
  if (v && typeof v === 'object' && !Array.isArray(v) && !isData(v)) {
    const rec = v as Record<string, DataLike>;
    return names.map((n) => {
      if (!(n in rec)) {
        throw new Error(`${what}: no ${kind} data for '${n}' (${kind}s: ${names.join(', ')})`);
      }
      return rec[n];
    });
  }
  throw new Error(
    `${what}: the model has ${names.length} ${kind}s [${names.join(', ')}]; pass a list of ` +
      `${names.length} arrays or an object keyed by those names`,
  );
}

/** x as host arrays checked against the model's inputs (building a deferred Sequential first). */
export function standardizeX(model: Model, x: ModelData, what: string): HostArray[] {
  if (x === undefined || x === null) throw new Error(`${what}: x is required`);
  if (!model.built) model.buildFromData(x as DataLike);
  const names = model.inputNames();
  return perName(x, names, 'input', what).map((v, i) => {
    const p = model.inputs[i];
    const a = toHostArray(v, p.dtype, p.shape, `${what}: input '${names[i]}'`);
    return conform(a, p.shape, 'input', names[i]);
  });
}

/**
 * y as host arrays checked against the target placeholders; `examples` (from x) lets a bare
 * TypedArray of one value per example be recognised (class ids given for one-hot targets).
 */
export function standardizeY(
  model: Model,
  y: ModelData,
  what: string,
  examples?: number,
): HostArray[] {
  if (y === undefined || y === null) throw new Error(`${what}: y (the targets) is required`);
  const targets = model.training!.targets;
  const names = model.outputNames();
  return perName(y, names, 'output', what).map((v, i) => {
    const p = targets[i];
    try {
      const a = toHostArray(v, p.dtype, p.shape, `${what}: target '${names[i]}'`, examples);
      return conform(a, p.shape, 'target', names[i]);
    } catch (e) {
      const loss = model.compiled!.losses[i];
      const hint = loss.kind !== 'categorical'
        ? ''
        : ` (${loss.name} expects one-hot targets [samples, classes]; for integer class ids use ` +
          'sparseCategoricalCrossentropy)';
      throw new Error(`${(e as Error).message}${hint}`);
    }
  });
}

/** Every array must have the same number of examples. */
export function checkSameCount(ins: HostArray[], targets: HostArray[]): void {
  const counts = [...ins, ...targets].map((a) => a.shape[0]);
  if (new Set(counts).size > 1) {
    throw new Error(
      'Input arrays should have the same number of samples as target arrays. Found ' +
        `${ins.map((a) => a.shape[0]).join(', ')} input samples and ` +
        `${targets.map((a) => a.shape[0]).join(', ')} target samples.`,
    );
  }
}

/** batchSize (default 32), checked. */
export function checkBatchSize(b: number | undefined, what: string): number {
  const v = b ?? 32;
  if (!Number.isInteger(v) || v <= 0) {
    throw new Error(`${what}: batchSize must be a positive integer, got ${v}`);
  }
  return v;
}

export interface Split {
  ins: HostArray[];
  targets: HostArray[];
}

/** Keras' validationSplit: the last fraction `s` of the examples (before any shuffling). */
export function validationSplit(data: Split, s: number): { train: Split; val: Split } {
  const n = data.ins[0].shape[0];
  const at = Math.floor(n * (1 - s));
  if (!(s > 0 && s < 1) || at === 0 || at === n) {
    throw new Error(
      `fit: validationSplit ${s} leaves no training or no validation examples out of ${n}`,
    );
  }
  const cut = (list: HostArray[], k: 0 | 1) => list.map((a) => splitAt(a, at)[k]);
  return {
    train: { ins: cut(data.ins, 0), targets: cut(data.targets, 0) },
    val: { ins: cut(data.ins, 1), targets: cut(data.targets, 1) },
  };
}
