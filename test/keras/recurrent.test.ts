// tf.keras.layers.SimpleRNN, LSTM and GRU: Keras' equations against a JavaScript reference with
// set weights, output shapes (returnSequences, returnState, goBackwards), float64 gradients of
// the input and every weight, training through fit, and a model file round trip.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { freshGraph, kerasGradcheck, randomArray } from './helpers.js';

beforeEach(freshGraph);
const root = mkdtempSync(join(tmpdir(), 'nf-rnn-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const L = tf.keras.layers;
const [B, T, D, U] = [2, 3, 4, 3];
const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** x·K (+ h·R) (+ b) for one row: K [in, cols] row-major. */
const affine = (x: number[], K: ArrayLike<number>, cols: number, b?: ArrayLike<number>) =>
  Array.from({ length: cols }, (_, j) => x.reduce((acc, v, i) => acc + v * K[i * cols + j], b ? b[j] : 0));

/** A model of one recurrent layer on [B, T, D] float64 inputs, with seeded weights set. */
async function oneLayer(layer: tf.keras.layers.Layer) {
  const inp = tf.keras.Input({ shape: [T, D], dtype: 'float64' });
  const out = layer.apply(inp) as Tensor | Tensor[];
  const model = new tf.keras.Model({ inputs: inp, outputs: out });
  const sizes = model.weights.map((w) => w.shape.reduce((a, b) => a * b, 1));
  const values = sizes.map((n, k) => randomArray(n, 10 + k, -0.8, 0.8));
  model.setWeights(values);
  return { model, values };
}

describe('keras recurrent layers', () => {
  it('LSTM: Keras gates (i, f, c, o), returnSequences and returnState', async () => {
    const { model, values: [K, R, bias] } = await oneLayer(new L.LSTM(U, { returnSequences: true, returnState: true }));
    const x = randomArray(B * T * D, 3);
    const [seq, h, c] = (await model.predict(x)) as Tensor[];
    expect([seq.shape, h.shape, c.shape]).toEqual([[B, T, U], [B, U], [B, U]]);
    for (let b = 0; b < B; b++) {
      let [hs, cs] = [new Array(U).fill(0), new Array(U).fill(0)];
      for (let t = 0; t < T; t++) {
        const xt = Array.from(x.slice((b * T + t) * D, (b * T + t + 1) * D));
        const z = affine(xt, K, 4 * U, bias).map((v, j) => v + affine(hs, R, 4 * U)[j]);
        const g = (k: number, j: number) => z[k * U + j];
        cs = cs.map((cv, j) => sig(g(1, j)) * cv + sig(g(0, j)) * Math.tanh(g(2, j)));
        hs = cs.map((cv, j) => sig(g(3, j)) * Math.tanh(cv));
        hs.forEach((v, j) => expect(seq.dataSync()[(b * T + t) * U + j]).toBeCloseTo(v, 12));
      }
      hs.forEach((v, j) => expect(h.dataSync()[b * U + j]).toBeCloseTo(v, 12));
      cs.forEach((v, j) => expect(c.dataSync()[b * U + j]).toBeCloseTo(v, 12));
    }
  });

  for (const resetAfter of [true, false]) {
    it(`GRU (resetAfter ${resetAfter}): Keras gates (z, r, h)`, async () => {
      const { model, values: [K, R, bias] } = await oneLayer(new L.GRU(U, { resetAfter }));
      expect(model.weights[2].shape).toEqual(resetAfter ? [2, 3 * U] : [3 * U]);
      const x = randomArray(B * T * D, 4);
      const out = (await model.predict(x)) as Tensor;
      for (let b = 0; b < B; b++) {
        let hs = new Array(U).fill(0);
        for (let t = 0; t < T; t++) {
          const xt = Array.from(x.slice((b * T + t) * D, (b * T + t + 1) * D));
          const xz = affine(xt, K, 3 * U, bias.slice(0, 3 * U));
          const col = (m: ArrayLike<number>, k: number) => Array.from({ length: U * U }, (_, i) => m[Math.floor(i / U) * 3 * U + k * U + (i % U)]);
          const hTimes = (v: number[], k: number) => affine(v, col(R, k), U);
          let hh: number[];
          const zr = [0, 1].map((k) => Array.from({ length: U }, (_, j) => xz[k * U + j] + (resetAfter
            ? hTimes(hs, k)[j] + bias[3 * U + k * U + j] : hTimes(hs, k)[j])).map(sig));
          if (resetAfter) {
            const hr = hTimes(hs, 2).map((v, j) => v + bias[3 * U + 2 * U + j]);
            hh = Array.from({ length: U }, (_, j) => Math.tanh(xz[2 * U + j] + zr[1][j] * hr[j]));
          } else {
            const rh = hTimes(hs.map((v, j) => v * zr[1][j]), 2);
            hh = Array.from({ length: U }, (_, j) => Math.tanh(xz[2 * U + j] + rh[j]));
          }
          hs = hs.map((v, j) => zr[0][j] * v + (1 - zr[0][j]) * hh[j]);
        }
        hs.forEach((v, j) => expect(out.dataSync()[b * U + j]).toBeCloseTo(v, 12));
      }
    });
  }

  it('SimpleRNN goBackwards reads the sequence from its end', async () => {
    const { model, values: [K, R, bias] } = await oneLayer(new L.SimpleRNN(U, { goBackwards: true }));
    const x = randomArray(B * T * D, 5);
    const out = (await model.predict(x)) as Tensor;
    for (let b = 0; b < B; b++) {
      let hs = new Array(U).fill(0);
      for (let t = T - 1; t >= 0; t--) {
        const xt = Array.from(x.slice((b * T + t) * D, (b * T + t + 1) * D));
        const z = affine(xt, K, U, bias);
        hs = affine(hs, R, U).map((v, j) => Math.tanh(v + z[j]));
      }
      hs.forEach((v, j) => expect(out.dataSync()[b * U + j]).toBeCloseTo(v, 12));
    }
  });

  for (const make of [() => new L.SimpleRNN(U), () => new L.LSTM(U, { returnSequences: true }), () => new L.GRU(U)]) {
    it(`${make().className}: gradients of the input and every weight match finite differences (float64)`, async () => {
      freshGraph();
      const { model } = await oneLayer(make());
      await kerasGradcheck(model, randomArray(B * T * D, 6));
    });
  }

  it('trains in a Sequential (Embedding → LSTM → Dense) and survives a model file', async () => {
    tf.setRandomSeed(2);
    const model = new tf.keras.Sequential([
      new L.Embedding(5, 8, { inputLength: 6 }),
      new L.LSTM(8),
      new L.Dense(1, { activation: 'sigmoid' }),
    ]);
    model.compile({ optimizer: new tf.keras.optimizers.Adam(0.02), loss: 'binaryCrossentropy', metrics: ['acc'] });
    // Label: does id 4 occur after id 3 somewhere in the sequence? (needs memory, not position)
    const n = 64;
    const ids = Int32Array.from(randomArray(n * 6, 7, 0, 5).map(Math.floor));
    const y = Float32Array.from({ length: n }, (_, i) => {
      const s = Array.from(ids.slice(i * 6, i * 6 + 6));
      const k = s.indexOf(3);
      return k >= 0 && s.slice(k + 1).includes(4) ? 1 : 0;
    });
    const before = (await model.evaluate(ids, y, { verbose: 0 })) as number[];
    await model.fit(ids, y, { epochs: 60, batchSize: 16, verbose: 0 });
    const after = (await model.evaluate(ids, y, { verbose: 0 })) as number[];
    expect(after[0]).toBeLessThan(before[0] / 2);
    expect(after[1]).toBeGreaterThan(0.9);
    const dir = join(root, 'lstm');
    await model.save(dir);
    const back = await tf.keras.models.loadModel(dir);
    expect(back.getConfig()).toEqual(model.getConfig());
    expect(Array.from(((await back.predict(ids)) as Tensor).dataSync())).toEqual(Array.from(((await model.predict(ids)) as Tensor).dataSync()));
  });

  it('Bidirectional: forward and time-reversed backward copies (shared weights with its copies), gradients, model files', async () => {
    const inp = tf.keras.Input({ shape: [T, D], dtype: 'float64' });
    const bi = new L.Bidirectional(new L.LSTM(U, { returnSequences: true }));
    const model = new tf.keras.Model({ inputs: inp, outputs: bi.apply(inp) as Tensor });
    expect(model.weights.map((w) => w.opName)).toEqual(
      ['forward', 'backward'].flatMap((d) => ['kernel', 'recurrent_kernel', 'bias'].map((w) => `bidirectional/${d}_lstm/${w}`)));
    expect(model.outputs[0].shape).toEqual([null, T, 2 * U]);
    model.setWeights(model.weights.map((w, k) => randomArray(w.shape.reduce((a, b) => a * b, 1), 20 + k, -0.8, 0.8)));
    const fwOnly = new tf.keras.Model({ inputs: inp, outputs: bi.forwardLayer.apply(inp) as Tensor });
    const bwOnly = new tf.keras.Model({ inputs: inp, outputs: bi.backwardLayer.apply(inp) as Tensor });
    const x = randomArray(B * T * D, 8);
    const [both, f, b] = await Promise.all([model, fwOnly, bwOnly].map(async (m) => ((await m.predict(x)) as Tensor).dataSync()));
    for (let n = 0; n < B; n++) {
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < U; j++) {
          expect(both[(n * T + t) * 2 * U + j]).toBe(f[(n * T + t) * U + j]);
          expect(both[(n * T + t) * 2 * U + U + j]).toBe(b[(n * T + (T - 1 - t)) * U + j]);   // back in time order
        }
      }
    }
    freshGraph();
    const { model: summed } = await oneLayer(new L.Bidirectional(new L.GRU(U), { mergeMode: 'sum' }));
    expect(summed.outputs[0].shape).toEqual([null, U]);
    await kerasGradcheck(summed, randomArray(B * T * D, 9));
    freshGraph();
    tf.setRandomSeed(4);
    const seq = new tf.keras.Sequential([new L.Embedding(5, 4, { inputLength: 6 }), new L.Bidirectional(new L.SimpleRNN(4)), new L.Dense(1)]);
    seq.compile({ optimizer: 'adam', loss: 'mse' });
    const ids = Int32Array.from(randomArray(24, 3, 0, 5).map(Math.floor));
    await seq.fit(ids, Float32Array.from(randomArray(4, 4)), { epochs: 2, verbose: 0 });
    const dir = join(root, 'bi');
    await seq.save(dir);
    const back = await tf.keras.models.loadModel(dir);
    expect(back.getConfig()).toEqual(seq.getConfig());
    expect(Array.from(((await back.predict(ids)) as Tensor).dataSync())).toEqual(Array.from(((await seq.predict(ids)) as Tensor).dataSync()));
  });

  it('dropout and recurrentDropout: off in inference (the same outputs as without), one mask per sequence in training', async () => {
    const { model: plain, values } = await oneLayer(new L.GRU(U, { returnSequences: true }));
    const x = randomArray(B * T * D, 11);
    const expected = ((await plain.predict(x)) as Tensor).dataSync();
    freshGraph();
    const inp = tf.keras.Input({ shape: [T, D], dtype: 'float64' });
    const layer = new L.GRU(U, { returnSequences: true, dropout: 0.5, recurrentDropout: 0.5 });
    const model = new tf.keras.Model({ inputs: inp, outputs: layer.apply(inp) as Tensor });
    model.setWeights(values);
    expect(Array.from(((await model.predict(x)) as Tensor).dataSync())).toEqual(Array.from(expected));
    // In training the masks change the outputs, and differ from run to run.
    const sess = model.session();
    const phase = tf.keras.backend.learningPhase(model.graph!);
    const feeds = new Map<Tensor, tf.FeedValue>([[inp, x], [phase, true]]);   // a Float64Array fills the input's shape
    const train = async () => (await sess.run(model.outputs[0], feeds)).dataSync();
    const [a, b] = [await train(), await train()];
    expect(Array.from(a)).not.toEqual(Array.from(expected));
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(layer.getConfig()).toMatchObject({ dropout: 0.5, recurrentDropout: 0.5 });
    // One mask per sequence: a linear SimpleRNN with an identity kernel and no recurrence gives
    // x_t · mask, the same mask (each unit 0 or 1/(1 − 0.5)) at every step.
    freshGraph();
    const in3 = tf.keras.Input({ shape: [T, 3], dtype: 'float64' });
    const rnn = new L.SimpleRNN(3, { activation: 'linear', dropout: 0.5, returnSequences: true });
    const m3 = new tf.keras.Model({ inputs: in3, outputs: rnn.apply(in3) as Tensor });
    m3.setWeights([Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), new Float64Array(9), new Float64Array(3)]);
    const x3 = randomArray(B * T * 3, 12, 0.5, 1);
    const y3 = (await m3.session().run(m3.outputs[0], new Map<Tensor, tf.FeedValue>([[in3, x3], [tf.keras.backend.learningPhase(m3.graph!), true]]))).dataSync();
    for (let n = 0; n < B; n++) {
      for (let j = 0; j < 3; j++) {
        const ratios = Array.from({ length: T }, (_, t) => y3[(n * T + t) * 3 + j] / x3[(n * T + t) * 3 + j]);
        expect([0, 2]).toContainEqual(Math.round(ratios[0] * 1e9) / 1e9);
        ratios.forEach((r) => expect(r).toBeCloseTo(ratios[0], 12));
      }
    }
  });

  it('refuses what it does not support, naming the layer', () => {
    expect(() => new L.LSTM(4, { dropout: 1 })).toThrow(/LSTM layer 'lstm_?\d*': dropout must be in \[0, 1\), got 1/);
    expect(() => new L.GRU(4, { stateful: true })).toThrow(/GRU layer 'gru_?\d*': stateful is not supported/);
    expect(() => new L.GRU(0)).toThrow(/GRU layer 'gru_?\d*': units must be a positive integer, got 0/);
    const inp = tf.keras.Input({ shape: [4] });
    expect(() => new L.Bidirectional(new L.LSTM(2, { returnState: true }))).toThrow(/Bidirectional layer 'bidirectional_?\d*': returnState is not supported/);
    expect(() => new L.Bidirectional(new L.Dense(2) as never)).toThrow(/layer must be a SimpleRNN, LSTM or GRU layer/);
    expect(() => new L.SimpleRNN(2).apply(inp)).toThrow(/expected an input of rank 3 \(\[batch, time, features\]\), got shape \[\?,4\]/);
  });
});
