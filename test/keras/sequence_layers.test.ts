// tf.keras.layers Conv1D (valid, same, causal, dilation), MaxPooling1D, AveragePooling1D,
// GlobalAveragePooling1D and GlobalMaxPooling1D: values against JavaScript references with set
// weights, float64 gradients, a text CNN that trains, and a model file round trip.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { freshGraph, kerasGradcheck, randomArray } from './helpers.js';

beforeEach(freshGraph);
const root = mkdtempSync(join(tmpdir(), 'nf-seq-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const L = tf.keras.layers;
const [B, S, C] = [2, 6, 3];

async function run(layer: tf.keras.layers.Layer, x: Float64Array, setWeights = true) {
  const inp = tf.keras.Input({ shape: [S, C], dtype: 'float64' });
  const model = new tf.keras.Model({ inputs: inp, outputs: layer.apply(inp) as Tensor });
  const values = model.weights.map((w, k) => randomArray(w.shape.reduce((a, b) => a * b, 1), 30 + k));
  if (setWeights) model.setWeights(values);
  const y = (await model.predict(x)) as Tensor;
  return { model, values, y: y.dataSync(), shape: y.shape };
}

/** Conv1D reference: out[b, t, f] = Σ_k Σ_c x[b, t·stride + k·dil − left, c] · K[k, c, f] + bias[f] (TF's SAME pads the odd extra step at the end). */
function conv1dRef(x: Float64Array, K: Float64Array, bias: Float64Array, o: { k: number; f: number; stride: number; dil: number; left: number; outLen: number }) {
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < o.outLen; t++) {
      for (let f = 0; f < o.f; f++) {
        let acc = bias[f];
        for (let k = 0; k < o.k; k++) {
          const s = t * o.stride + k * o.dil - o.left;
          if (s < 0 || s >= S) continue;
          for (let c = 0; c < C; c++) acc += x[(b * S + s) * C + c] * K[(k * C + c) * o.f + f];
        }
        out.push(acc);
      }
    }
  }
  return out;
}

describe('keras 1-D sequence layers', () => {
  for (const [padding, stride, dil, outLen, left] of [['valid', 1, 1, 4, 0], ['same', 2, 1, 3, 0], ['causal', 1, 2, 6, 4]] as const) {
    it(`Conv1D (${padding}, stride ${stride}, dilation ${dil}): Keras kernel [k, in, filters], values`, async () => {
      const x = randomArray(B * S * C, 5);
      const { y, shape, values: [K, bias] } = await run(new L.Conv1D(4, 3, { padding, strides: stride, dilationRate: dil }), x);
      expect(shape).toEqual([B, outLen, 4]);
      const ref = conv1dRef(x, K, bias, { k: 3, f: 4, stride, dil, left, outLen });
      ref.forEach((v, i) => expect(y[i], `[${i}]`).toBeCloseTo(v, 12));
    });
  }

  it('pooling over steps: max, average, global max and average', async () => {
    const x = randomArray(B * S * C, 6);
    const at = (b: number, s: number, c: number) => x[(b * S + s) * C + c];
    const cases: [tf.keras.layers.Layer, number[], (b: number, t: number, c: number) => number][] = [
      [new L.MaxPooling1D(2), [B, 3, C], (b, t, c) => Math.max(at(b, 2 * t, c), at(b, 2 * t + 1, c))],
      [new L.AveragePooling1D({ poolSize: 3, strides: 3 }), [B, 2, C], (b, t, c) => (at(b, 3 * t, c) + at(b, 3 * t + 1, c) + at(b, 3 * t + 2, c)) / 3],
      [new L.GlobalMaxPooling1D(), [B, C], (b, _t, c) => Math.max(...Array.from({ length: S }, (_, s) => at(b, s, c)))],
      [new L.GlobalAveragePooling1D(), [B, C], (b, _t, c) => Array.from({ length: S }, (_, s) => at(b, s, c)).reduce((a, v) => a + v, 0) / S],
    ];
    for (const [layer, shape, ref] of cases) {
      freshGraph();
      const { y, shape: got } = await run(layer, x, false);
      expect(got).toEqual(shape);
      const steps = shape.length === 3 ? shape[1] : 1;
      for (let b = 0; b < B; b++) for (let t = 0; t < steps; t++) for (let c = 0; c < C; c++) {
        expect(y[(b * steps + t) * C + c]).toBeCloseTo(ref(b, t, c), 12);
      }
    }
  });

  it('Conv1D gradients of the input and weights match finite differences (float64)', async () => {
    const { model } = await run(new L.Conv1D(2, 2, { padding: 'causal', activation: 'tanh' }), randomArray(B * S * C, 7));
    await kerasGradcheck(model, randomArray(B * S * C, 8));
  });

  it('a text CNN (Embedding → Conv1D → GlobalMaxPooling1D → Dense) trains and survives a model file', async () => {
    tf.setRandomSeed(5);
    const model = new tf.keras.Sequential([
      new L.Embedding(6, 8, { inputLength: 8 }), new L.Conv1D(8, 3, { activation: 'relu' }),
      new L.GlobalMaxPooling1D(), new L.Dense(1, { activation: 'sigmoid' }),
    ]);
    model.compile({ optimizer: new tf.keras.optimizers.Adam(0.02), loss: 'binaryCrossentropy' });
    // Label: does the bigram (4, 5) occur?
    const n = 64;
    const ids = Int32Array.from(randomArray(n * 8, 9, 0, 6).map(Math.floor));
    const y = Float32Array.from({ length: n }, (_, i) => {
      const s = Array.from(ids.slice(i * 8, i * 8 + 8));
      return s.some((v, j) => v === 4 && s[j + 1] === 5) ? 1 : 0;
    });
    const before = (await model.evaluate(ids, y, { verbose: 0 })) as number;
    await model.fit(ids, y, { epochs: 40, batchSize: 16, verbose: 0 });
    expect((await model.evaluate(ids, y, { verbose: 0 })) as number).toBeLessThan(before / 3);
    const dir = join(root, 'textcnn');
    await model.save(dir);
    const back = await tf.keras.models.loadModel(dir);
    expect(back.getConfig()).toEqual(model.getConfig());
    expect(Array.from(((await back.predict(ids)) as Tensor).dataSync())).toEqual(Array.from(((await model.predict(ids)) as Tensor).dataSync()));
  });

  it('refuses bad arguments, naming the layer', () => {
    expect(() => new L.Conv1D(4, 0)).toThrow(/Conv1D layer 'conv1d_?\d*': kernelSize must be a positive integer, got 0/);
    expect(() => new L.Conv1D(4, 3, { padding: 'full' as never })).toThrow(/padding must be 'valid', 'same' or 'causal', got 'full'/);
    expect(() => new L.MaxPooling1D({ poolSize: -1 })).toThrow(/MaxPooling1D layer 'max_pooling1d_?\d*': poolSize must be a positive integer, got -1/);
    const inp = tf.keras.Input({ shape: [4, 4, 1] });
    expect(() => new L.GlobalMaxPooling1D().apply(inp)).toThrow(/expected an input of rank 3 \(\[batch, steps, channels\]\), got shape \[\?,4,4,1\]/);
  });
});
