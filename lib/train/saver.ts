/**
 * Checkpoints (TF 1.x tf.train.Saver). A checkpoint `<prefix>` is two files:
 *   <prefix>.safetensors  the variable values, keyed by variable op name ("fc1/W"), in the
 *                         safetensors format; __metadata__ holds format, global step, CRC-32C
 *                         and the Session's random counter (see Session.randomCounter)
 *   <prefix>.json         a readable description (names, shapes, dtypes, global step, version)
 * and the directory's `checkpoint` state file, in TF's text format:
 *   model_checkpoint_path: "model.ckpt-100"
 *   all_model_checkpoint_paths: "model.ckpt-90"
 *   all_model_checkpoint_paths: "model.ckpt-100"
 * (paths relative to the directory when the checkpoint is in it). Every file is written to a
 * temp file in the same directory, fsynced and renamed; the state file is updated last, and old
 * checkpoints beyond maxToKeep are deleted after that, so a crash never leaves a half-written
 * checkpoint as the latest one.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { DType } from '../dtype.js';
import { shapeString } from '../dtype.js';
import { native } from '../native.js';
import { Tensor } from '../tensor.js';
import type { Session } from '../graph/session.js';
import type { Operation } from '../graph/graph.js';
import { Variable, assign, globalVariables } from '../graph/variables.js';
import { crc32c } from '../io/crc32c.js';
import type { TensorData } from '../io/safetensors.js';
import { encodeSafetensorsHeader, parseSafetensors, tensorBytes } from '../io/safetensors.js';

const FORMAT = 'nodeflow.checkpoint';
const FORMAT_VERSION = 1;
const STATE_FILE = 'checkpoint';

export interface SaverOptions {
  /** Variables to save: a list (keyed by op name) or {checkpointKey: variable}. Default: all global variables. */
  varList?: Variable[] | Record<string, Variable>;
  /** Checkpoints kept on disk; older ones are deleted. 0 or null keeps all. Default 5. */
  maxToKeep?: number | null;
}

export interface SaveOptions {
  /** Appended to the prefix ("model.ckpt-100") and stored in the checkpoint. */
  globalStep?: number | Tensor;
  /** Update the directory's `checkpoint` state file (default true). */
  writeState?: boolean;
}

/** A Saver as a meta graph stores it: checkpoint key -> variable op name. */
export interface SaverDef {
  maxToKeep: number;
  variables: Record<string, string>;
}

export interface CheckpointState {
  modelCheckpointPath: string;
  allModelCheckpointPaths: string[];
}

/**
 * Saves and restores variables (TF's tf.train.Saver).
 *
 *   const saver = new tf.train.Saver({ maxToKeep: 3 });
 *   const prefix = await saver.save(sess, 'ckpt/model.ckpt', { globalStep: step }); // "ckpt/model.ckpt-100"
 *   await saver.restore(sess2, tf.train.latestCheckpoint('ckpt')!);
 *
 * `sess` may be null in eager mode (variables then hold their own values).
 */
export class Saver {
  readonly maxToKeep: number;
  private readonly vars: [string, Variable][];
  /** Prefixes this saver knows about, oldest first (TF's saver.last_checkpoints). */
  private last: string[] | null = null;

  constructor(opts: SaverOptions = {}) {
    const max = opts.maxToKeep ?? 0;
    if (!Number.isInteger(max) || max < 0) throw new Error(`Saver: maxToKeep must be a non-negative integer or null, got ${String(opts.maxToKeep)}`);
    this.maxToKeep = opts.maxToKeep === undefined ? 5 : max;
    const list = opts.varList ?? globalVariables();
    const pairs: [string, unknown][] = Array.isArray(list)
      ? list.map((v) => [v instanceof Variable ? v.opName : '', v])
      : Object.entries(list);
    if (pairs.length === 0) throw new Error('Saver: no variables to save (create variables first, or pass varList)');
    const seen = new Map<string, Variable>();
    for (const [key, v] of pairs) {
      if (!(v instanceof Variable)) throw new Error(`Saver: varList entry '${key}' is not a tf.Variable (got ${describe(v)})`);
      if (!key) throw new Error(`Saver: empty checkpoint key for variable ${v.opName}`);
      const prev = seen.get(key);
      if (prev && prev !== v) throw new Error(`Saver: two different variables are saved under the name '${key}'`);
      seen.set(key, v);
    }
    this.vars = [...seen.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** Prefixes of the checkpoints still kept, oldest first. */
  get lastCheckpoints(): string[] {
    return [...(this.last ?? [])];
  }

  /**
   * Writes a checkpoint and returns its prefix (`savePath`, or `savePath-<globalStep>`).
   * Creates the directory if needed.
   */
  async save(sess: Session | null, savePath: string, opts: SaveOptions = {}): Promise<string> {
    if (typeof savePath !== 'string' || !savePath || savePath.endsWith('/')) {
      throw new Error(`Saver.save: savePath must be a file prefix such as 'ckpt/model.ckpt', got ${JSON.stringify(savePath)}`);
    }
    const step = await globalStepValue(sess, opts.globalStep);
    const dir = dirname(savePath);
    const prefix = join(dir, step === null ? basename(savePath) : `${basename(savePath)}-${step}`);
    const values = this.vars.map(([key, v]) => ({ key, ...readVariable(sess, v) }));
    // Graph mode: where the session's random stream stands, so restore can continue it.
    const counter = sess && values.some((t) => t.symbolic) ? sess.randomCounter : null;

    let dataCrc = 0;
    for (const t of values) dataCrc = crc32c(tensorBytes(t.data), dataCrc);
    const meta: Record<string, string> = {
      format: FORMAT,
      format_version: String(FORMAT_VERSION),
      data_crc32c: dataCrc.toString(16).padStart(8, '0'),
    };
    if (step !== null) meta.global_step = String(step);
    if (counter !== null) meta.random_counter = String(counter);
    const header = encodeSafetensorsHeader(values.map((t) => ({ name: t.key, dtype: t.dtype, shape: t.shape })), meta);
    const description = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      globalStep: step,
      randomCounter: counter,
      dataFile: `${basename(prefix)}.safetensors`,
      dataCrc32c: meta.data_crc32c,
      variables: values.map((t) => ({ name: t.key, dtype: t.dtype, shape: t.shape })),
    };

    await mkdir(dir, { recursive: true });
    await writeAtomic(`${prefix}.safetensors`, [header, ...values.map((t) => tensorBytes(t.data))]);
    await writeAtomic(`${prefix}.json`, [new TextEncoder().encode(`${JSON.stringify(description, null, 2)}\n`)]);
    if (opts.writeState ?? true) await this.updateState(dir, prefix);
    await syncDir(dir);
    return prefix;
  }

  /** Keeps the last maxToKeep checkpoints, writes the state file, then deletes the rest. */
  private async updateState(dir: string, prefix: string): Promise<void> {
    if (this.last === null) {
      // Continue an existing directory's history (a restarted job), so maxToKeep covers it too.
      const state = readState(dir);
      this.last = state ? state.allModelCheckpointPaths.filter((p) => existsSync(`${p}.safetensors`)) : [];
    }
    const same = (p: string) => resolve(p) === resolve(prefix);
    this.last = [...this.last.filter((p) => !same(p)), prefix];
    const dropped = this.maxToKeep > 0 ? this.last.splice(0, Math.max(0, this.last.length - this.maxToKeep)) : [];
    await writeAtomic(join(dir, STATE_FILE), [new TextEncoder().encode(formatState(dir, prefix, this.last))]);
    for (const p of dropped) {
      await rm(`${p}.safetensors`, { force: true });
      await rm(`${p}.json`, { force: true });
    }
  }

  /**
   * Loads every variable of this saver from the checkpoint `savePath` (a prefix, as returned by
   * save or latestCheckpoint). All checks run before any variable changes.
   */
  async restore(sess: Session | null, savePath: string): Promise<void> {
    if (typeof savePath !== 'string' || !savePath) {
      throw new Error(`Saver.restore: savePath must be a checkpoint prefix, got ${JSON.stringify(savePath)} (is latestCheckpoint() null?)`);
    }
    const prefix = savePath.replace(/\.(safetensors|json)$/, '');
    const file = `${prefix}.safetensors`;
    let buf: Uint8Array;
    try {
      buf = await readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(`Saver.restore: cannot read checkpoint '${prefix}': ${code === 'ENOENT' ? `${file} does not exist` : (e as Error).message}`);
    }
    let ckpt;
    try {
      ckpt = parseSafetensors(buf, file);
    } catch (e) {
      throw new Error(`Saver.restore: checkpoint '${prefix}' is corrupt or truncated: ${(e as Error).message}`);
    }
    const stored = ckpt.metadata.data_crc32c;
    if (stored !== undefined) {
      const actual = crc32c(ckpt.data).toString(16).padStart(8, '0');
      if (actual !== stored) throw new Error(`Saver.restore: checkpoint '${prefix}' is corrupt: data CRC-32C is ${actual}, the file says ${stored}`);
    }
    const problems: string[] = [];
    const loaded: [Variable, TensorData][] = [];
    const counterText = ckpt.metadata.random_counter;
    const counter = counterText === undefined ? null : Number(counterText);
    if (counter !== null && !(/^\d{1,15}$/.test(counterText) && counter < 9e15)) {
      const shown = JSON.stringify(counterText);
      problems.push(`its random_counter ${shown} is not an integer in [0, 9e15)`);
    }
    for (const [key, v] of this.vars) {
      const e = ckpt.entries.get(key);
      const have = `${v.dtype} ${shapeString(v.shape)}`;
      if (!e) {
        problems.push(`variable '${key}' (${have}) is not in the checkpoint`);
        continue;
      }
      let t: TensorData;
      try {
        t = ckpt.read(key);
      } catch (err) {
        problems.push((err as Error).message);
        continue;
      }
      const same = t.shape.length === v.shape.length && t.shape.every((d, i) => d === v.shape[i]);
      if (t.dtype !== v.dtype || !same) {
        problems.push(`variable '${key}' is ${have} in the graph but ${t.dtype} ${shapeString(t.shape)} in the checkpoint`);
        continue;
      }
      loaded.push([v, t]);
    }
    if (problems.length) {
      const keys = [...ckpt.entries.keys()];
      const list = keys.length > 20 ? `${keys.slice(0, 20).join(', ')}, …` : keys.join(', ');
      throw new Error(`Saver.restore: cannot restore from '${prefix}': ${problems.join('; ')} (the checkpoint holds: ${list || 'nothing'})`);
    }
    for (const [v, t] of loaded) writeVariable(sess, v, t);
    // Continue the saved random stream (dropout masks, sampled noise) where it stopped.
    const graphMode = this.vars.some(([, v]) => v.isSymbolic);
    if (sess && counter !== null && graphMode) sess.randomCounter = counter;
  }

  /**
   * What importMetaGraph needs to rebuild this saver (TF's saver.as_saver_def()): maxToKeep and
   * checkpoint key -> variable op name.
   */
  asSaverDef(): SaverDef {
    const variables = Object.fromEntries(this.vars.map(([k, v]) => [k, v.opName]));
    return { maxToKeep: this.maxToKeep, variables };
  }
}

// ---------------------------------------------------------------- variables <-> host data

function describe(v: unknown): string {
  if (v === null) return 'null';
  return typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v;
}

function checkSession(sess: Session | null, v: Variable, what: string): Session | null {
  if (!v.isSymbolic) return null;
  if (!sess) throw new Error(`${what}: variable '${v.opName}' is a graph variable: pass the Session that holds its value`);
  if ((v.op as Operation).graph !== sess.graph) throw new Error(`${what}: variable '${v.opName}' is not in this Session's graph`);
  return sess;
}

function readVariable(sess: Session | null, v: Variable): TensorData & { symbolic: boolean } {
  const s = checkSession(sess, v, 'Saver.save');
  if (!s) return { dtype: v.dtype, shape: [...v.shape], data: v.dataSync(), symbolic: false };
  const value = s.variableValue(v.varId);
  if (!value) {
    throw new Error(`Saver.save: variable '${v.opName}' is not initialized in this session (run tf.globalVariablesInitializer() first)`);
  }
  const data = value.dataSync();
  const out = { dtype: value.dtype, shape: [...value.shape], data, symbolic: true };
  value.dispose();
  return out;
}

function writeVariable(sess: Session | null, v: Variable, t: TensorData): void {
  const value = Tensor.fromHandle(native.fromTypedArray(t.dtype as DType, t.shape, t.data));
  const s = checkSession(sess, v, 'Saver.restore');
  if (s) s.setVariableValue(v.varId, value);
  else assign(v, value);
  value.dispose();
}

async function globalStepValue(sess: Session | null, step: number | Tensor | undefined): Promise<number | null> {
  if (step === undefined || step === null) return null;
  let n: unknown = step;
  if (step instanceof Tensor) {
    if (step.isSymbolic && !sess) throw new Error('Saver.save: globalStep is a graph tensor: pass the Session');
    const t = step.isSymbolic ? await (sess as Session).run(step) : step;
    if (t.size !== 1) throw new Error(`Saver.save: globalStep must hold one value, got shape ${shapeString(t.shape)}`);
    n = t.item();
  }
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new Error(`Saver.save: globalStep must be an integer, got ${String(n)}`);
  return n;
}

// ---------------------------------------------------------------- files

/** Writes `chunks` to `path` atomically: temp file in the same directory, fsync, rename. */
export async function writeAtomic(path: string, chunks: Uint8Array[]): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fh = await open(tmp, 'wx');
  try {
    for (const c of chunks) {
      for (let at = 0; at < c.length; ) at += (await fh.write(c, at, c.length - at)).bytesWritten;
    }
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, path);
}

/** Makes renames in `dir` durable (a no-op where directories cannot be opened). */
export async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Not supported on this platform / file system: the renames are still atomic.
  }
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

function unquote(s: string): string {
  const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', "'": "'", '\\': '\\' };
  return s.replace(/\\([0-7]{1,3}|.)/g, (_, c: string) => (/^[0-7]/.test(c) ? String.fromCharCode(parseInt(c, 8)) : map[c] ?? c));
}

function formatState(dir: string, latest: string, all: string[]): string {
  const rel = (p: string) => (resolve(dirname(p)) === resolve(dir) ? basename(p) : resolve(p));
  return [
    `model_checkpoint_path: ${quote(rel(latest))}`,
    ...all.map((p) => `all_model_checkpoint_paths: ${quote(rel(p))}`),
    '',
  ].join('\n');
}

function readState(dir: string): CheckpointState | null {
  const file = join(dir, STATE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`getCheckpointState: cannot read ${file}: ${(e as Error).message}`);
  }
  let model: string | null = null;
  const all: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const m = /^\s*(\w+)\s*:\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(line);
    if (!m) throw new Error(`getCheckpointState: ${file} line ${i + 1} is malformed: ${JSON.stringify(line)}`);
    const p = unquote(m[2]);
    const full = isAbsolute(p) ? p : join(dir, p);
    if (m[1] === 'model_checkpoint_path') model = full;
    else if (m[1] === 'all_model_checkpoint_paths') all.push(full);
  });
  if (model === null) throw new Error(`getCheckpointState: ${file} has no model_checkpoint_path`);
  if (!all.includes(model)) all.push(model);
  return { modelCheckpointPath: model, allModelCheckpointPaths: all };
}

/**
 * The directory's checkpoint state (TF's tf.train.get_checkpoint_state), or null if there is no
 * `checkpoint` file. Relative paths in the file are joined to `checkpointDir`.
 */
export function getCheckpointState(checkpointDir: string): CheckpointState | null {
  return readState(checkpointDir);
}

/** True if `<prefix>.safetensors` exists and its size matches its header (not truncated). */
function isComplete(prefix: string): boolean {
  let fd: number;
  try {
    fd = openSync(`${prefix}.safetensors`, 'r');
  } catch {
    return false;
  }
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(8);
    if (size < 8 || readSync(fd, head, 0, 8, 0) !== 8) return false;
    const n = Number(new DataView(head.buffer).getBigUint64(0, true));
    if (n > size - 8) return false;
    const json = new Uint8Array(n);
    if (readSync(fd, json, 0, n, 8) !== n) return false;
    const header = JSON.parse(new TextDecoder().decode(json)) as Record<string, { data_offsets?: number[] }>;
    let end = 0;
    for (const [k, e] of Object.entries(header)) if (k !== '__metadata__') end = Math.max(end, e.data_offsets?.[1] ?? 0);
    return 8 + n + end === size;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * The prefix of the newest complete checkpoint in `checkpointDir` (TF's
 * tf.train.latest_checkpoint), or null. Uses the state file; if its latest entry is missing or
 * truncated, falls back to the newest complete one it lists.
 */
export function latestCheckpoint(checkpointDir: string): string | null {
  const state = readState(checkpointDir);
  if (!state) return null;
  const candidates = [state.modelCheckpointPath, ...[...state.allModelCheckpointPaths].reverse()];
  return candidates.find(isComplete) ?? null;
}
