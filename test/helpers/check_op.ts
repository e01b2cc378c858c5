/**
 * checkOp: one call tests an op three ways (tinygrad helper_test_op + ggml test-backend-ops):
 * forward against a float64 JavaScript reference (float32 and float64), analytic against
 * finite-difference gradients in float64, and CPU against CUDA (skipped without a GPU). With
 * `transpose`, inputs of rank >= 2 arrive non-contiguous (a transposed view).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from './close.js';
import { hasCuda } from './devices.js';
import { analyticGrads, gradcheck } from './gradcheck.js';
import { rng, uniform } from './random.js';

type Out = Tensor | Tensor[];
/** A reference result: the flat values of each output (f64), or one output's values. */
type RefResult = ArrayLike<number> | ArrayLike<number>[];

export interface CheckOpOptions {
  /** The op under test, called through the public API with one tensor per input. */
  fn: (...xs: Tensor[]) => Out;
  /** One shape per input. */
  shapes: number[][];
  /** Per-input dtypes; default float32 (forward) and float64 (gradients). 'int32'/'bool' stay. */
  dtypes?: ('float' | 'int32' | 'bool')[];
  /** Explicit input values (per input; undefined entries are sampled). */
  inputs?: (ArrayLike<number> | undefined)[];
  low?: number;
  high?: number;
  /** Rejects sampled values, e.g. near a kink: (v) => Math.abs(v) < 0.1. */
  avoid?: (v: number) => boolean;
  /** float64 reference on the flat input values (already rounded to the tested precision). */
  ref?: (xs: Float64Array[], shapes: number[][]) => RefResult;
  /** Expected output shapes (per output). */
  outShapes?: number[][];
  /** Skip the gradient check (non-differentiable op, or size 0). */
  forwardOnly?: boolean;
  /** Inputs to differentiate (default: every float input). */
  wrt?: number[];
  /** Feed rank >= 2 inputs as transposed (non-contiguous) views. */
  transpose?: boolean;
  atol?: number;
  rtol?: number;
  gradAtol?: number;
  gradRtol?: number;
  seed?: number;
  name?: string;
  /** Random op: values differ between eager and graph runs (other counters); compare shapes. */
  random?: boolean;
  /** Only the CPU-vs-CUDA comparison (large sizes for tails and many blocks; skipped on CPUs). */
  cudaOnly?: boolean;
  /** CPU vs CUDA tolerances (float32) when they must differ from atol/rtol, with a reason. */
  cudaAtol?: number;
  cudaRtol?: number;
}

function sampleInputs(o: CheckOpOptions): Float64Array[] {
  const next = rng(o.seed ?? 42);
  return o.shapes.map((s, i) => {
    const n = s.reduce((a, b) => a * b, 1);
    const given = o.inputs?.[i];
    if (given) return Float64Array.from(given);
    return uniform(n, o.low ?? -2, o.high ?? 2, next, o.avoid);
  });
}

function dtypeOf(o: CheckOpOptions, i: number, float: 'float32' | 'float64'): tf.DType {
  const d = o.dtypes?.[i] ?? 'float';
  return d === 'float' ? float : d;
}

/** Builds input i; with `transpose`, as a transposed view of a transposed buffer. */
function makeInput(values: Float64Array, shape: number[], dtype: tf.DType, transpose: boolean): Tensor {
  if (!transpose || shape.length < 2) return tf.constant(Array.from(values), dtype, shape);
  const r = shape.length;
  const [rows, cols] = [shape[r - 2], shape[r - 1]];
  const swapped = [...shape.slice(0, r - 2), cols, rows];
  const buf = new Float64Array(values.length);
  const batch = values.length / Math.max(rows * cols, 1);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) buf[b * rows * cols + j * rows + i] = values[b * rows * cols + i * cols + j];
  const perm = [...Array(r - 2).keys(), r - 1, r - 2];
  const base = tf.constant(Array.from(buf), dtype, swapped);
  return (tf as unknown as { transpose(x: Tensor, p: number[]): Tensor }).transpose(base, perm);
}

function roundTo(values: Float64Array, dtype: tf.DType): Float64Array {
  if (dtype === 'float32') return Float64Array.from(Float32Array.from(values));
  if (dtype === 'int32' || dtype === 'bool') return Float64Array.from(values, (v) => Math.trunc(v));
  return values;
}

function forward(o: CheckOpOptions, float: 'float32' | 'float64', transpose: boolean): void {
  const values = sampleInputs(o).map((v, i) => roundTo(v, dtypeOf(o, i, float)));
  tf.tidy(() => {
    const xs = values.map((v, i) => makeInput(v, o.shapes[i], dtypeOf(o, i, float), transpose));
    const raw = o.fn(...xs);
    const ys = Array.isArray(raw) ? raw : [raw];
    o.outShapes?.forEach((s, k) => expect(ys[k].shape, `output ${k} shape`).toEqual(s));
    if (!o.ref) return;
    const r = o.ref(values, o.shapes);
    const multi = Array.isArray(r) && r.length > 0 && typeof r[0] === 'object';
    const refs = (multi ? r : [r]) as ArrayLike<number>[];
    expect(ys.length, 'number of outputs').toBe(refs.length);
    const tol = float === 'float32' ? { atol: o.atol ?? 1e-5, rtol: o.rtol ?? 1e-4 } : { atol: 1e-10, rtol: 1e-9 };
    ys.forEach((y, k) => expectClose(Array.from(y.dataSync() as ArrayLike<number>), refs[k], tol, `${float} output ${k}`));
  });
}

export function checkOp(op: string, o: CheckOpOptions): void {
  const label = o.name ?? `${op} ${o.shapes.map((s) => `[${s}]`).join(' ')}${o.transpose ? ' (transposed)' : ''}`;
  describe(label, () => {
    if (!o.cudaOnly) cpuChecks(o);
    describe.runIf(hasCuda)('cpu vs cuda', () => {
      if (hasCuda && !tf.cuda.hasKernel(op)) {
        it.skip(`${op} has no CUDA kernel: it runs on the CPU`, () => {});
      } else {
        it('forward and gradients match (float32, same inputs)', () => withEager(() => cudaCheck(o)));
      }
    });
  });
}

/** Reference (float32 and float64), finite-difference gradients, graph mode vs eager. */
function cpuChecks(o: CheckOpOptions): void {
  it('forward float32 vs reference', () => tf.tidy(() => withEager(() => forward(o, 'float32', !!o.transpose))));
  it('forward float64 vs reference', () => tf.tidy(() => withEager(() => forward(o, 'float64', !!o.transpose))));
  if (!o.forwardOnly) {
    it('gradient: analytic vs finite differences (float64)', () =>
      withEager(() => {
        const values = sampleInputs(o).map((v, i) => roundTo(v, dtypeOf(o, i, 'float64')));
        const dtypes = values.map((_, i) => dtypeOf(o, i, 'float64'));
        gradcheck(o.fn, values, o.shapes, dtypes, { wrt: o.wrt, atol: o.gradAtol, rtol: o.gradRtol });
      }));
  }
  it('graph mode: forward and tf.gradients match eager (float64)', () => graphCheck(o));
}

/**
 * The same op built in a fresh graph with placeholders: its forward values match the reference
 * and tf.gradients (seeded with the same projection w) matches the eager tape.
 */
function graphCheck(o: CheckOpOptions): void {
  const values = sampleInputs(o).map((v, i) => roundTo(v, dtypeOf(o, i, 'float64')));
  const dtypes = values.map((_, i) => dtypeOf(o, i, 'float64'));
  const wrt = o.wrt ?? dtypes.map((d, i) => (d === 'float64' ? i : -1)).filter((i) => i >= 0);
  const next = rng(77);
  // Eager reference values and gradients.
  const eager = withEager(() =>
    tf.tidy(() => {
      const xs = values.map((v, i) => tf.constant(Array.from(v), dtypes[i], o.shapes[i]));
      const ys = [o.fn(...xs)].flat();
      const ws = ys.map((y) => uniform(y.size, -1, 1, next));
      const out = ys.map((y) => Array.from(y.dataSync() as ArrayLike<number>));
      const grads = o.forwardOnly ? [] : analyticGrads(o.fn, xs, wrt, ws);
      return { out, shapes: ys.map((y) => y.shape), ws, grads };
    }),
  );
  const was = tf.executingEagerly();
  tf.disableEagerExecution();
  try {
    const g = new tf.Graph();
    g.asDefault(() => {
      const phs = values.map((_, i) => tf.placeholder(dtypes[i], o.shapes[i], `in${i}`));
      const ys = [o.fn(...phs)].flat();
      ys.forEach((y, k) => expect(y.shape, `graph output ${k} static shape`).toEqual(eager.shapes[k]));
      const seeds = ys.map((y, k) => tf.constant(eager.ws[k], 'float64', eager.shapes[k]));
      const grads = o.forwardOnly ? [] : tf.gradients(ys, wrt.map((i) => phs[i]), seeds);
      const hosts = withEager(() => values.map((v, i) => tf.keep(tf.constant(Array.from(v), dtypes[i], o.shapes[i]))));
      const feeds = new Map(phs.map((p, i) => [p, hosts[i]] as [Tensor, Tensor]));
      const sess = new tf.Session({ graph: g });
      const outs = sess.runSync(ys, feeds) as Tensor[];
      // Deterministic ops agree with eager exactly (same kernels); random ones only in shape.
      outs.forEach((y, k) => {
        expect(y.shape, `graph output ${k} shape`).toEqual(eager.shapes[k]);
        if (o.ref && !o.random) expectClose(Array.from(y.dataSync() as ArrayLike<number>), eager.out[k], { atol: 1e-10, rtol: 1e-9 }, `graph output ${k}`);
      });
      grads.forEach((gr, j) => {
        const e = eager.grads[j];
        if (!gr || !e) {
          expect(gr === null, `graph gradient ${j} is null exactly when eager's is`).toBe(e === null);
          return;
        }
        const v = sess.runSync(gr, feeds) as Tensor;
        expectClose(Array.from(v.dataSync() as ArrayLike<number>), e, { atol: 1e-9, rtol: 1e-7 }, `graph gradient of input ${wrt[j]}`);
      });
      sess.close();
      tf.dispose(hosts);
    });
  } finally {
    if (was) tf.enableEagerExecution();
  }
}

/** Forward values and analytic gradients (seeded with the same random projection) on one device. */
function runOn(o: CheckOpOptions, device: 'cpu' | 'cuda:0', values: Float64Array[], dtypes: tf.DType[], wrt: number[]) {
  return tf.device(device, () =>
    tf.tidy(() => {
      // Transposed inputs are made on the device (a strided device view); others are copied.
      const xs = values.map((v, i) => {
        const x = makeInput(v, o.shapes[i], dtypes[i], !!o.transpose);
        return x.device === device ? x : x.to(device);
      });
      const tape = new tf.GradientTape();
      const ys = [tape.record(() => {
        tape.watch(wrt.map((i) => xs[i]));
        return o.fn(...xs);
      })].flat();
      const next = rng(99);
      const diff = ys.filter((y) => y.dtype === 'float32');
      const seeds = diff.map((y) => tf.constant(Array.from(uniform(y.size, -1, 1, next)), 'float32', y.shape));
      const grads = wrt.length && diff.length ? tape.gradient(diff, wrt.map((i) => xs[i]), seeds) : [];
      return {
        devices: ys.map((y) => y.device),
        shapes: ys.map((y) => y.shape),
        out: ys.map((y) => Array.from(y.dataSync() as ArrayLike<number>)),
        grads: grads.map((g) => (g ? Array.from(g.dataSync() as ArrayLike<number>) : null)),
      };
    }),
  );
}

/**
 * The same float32 inputs through the CPU kernels and the CUDA kernels: outputs and gradients
 * agree within atol + rtol·|cpu| (gradients 10x looser: they chain several kernels).
 */
function cudaCheck(o: CheckOpOptions): void {
  const values = sampleInputs(o).map((v, i) => roundTo(v, dtypeOf(o, i, 'float32')));
  const dtypes = values.map((_, i) => dtypeOf(o, i, 'float32'));
  const wrt = o.forwardOnly ? [] : o.wrt ?? dtypes.map((d, i) => (d === 'float32' ? i : -1)).filter((i) => i >= 0);
  const cpu = runOn(o, 'cpu', values, dtypes, wrt);
  const gpu = runOn(o, 'cuda:0', values, dtypes, wrt);
  expect(gpu.devices, 'outputs of the cuda:0 run live on the GPU').toContain('cuda:0');
  expect(gpu.shapes, 'output shapes').toEqual(cpu.shapes);
  if (o.random) return;   // other counters: compared bit for bit in test/cuda/random.test.ts
  const atol = o.cudaAtol ?? o.atol ?? 1e-5;
  const rtol = o.cudaRtol ?? o.rtol ?? 1e-4;
  gpu.out.forEach((v, k) => expectClose(v, cpu.out[k], { atol, rtol }, `cuda output ${k}`));
  gpu.grads.forEach((g, j) => {
    if (!g || !cpu.grads[j]) {
      expect(g === null, `cuda gradient ${j} is null exactly when the CPU's is`).toBe(cpu.grads[j] === null);
      return;
    }
    expectClose(g, cpu.grads[j]!, { atol: atol * 10, rtol: rtol * 10 }, `cuda gradient of input ${wrt[j]}`);
  });
}

/** fn run with a fresh graph as the default graph (async fns keep it across awaits). */
export function inGraph<T>(fn: (g: tf.Graph) => T): T {
  const g = new tf.Graph();
  return g.asDefault(() => fn(g));
}

/** Runs fn in eager mode, restoring the previous mode afterwards. */
export function withEager<T>(fn: () => T): T {
  const was = tf.executingEagerly();
  tf.enableEagerExecution();
  try {
    return fn();
  } finally {
    if (!was) tf.disableEagerExecution();
  }
}
