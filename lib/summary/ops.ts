/**
 * Summary "ops" (TF 1.x tf.summary.scalar / histogram / image / text / merge / merge_all).
 *
 * DEVIATION from TF: we have no string dtype, so a summary is not a graph tensor holding a
 * serialized proto. Each function returns a SummaryOp that records the graph tensors it needs;
 * `await op.run(sess, feeds)` fetches them with one sess.run and returns the serialized Summary
 * (Uint8Array) for `writer.addSummary(bytes, step)`. `sess.run` cannot fetch a SummaryOp.
 */
import type { DType } from '../dtype.js';
import { isFloatDType, shapeString } from '../dtype.js';
import { executingEagerly } from '../engine.js';
import type { TensorLike } from '../convert.js';
import { hostTensor } from '../convert.js';
import { Tensor } from '../tensor.js';
import type { Feeds, Session } from '../graph/session.js';
import type { Operation } from '../graph/graph.js';
import { getDefaultGraph } from '../graph/graph.js';
import { GraphKeys } from '../graph/variables.js';
import { encodePng } from '../io/png.js';
import type { HistogramData, SummaryValue } from './proto.js';
import { encodeSummary } from './proto.js';

type Builder = (values: Tensor[]) => SummaryValue[];

/**
 * What one summary computes, as data (so a meta graph can store it and rebuild the builder):
 * the kind, the final tag, and the kind's options. `tensors` of the part are its inputs.
 */
export type SummarySpec =
  | { kind: 'scalar'; tag: string }
  | { kind: 'histogram'; tag: string }
  | { kind: 'image'; tag: string; maxOutputs: number }
  | { kind: 'text'; tag: string; text: string[]; shape: number[] };

/** @internal one summary of a SummaryOp: its spec, input tensors, and the builder from spec. */
export interface Part {
  spec: SummarySpec;
  tensors: Tensor[];
  build: Builder;
}

export interface SummaryOptions {
  /** Graph collections to add the op to (default [tf.GraphKeys.SUMMARIES]). */
  collections?: string[];
}

/** A summary to evaluate in a Session. See the file comment for how it differs from TF. */
export class SummaryOp {
  /** @internal */
  constructor(
    /** The tag (or "merged") this op was created with. */
    readonly name: string,
    /** @internal what to fetch and how to turn the fetched values into Summary values */
    readonly parts: Part[],
  ) {}

  /** The graph (or concrete) tensors this summary reads. */
  get inputs(): Tensor[] {
    return [...new Set(this.parts.flatMap((p) => p.tensors))];
  }

  /** The Summary values: one sess.run for all symbolic inputs (sess may be null if there are none). */
  async values(sess?: Session | null, feeds?: Feeds): Promise<SummaryValue[]> {
    const symbolic = this.inputs.filter((t) => t.isSymbolic);
    let fetched: Tensor[] = [];
    if (symbolic.length) {
      if (!sess) throw new Error(`SummaryOp.run: '${this.name}' reads graph tensors (${symbolic.map((t) => t.name).join(', ')}): pass a Session`);
      fetched = await sess.run(symbolic, feeds);
    }
    const byId = new Map(symbolic.map((t, i) => [t, fetched[i]]));
    try {
      return this.parts.flatMap((p) => p.build(p.tensors.map((t) => byId.get(t) ?? t)));
    } finally {
      fetched.forEach((t) => t.dispose());
    }
  }

  /**
   * Evaluates the summary and returns the serialized Summary proto.
   *
   *   const merged = tf.summary.mergeAll()!;
   *   writer.addSummary(await merged.run(sess, { x: xs }), step);
   */
  async run(sess?: Session | null, feeds?: Feeds): Promise<Uint8Array> {
    return encodeSummary({ value: await this.values(sess, feeds) });
  }
}

// ---------------------------------------------------------------- helpers

/** TF's clean_tag: characters outside [A-Za-z0-9_./-] become '_'. */
function cleanName(name: unknown, fn: string): string {
  if (typeof name !== 'string' || !name) throw new Error(`summary.${fn}: name must be a non-empty string, got ${JSON.stringify(name)}`);
  return name.replace(/[^A-Za-z0-9_./-]/g, '_').replace(/^\/+/, '');
}

/**
 * The tag: the name made unique in the graph under the current name scope ("loss",
 * "train/loss", "loss_1"), as TF's summary scope does — so a summary named like an existing op
 * (e.g. a variable 'W') is tagged 'W_1', exactly as in TF 1.x.
 */
function makeTag(name: string): string {
  return executingEagerly() ? name : getDefaultGraph().uniqueName(name);
}

function register(op: SummaryOp, opts: SummaryOptions): SummaryOp {
  if (!executingEagerly()) for (const c of opts.collections ?? [GraphKeys.SUMMARIES]) getDefaultGraph().addToCollection(c, op);
  return op;
}

function asNumeric(x: TensorLike, arg: string, fn: string): Tensor {
  const t = x instanceof Tensor ? x : hostTensor(x, undefined, undefined, `summary.${fn}`);
  if (t.dtype === 'bool') throw new Error(`summary.${fn}: '${arg}' must be float32, float64 or int32, got bool ${shapeString(t.shape)}`);
  return t;
}

function numbers(t: Tensor): ArrayLike<number> {
  return t.dataSync() as ArrayLike<number>;
}

// ---------------------------------------------------------------- scalar

/**
 * A scalar summary (TensorBoard's scalars tab): `value` holds one number, written as a float.
 *
 *   const s = tf.summary.scalar('loss', loss);
 */
export function scalar(name: string, tensor: TensorLike, opts: SummaryOptions = {}): SummaryOp {
  const base = cleanName(name, 'scalar');
  const t = asNumeric(tensor, 'tensor', 'scalar');
  if (t.shape.every((d) => d !== null) && t.size !== 1) {
    throw new Error(`summary.scalar: '${base}' needs a tensor with one value, got ${t.dtype} ${shapeString(t.shape)}`);
  }
  const tag = makeTag(base);
  return register(new SummaryOp(tag, [makePart({ kind: 'scalar', tag }, [t])]), opts);
}

function scalarBuilder(tag: string): Builder {
  return ([v]) => {
    if (v.size !== 1) throw new Error(`summary.scalar: '${tag}' needs a tensor with one value, got ${v.dtype} ${shapeString(v.shape)}`);
    return [{ tag, simpleValue: numbers(v)[0] }];
  };
}

// ---------------------------------------------------------------- histogram

/** TF's default bucket edges (core/lib/histogram): ±1e-12 · 1.1^k up to 1e20, ±DBL_MAX, and 0. */
const DEFAULT_LIMITS: Float64Array = (() => {
  const pos: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
  pos.push(Number.MAX_VALUE);
  return Float64Array.from([...pos.map((v) => -v).reverse(), 0, ...pos]);
})();

/** Index of the first limit strictly greater than x (TF's std::upper_bound). */
function bucketIndex(x: number): number {
  let lo = 0;
  let hi = DEFAULT_LIMITS.length - 1; // the last limit (DBL_MAX) catches everything finite
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (DEFAULT_LIMITS[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The histogram TF's HistogramSummary op writes: default buckets, runs of empty buckets
 * collapsed into one (EncodeToProto with preserve_zero_buckets = false). Throws on NaN / Inf.
 */
export function computeHistogram(values: ArrayLike<number>, tag = 'values'): HistogramData {
  const counts = new Float64Array(DEFAULT_LIMITS.length);
  let min = Number.MAX_VALUE;
  let max = -Number.MAX_VALUE;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) throw new Error(`summary.histogram: NaN or Inf in the values of '${tag}' (element ${i} is ${x})`);
    counts[bucketIndex(x)]++;
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
    sumSquares += x * x;
  }
  const bucketLimit: number[] = [];
  const bucket: number[] = [];
  for (let i = 0; i < counts.length; ) {
    let end = DEFAULT_LIMITS[i];
    let count = counts[i++];
    if (count <= 0) {
      while (i < counts.length && counts[i] <= 0) {
        end = DEFAULT_LIMITS[i];
        count = counts[i++];
      }
    }
    bucketLimit.push(end);
    bucket.push(count);
  }
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
}

/**
 * A histogram summary of all elements of `values` (TensorBoard's histograms / distributions).
 * NaN or Inf values make `run` throw, as TF does.
 *
 *   tf.summary.histogram('fc1/W', W);
 */
export function histogram(name: string, values: TensorLike, opts: SummaryOptions = {}): SummaryOp {
  const base = cleanName(name, 'histogram');
  const t = asNumeric(values, 'values', 'histogram');
  const tag = makeTag(base);
  return register(new SummaryOp(tag, [makePart({ kind: 'histogram', tag }, [t])]), opts);
}

// ---------------------------------------------------------------- image

export interface ImageOptions extends SummaryOptions {
  /** Images written from the batch (default 3). */
  maxOutputs?: number;
}

/**
 * Float pixels → uint8 as TF's image summary does (per image, ignoring non-finite pixels):
 * all ≥ 0 → scaled so the max is 255; any < 0 → 0 maps to 128 and the max |value| to ±127.
 * Pixels with a non-finite channel become red (TF's bad_color).
 */
function floatToBytes(v: ArrayLike<number>, start: number, hw: number, c: number, out: Uint8Array): void {
  const finite = (p: number) => {
    for (let j = 0; j < c; j++) if (!Number.isFinite(v[start + p * c + j])) return false;
    return true;
  };
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < hw; p++) {
    if (!finite(p)) continue;
    for (let j = 0; j < c; j++) {
      const x = v[start + p * c + j];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  let scale: number;
  let offset: number;
  if (lo < 0) {
    const m = Math.max(Math.abs(lo), Math.abs(hi));
    scale = m < 1e-6 ? 0 : 127 / m;
    offset = 128;
  } else {
    scale = hi < 1e-6 ? 0 : 255 / hi;
    offset = 0;
  }
  const bad = [255, 0, 0, 255];
  for (let p = 0; p < hw; p++) {
    const ok = finite(p);
    for (let j = 0; j < c; j++) out[p * c + j] = ok ? Math.trunc(v[start + p * c + j] * scale + offset) : bad[j];
  }
}

/**
 * Image summaries of the first `maxOutputs` images of a [batch, height, width, channels]
 * tensor (channels 1, 3 or 4), PNG-encoded. Float images are rescaled per image as in TF (values
 * in [0, 1] map to [0, 255]); int32 images must already hold 0..255. Tags: "name/image" when
 * maxOutputs is 1, else "name/image/0", "name/image/1", …
 *
 *   tf.summary.image('inputs', tf.reshape(x, [-1, 28, 28, 1]), { maxOutputs: 4 });
 */
export function image(name: string, tensor: TensorLike, opts: ImageOptions = {}): SummaryOp {
  const base = cleanName(name, 'image');
  const t = asNumeric(tensor, 'tensor', 'image');
  const maxOutputs = opts.maxOutputs ?? 3;
  if (!Number.isInteger(maxOutputs) || maxOutputs < 1) throw new Error(`summary.image: maxOutputs must be a positive integer, got ${String(opts.maxOutputs)}`);
  checkImageShape(t, t.shape, base);
  const tag = makeTag(base);
  return register(new SummaryOp(tag, [makePart({ kind: 'image', tag, maxOutputs }, [t])]), opts);
}

function checkImageShape(t: Tensor, shape: readonly (number | null)[], name: string): void {
  const c = shape[3];
  if (shape.length !== 4 || (c !== null && c !== 1 && c !== 3 && c !== 4)) {
    throw new Error(`summary.image: '${name}' needs a [batch, height, width, channels] tensor ` +
      `with 1, 3 or 4 channels, got ${t.dtype} ${shapeString(shape)}`);
  }
}

function imageBuilder(tag: string, maxOutputs: number): Builder {
  return ([v]) => {
    checkImageShape(v, v.shape, tag);
    const [n, h, w, c] = v.shape;
    const data = numbers(v);
    const hw = h * w;
    const out: SummaryValue[] = [];
    for (let i = 0; i < Math.min(n, maxOutputs); i++) {
      const px = new Uint8Array(hw * c);
      if (isFloatDType(v.dtype as DType)) floatToBytes(data, i * hw * c, hw, c, px);
      else {
        for (let k = 0; k < px.length; k++) {
          const x = data[i * hw * c + k];
          if (x < 0 || x > 255) throw new Error(`summary.image: int32 image '${tag}' must hold values in 0..255, found ${x}`);
          px[k] = x;
        }
      }
      const encodedImageString = encodePng(px, h, w, c);
      out.push({
        tag: maxOutputs > 1 ? `${tag}/image/${i}` : `${tag}/image`,
        image: { height: h, width: w, colorspace: c, encodedImageString },
      });
    }
    return out;
  };
}

// ---------------------------------------------------------------- text

/**
 * A text summary (TensorBoard's text tab; Markdown is rendered). We have no string dtype, so
 * the text is a JavaScript string (or an array of strings, shown as a table), fixed when the op
 * is created.
 *
 *   tf.summary.text('config', JSON.stringify(hparams));
 */
export function text(name: string, value: string | string[], opts: SummaryOptions = {}): SummaryOp {
  const base = cleanName(name, 'text');
  const ok = typeof value === 'string' || (Array.isArray(value) && value.every((s) => typeof s === 'string'));
  if (!ok) throw new Error(`summary.text: '${base}' needs a string or an array of strings (nodeflow has no string tensors), got ${typeof value}`);
  const strings = typeof value === 'string' ? [value] : [...value];
  const shape = typeof value === 'string' ? [] : [strings.length];
  const tag = makeTag(base);
  const part = makePart({ kind: 'text', tag, text: strings, shape }, []);
  return register(new SummaryOp(tag, [part]), opts);
}

// ---------------------------------------------------------------- parts from specs

/** @internal the part computing `spec` from `tensors` (also used by importMetaGraph). */
export function makePart(spec: SummarySpec, tensors: Tensor[]): Part {
  const want = spec.kind === 'text' ? 0 : 1;
  if (tensors.length !== want) {
    const got = tensors.length;
    throw new Error(`summary ${spec.kind} '${spec.tag}': expected ${want} input(s), got ${got}`);
  }
  switch (spec.kind) {
    case 'scalar':
      return { spec, tensors, build: scalarBuilder(spec.tag) };
    case 'histogram': {
      const { tag } = spec;
      const build: Builder = ([v]) => [{ tag, histo: computeHistogram(numbers(v), tag) }];
      return { spec, tensors, build };
    }
    case 'image':
      return { spec, tensors, build: imageBuilder(spec.tag, spec.maxOutputs) };
    case 'text': {
      const { tag, text: strings, shape } = spec;
      return { spec, tensors, build: () => [{ tag, text: [...strings], shape: [...shape] }] };
    }
    default:
      throw new Error(`summary: unknown summary kind '${(spec as { kind: string }).kind}'`);
  }
}

// ---------------------------------------------------------------- merge

/**
 * One SummaryOp for several (TF's tf.summary.merge): its run() evaluates them all with one
 * sess.run. Not added to any collection.
 */
export function merge(inputs: SummaryOp[], name = 'merged'): SummaryOp {
  if (!Array.isArray(inputs)) throw new Error('summary.merge: inputs must be an array of SummaryOps');
  inputs.forEach((s, i) => {
    if (!(s instanceof SummaryOp)) throw new Error(`summary.merge: input ${i} is not a SummaryOp (got ${s === null ? 'null' : typeof s})`);
  });
  return new SummaryOp(name, inputs.flatMap((s) => s.parts));
}

/**
 * Merges every summary in the default graph's collection `key` (default tf.GraphKeys.SUMMARIES),
 * or returns null if there is none (as TF returns None).
 */
export function mergeAll(key: string = GraphKeys.SUMMARIES): SummaryOp | null {
  const ops = getDefaultGraph().getCollection<SummaryOp | Operation>(key).filter((x): x is SummaryOp => x instanceof SummaryOp);
  return ops.length ? merge(ops) : null;
}
