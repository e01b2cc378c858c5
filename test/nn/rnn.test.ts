// tf.nn.rnnCell and tf.nn.dynamicRnn: the cells' math against a JavaScript reference, the loop
// (one whileLoop) against the same cell called step by step in the graph, gradients against
// float64 finite differences and against the unrolled graph, sequenceLength, eager mode, and a
// small LSTM that learns.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { inGraph, withEager } from '../helpers/check_op.js';
import { rng, uniform } from '../helpers/random.js';

const [B, T, D, H] = [2, 4, 3, 5];
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const flat = (s: tf.RNNState): Tensor[] => (Array.isArray(s) ? s.flatMap(flat) : [s]);

/** y = [x, h]·K + b for one batch row, in float64. */
function affine(x: number[], h: number[], K: Float64Array, b: Float64Array, cols: number): number[] {
  const xh = [...x, ...h];
  return Array.from({ length: cols }, (_, j) => xh.reduce((acc, v, i) => acc + v * K[i * cols + j], b[j]));
}

describe('tf.nn.dynamicRnn', () => {
  it('BasicLSTMCell: TF names and shapes, and the LSTM equations (JavaScript reference)', async () => {
    await inGraph(async () => {
      const x = tf.placeholder('float64', [B, T, D], 'x');
      const cell = new tf.nn.rnnCell.BasicLSTMCell(H);
      const [outputs, state] = tf.nn.dynamicRnn(cell, x);
      expect(tf.trainableVariables().map((v) => `${v.name} ${JSON.stringify(v.shape)}`)).toEqual([
        `rnn/basic_lstm_cell/kernel:0 [${D + H},${4 * H}]`, `rnn/basic_lstm_cell/bias:0 [${4 * H}]`]);
      expect(outputs.shape).toEqual([B, T, H]);   // the steps are known statically here
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      // A non-zero bias, so every term is exercised.
      const [kernel, bias] = tf.trainableVariables();
      const bv = uniform(4 * H, -0.5, 0.5, rng(2));
      await sess.run(tf.assign(bias, tf.constant(bv, 'float64')));
      const xv = uniform(B * T * D, -1, 1, rng(1));
      const [out, c, h, K] = await sess.run([outputs, ...flat(state), kernel], { x: xv });
      const Kv = K.dataSync() as Float64Array;
      for (let b = 0; b < B; b++) {
        let [cs, hs] = [new Array(H).fill(0), new Array(H).fill(0)];
        for (let t = 0; t < T; t++) {
          const z = affine(Array.from(xv.slice((b * T + t) * D, (b * T + t + 1) * D)), hs, Kv, bv, 4 * H);
          const g = (k: number, j: number) => z[k * H + j];   // i, j, f, o
          cs = cs.map((cv, j) => cv * sig(g(2, j) + 1) + sig(g(0, j)) * Math.tanh(g(1, j)));
          hs = cs.map((cv, j) => Math.tanh(cv) * sig(g(3, j)));
          for (let j = 0; j < H; j++) expect(out.dataSync()[(b * T + t) * H + j]).toBeCloseTo(hs[j], 12);
        }
        for (let j = 0; j < H; j++) {
          expect(c.dataSync()[b * H + j]).toBeCloseTo(cs[j], 12);
          expect(h.dataSync()[b * H + j]).toBeCloseTo(hs[j], 12);
        }
      }
    });
  });

  for (const [name, make] of [
    ['BasicRNNCell', () => new tf.nn.rnnCell.BasicRNNCell(H)],
    ['GRUCell', () => new tf.nn.rnnCell.GRUCell(H)],
    ['MultiRNNCell of LSTM + GRU', () => new tf.nn.rnnCell.MultiRNNCell([new tf.nn.rnnCell.LSTMCell(H), new tf.nn.rnnCell.GRUCell(H)])],
  ] as const) {
    it(`${name}: the loop equals the cell called step by step, values and gradients (float64)`, async () => {
      await inGraph(async () => {
        const x = tf.placeholder('float64', [B, T, D], 'x');
        const cell = make();
        const [outputs, state] = tf.nn.dynamicRnn(cell, x);
        // The same cell (same variables) unrolled in the graph.
        let s = cell.zeroState(B, 'float64');
        const steps: Tensor[] = [];
        for (let t = 0; t < T; t++) {
          const [o, next] = cell.call(tf.reshape(tf.slice(x, [0, t, 0], [B, 1, D]), [B, D]), s);
          steps.push(o);
          s = next;
        }
        const unrolled = tf.stack(steps, 1);
        const w = tf.constant(uniform(B * T * H, -1, 1, rng(4)), 'float64', [B, T, H]);
        const loss = (o: Tensor, st: tf.RNNState) => tf.add(tf.reduceSum(tf.mul(o, w)), tf.reduceSum(tf.square(flat(st)[0])));
        const vars = tf.trainableVariables();
        const gLoop = tf.gradients(loss(outputs, state), [x, ...vars]);
        const gUnrolled = tf.gradients(loss(unrolled, s), [x, ...vars]);
        const sess = new tf.Session();
        await sess.run(tf.globalVariablesInitializer());
        const feeds = { x: uniform(B * T * D, -1, 1, rng(3)) };
        const a = (await sess.run([outputs, ...flat(state), ...(gLoop as Tensor[])], feeds)) as Tensor[];
        const b = (await sess.run([unrolled, ...flat(s), ...(gUnrolled as Tensor[])], feeds)) as Tensor[];
        a.forEach((t, i) => {
          const [u, v] = [t.dataSync(), b[i].dataSync()];
          expect(t.shape).toEqual(b[i].shape);
          for (let e = 0; e < u.length; e++) expect(u[e], `fetch ${i}[${e}]`).toBeCloseTo(v[e] as number, 12);
        });
      });
    });
  }

  it('gradients match finite differences (float64) for the inputs and the initial state', async () => {
    await inGraph(async () => {
      const x = tf.placeholder('float64', [B, T, D], 'x');
      const c0 = tf.placeholder('float64', [B, H], 'c0');
      const h0 = tf.placeholder('float64', [B, H], 'h0');
      const [outputs, [c, h]] = tf.nn.dynamicRnn(new tf.nn.rnnCell.BasicLSTMCell(H), x, { initialState: [c0, h0] }) as [Tensor, Tensor[]];
      const y = tf.add(tf.reduceSum(tf.mul(outputs, tf.constant(uniform(B * T * H, -1, 1, rng(6)), 'float64', [B, T, H]))),
        tf.reduceSum(tf.mul(c, h)));
      const grads = tf.gradients(y, [x, c0, h0]) as Tensor[];
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      const next = rng(7);
      const feeds: Record<string, Float64Array> = { x: uniform(B * T * D, -1, 1, next), c0: uniform(B * H, -1, 1, next), h0: uniform(B * H, -1, 1, next) };
      const analytic = ((await sess.run(grads, feeds)) as Tensor[]).map((t) => t.dataSync());
      const eps = 1e-6;
      for (const [gi, k] of ['x', 'c0', 'h0'].entries()) {
        for (let e = 0; e < feeds[k].length; e += 2) {
          const at = (d: number) => { const v = Float64Array.from(feeds[k]); v[e] += d; return { ...feeds, [k]: v }; };
          const numeric = ((await sess.run(y, at(eps))).item() as number - ((await sess.run(y, at(-eps))).item() as number)) / (2 * eps);
          expect(analytic[gi][e] as number, `d y / d ${k}[${e}]`).toBeCloseTo(numeric, 6);
        }
      }
    });
  });

  it('sequenceLength: zero outputs and a carried state past each sequence end; time-major inputs; steps known at run time', async () => {
    await inGraph(async () => {
      const x = tf.placeholder('float32', [null, null, D], 'x');   // [time, batch, features]
      const len = tf.placeholder('int32', [null], 'len');
      const cell = new tf.nn.rnnCell.GRUCell(H);
      const [outputs, state] = tf.nn.dynamicRnn(cell, x, { timeMajor: true, sequenceLength: len });
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      const xv = Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => [t + 1, -b, 0.5]));
      const [o, s] = await sess.run([outputs, state as Tensor], { x: xv, len: [2, 4] });
      expect(o.shape).toEqual([T, B, H]);
      const ov = o.dataSync();
      const row = (t: number, b: number) => Array.from(ov.slice((t * B + b) * H, (t * B + b + 1) * H));
      expect(row(2, 0).every((v) => v === 0)).toBe(true);
      expect(row(3, 0).every((v) => v === 0)).toBe(true);
      expect(row(3, 1).some((v) => v !== 0)).toBe(true);
      expect(Array.from(s.dataSync().slice(0, H))).toEqual(row(1, 0));   // the state at step 2
      expect(Array.from(s.dataSync().slice(H))).toEqual(row(3, 1));
      // Three steps this time.
      expect((await sess.run(outputs, { x: xv.slice(0, 3), len: [3, 3] })).shape).toEqual([3, B, H]);
    });
  });

  it('runs eagerly (a JavaScript loop) with the same math as the graph', async () => {
    const xv = uniform(B * T * D, -1, 1, rng(9));
    const init = tf.constantInitializer(0.1);
    const graphOut = await inGraph(async () => {
      const [o] = tf.nn.dynamicRnn(new tf.nn.rnnCell.BasicRNNCell(H, { kernelInitializer: init }), tf.constant(xv, 'float64', [B, T, D]));
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      return (await sess.run(o)).dataSync();
    });
    const eagerOut = withEager(() => {
      const [o] = tf.nn.dynamicRnn(new tf.nn.rnnCell.BasicRNNCell(H, { kernelInitializer: init }), tf.constant(xv, 'float64', [B, T, D]));
      return o.dataSync();
    });
    Array.from(eagerOut).forEach((v, i) => expect(v).toBeCloseTo(graphOut[i] as number, 12));
  });

  it('an LSTM learns to tell whether a sequence sums above zero', async () => {
    await inGraph(async () => {
      tf.setRandomSeed(3);
      const [n, steps] = [64, 8];
      const x = tf.placeholder('float32', [null, steps, 1], 'x');
      const y = tf.placeholder('float32', [null, 1], 'y');
      const [, [, h]] = tf.nn.dynamicRnn(new tf.nn.rnnCell.BasicLSTMCell(8), x) as [Tensor, Tensor[]];
      const logits = tf.layers.dense(h, { units: 1 });
      const loss = tf.reduceMean(tf.nn.sigmoidCrossEntropyWithLogits({ labels: y, logits }));
      const train = new tf.train.AdamOptimizer(0.05).minimize(loss);
      const next = rng(5);
      const xv = uniform(n * steps, -1, 1, next);
      const yv = Float32Array.from({ length: n }, (_, i) => (xv.slice(i * steps, (i + 1) * steps).reduce((a, v) => a + v, 0) > 0 ? 1 : 0));
      const feeds = { x: Float32Array.from(xv), y: yv };
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      const first = (await sess.run(loss, feeds)).item() as number;
      for (let i = 0; i < 150; i++) await sess.run(train, feeds);
      const last = (await sess.run(loss, feeds)).item() as number;
      expect(first).toBeGreaterThan(0.6);
      expect(last).toBeLessThan(0.25);
    });
  });

  it('bidirectionalDynamicRnn: the backward cell reads each sequence from its own end (float64 gradients)', async () => {
    await inGraph(async () => {
      const x = tf.placeholder('float64', [B, T, D], 'x');
      const len = tf.placeholder('int32', [B], 'len');
      const [[fw, bw], [sFw, sBw]] = tf.nn.bidirectionalDynamicRnn(
        new tf.nn.rnnCell.BasicLSTMCell(H), new tf.nn.rnnCell.GRUCell(H), x, { sequenceLength: len });
      expect(tf.trainableVariables().map((v) => v.opName)).toEqual([
        'bidirectional_rnn/fw/basic_lstm_cell/kernel', 'bidirectional_rnn/fw/basic_lstm_cell/bias',
        'bidirectional_rnn/bw/gru_cell/gates/kernel', 'bidirectional_rnn/bw/gru_cell/gates/bias',
        'bidirectional_rnn/bw/gru_cell/candidate/kernel', 'bidirectional_rnn/bw/gru_cell/candidate/bias']);
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      const feeds = { x: uniform(B * T * D, -1, 1, rng(12)), len: [2, 4] };
      const [f, b, h, g] = (await sess.run([fw, bw, flat(sFw)[1], sBw as Tensor], feeds)) as Tensor[];
      const at = (t: Tensor, bi: number, ti: number) => Array.from(t.dataSync().slice((bi * T + ti) * H, (bi * T + ti + 1) * H));
      // Sequence 0 has length 2: zero outputs past it in both directions; the backward output at
      // step 0 is where the backward pass ended (its final state), the forward one at step 1.
      expect([...at(f, 0, 2), ...at(b, 0, 3)].every((v) => v === 0)).toBe(true);
      expect(at(b, 0, 0)).toEqual(Array.from(g.dataSync().slice(0, H)));
      expect(at(f, 0, 1)).toEqual(Array.from(h.dataSync().slice(0, H)));
      expect(at(b, 1, 0)).toEqual(Array.from(g.dataSync().slice(H)));
      const y = tf.add(tf.reduceSum(tf.mul(fw, tf.constant(uniform(B * T * H, -1, 1, rng(13)), 'float64', [B, T, H]))),
        tf.reduceSum(tf.mul(bw, tf.constant(uniform(B * T * H, -1, 1, rng(14)), 'float64', [B, T, H]))));
      const [dx] = tf.gradients(y, [x]) as Tensor[];
      const analytic = (await sess.run(dx, feeds)).dataSync();
      const eps = 1e-6;
      for (let e = 0; e < B * T * D; e += 3) {
        const at2 = (d: number) => { const v = Float64Array.from(feeds.x); v[e] += d; return { ...feeds, x: v }; };
        const numeric = ((await sess.run(y, at2(eps))).item() as number - ((await sess.run(y, at2(-eps))).item() as number)) / (2 * eps);
        expect(analytic[e] as number, `d y / d x[${e}]`).toBeCloseTo(numeric, 6);
      }
    });
  });

  it('refuses bad inputs with clear errors', async () => {
    await inGraph(async () => {
      const cell = new tf.nn.rnnCell.BasicLSTMCell(4);
      expect(() => tf.nn.dynamicRnn(cell, tf.zeros([2, 3]))).toThrow(/dynamicRnn: inputs must be a rank-3 tensor .*got \[2,3\]/);
      expect(() => new tf.nn.rnnCell.GRUCell(0)).toThrow(/GRUCell: numUnits must be an integer > 0, got 0/);
      expect(() => new tf.nn.rnnCell.LSTMCell(4, { usePeepholes: true })).toThrow(/LSTMCell: usePeepholes, numProj and cellClip are not supported yet/);
      expect(() => cell.call(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(/BasicLSTMCell: the state must be \[c, h\]/);
    });
  });
});
