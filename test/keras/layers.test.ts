/**
 * Each Keras layer's output shape and values against a hand reference (JavaScript float64 loops
 * or the tf.nn op it must equal), weights set explicitly with setWeights.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers/close.js';
import { freshGraph, randomArray } from './helpers.js';

beforeEach(freshGraph);

const L = tf.keras.layers;

/** A one-layer functional model on Input(shape). */
function oneLayer(layer: tf.keras.layers.Layer, shape: number[], dtype: tf.DType = 'float32') {
  const x = tf.keras.Input(shape, { dtype });
  return new tf.keras.Model({ inputs: x, outputs: layer.apply(x) as Tensor });
}

async function values(m: tf.keras.Model, x: tf.keras.ModelData): Promise<number[]> {
  return Array.from(((await m.predict(x)) as Tensor).dataSync());
}

describe('Dense', () => {
  it('equals activation(x · W + b) with its weights, on rank 2 and 3 inputs', async () => {
    const dense = new L.Dense(3, { activation: 'relu' });
    const m = oneLayer(dense, [4]);
    expect(m.outputs[0].shape).toEqual([null, 3]);
    const names = dense.weights.map((v) => `${v.opName} ${JSON.stringify(v.shape)}`);
    expect(names).toEqual(['dense/kernel [4,3]', 'dense/bias [3]']);
    const W = Float32Array.from(randomArray(12, 2));
    const b = Float32Array.from(randomArray(3, 3));
    dense.setWeights([W, b]);
    const x = Float32Array.from(randomArray(2 * 4, 4));
    const ref: number[] = [];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        let s = b[j];
        for (let k = 0; k < 4; k++) s += x[i * 4 + k] * W[k * 3 + j];
        ref.push(Math.max(0, s));
      }
    }
    expectClose(await values(m, x), ref, { atol: 1e-5 });
    // Rank 3: the same weights on the last axis.
    const seq = tf.keras.Input([2, 4]);
    const y3 = dense.apply(seq) as Tensor;
    expect(y3.shape).toEqual([null, 2, 3]);
    const m3 = new tf.keras.Model({ inputs: seq, outputs: y3 });
    expectClose(await values(m3, { data: x, shape: [1, 2, 4] }), ref, { atol: 1e-5 });
  });

  it('useBias false, initializers by name, unique names, argument errors', () => {
    const a = new L.Dense(2, { useBias: false, kernelInitializer: 'zeros' });
    const b = new L.Dense(2);
    const c = new L.Dense(2);
    expect([a.name, b.name, c.name]).toEqual(['dense', 'dense_1', 'dense_2']);
    oneLayer(a, [3]);
    expect(a.weights).toHaveLength(1);
    expect(Array.from(a.getWeights()[0].dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => new L.Dense(0)).toThrow(/Dense layer 'dense_3': units must be a positive integer/);
    const swish = 'swish' as never;
    expect(() => new L.Dense(2, { activation: swish })).toThrow(/unknown activation 'swish'/);
    expect(() => new L.Dense(2, { kernelInitializer: 'no' })).toThrow(/unknown initializer 'no'/);
  });
});

describe('Conv2D, Conv2DTranspose, pooling', () => {
  it('Conv2D equals tf.nn.conv2d + bias on the same weights', async () => {
    const conv = new L.Conv2D(3, [3, 2], { strides: [1, 2], padding: 'same' });
    const m = oneLayer(conv, [5, 6, 2]);
    expect(m.outputs[0].shape).toEqual([null, 5, 3, 3]);
    expect(conv.kernel!.shape).toEqual([3, 2, 2, 3]);
    const x = Float32Array.from(randomArray(2 * 5 * 6 * 2, 5));
    const k = conv.getWeights()[0].dataSync() as Float32Array;
    const bias = Float32Array.of(0.5, -1, 2);
    conv.setWeights([k, bias]);
    tf.enableEagerExecution();
    const xs = tf.constant(x, 'float32', [2, 5, 6, 2]);
    const kernel = tf.constant(k, 'float32', [3, 2, 2, 3]);
    const ref = tf.nn.biasAdd(tf.nn.conv2d(xs, kernel, [1, 1, 2, 1], 'SAME'), tf.constant(bias));
    const refValues = Array.from(ref.dataSync());
    tf.disableEagerExecution();
    expectClose(await values(m, { data: x, shape: [2, 5, 6, 2] }), refValues, { atol: 1e-5 });
  });

  it('Conv2DTranspose: output sizes and values', async () => {
    const same = oneLayer(new L.Conv2DTranspose(4, 3, { strides: 2, padding: 'same' }), [7, 7, 2]);
    expect(same.outputs[0].shape).toEqual([null, 14, 14, 4]);
    const t = new L.Conv2DTranspose(2, 2, { strides: 2 });
    const m = oneLayer(t, [2, 2, 1]);
    expect(m.outputs[0].shape).toEqual([null, 4, 4, 2]);
    expect(t.kernel!.shape).toEqual([2, 2, 2, 1]);
    // Stride 2, kernel 2, valid: each input pixel paints its own 2x2 block,
    // out[r, c, ch] = x[r / 2, c / 2] · k[r % 2, c % 2, ch] + b[ch].
    const k = Float32Array.from({ length: 8 }, (_, i) => i + 1);
    t.setWeights([k, Float32Array.of(0.5, -0.5)]);
    const x = Float32Array.of(1, 2, 3, 4);
    const out = await values(m, { data: x, shape: [1, 2, 2, 1] });
    const ref: number[] = [];
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        for (let ch = 0; ch < 2; ch++) {
          const v = x[Math.floor(r / 2) * 2 + Math.floor(c / 2)];
          ref.push(v * k[((r % 2) * 2 + (c % 2)) * 2 + ch] + (ch ? -0.5 : 0.5));
        }
      }
    }
    expectClose(out, ref, { atol: 1e-5 });
  });

  it('MaxPooling2D / AveragePooling2D / GlobalAveragePooling2D against loops', async () => {
    const x = Float32Array.from(randomArray(4 * 4 * 2, 6));
    const at = (r: number, c: number, ch: number) => x[(r * 4 + c) * 2 + ch];
    const maxRef: number[] = [];
    const avgRef: number[] = [];
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < 2; c++) {
        for (let ch = 0; ch < 2; ch++) {
          const w = [0, 1, 2, 3].map((k) => at(2 * r + (k >> 1), 2 * c + (k & 1), ch));
          maxRef.push(Math.max(...w));
          avgRef.push(w.reduce((a, b) => a + b) / 4);
        }
      }
    }
    const data = { data: x, shape: [1, 4, 4, 2] };
    const mp = oneLayer(new L.MaxPooling2D(), [4, 4, 2]);
    expect(mp.outputs[0].shape).toEqual([null, 2, 2, 2]);
    expectClose(await values(mp, data), maxRef);
    expectClose(await values(oneLayer(new L.AveragePooling2D(2), [4, 4, 2]), data), avgRef);
    const gap = oneLayer(new L.GlobalAveragePooling2D(), [4, 4, 2]);
    expect(gap.outputs[0].shape).toEqual([null, 2]);
    const channel = (ch: number) => Array.from(x).filter((_, i) => i % 2 === ch);
    const mean = (ch: number) => channel(ch).reduce((a, b) => a + b) / 16;
    expectClose(await values(gap, data), [mean(0), mean(1)]);
    const p = oneLayer(new L.MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' }), [5, 5, 1]);
    expect(p.outputs[0].shape).toEqual([null, 3, 3, 1]);
  });
});

describe('shape layers', () => {
  it('Flatten and Reshape (with -1), with errors naming the layer and shapes', async () => {
    const x = Float32Array.from({ length: 24 }, (_, i) => i);
    expect(oneLayer(new L.Flatten(), [2, 3, 2]).outputs[0].shape).toEqual([null, 12]);
    const r = oneLayer(new L.Reshape([3, -1]), [2, 3, 2]);
    expect(r.outputs[0].shape).toEqual([null, 3, 4]);
    expect(await values(r, { data: x, shape: [2, 2, 3, 2] })).toEqual(Array.from(x));
    const bad = new L.Reshape([5], { name: 'bad_reshape' });
    expect(() => oneLayer(bad, [2, 3])).toThrow(
      /Reshape layer 'bad_reshape'.*must be unchanged: input_shape = \[2,3\], output_shape = \[5\]/,
    );
  });

  it('UpSampling2D repeats rows and columns; ZeroPadding2D pads', async () => {
    const x = Float32Array.of(1, 2, 3, 4, 5, 6); // [1, 2, 3, 1]
    const image = { data: x, shape: [1, 2, 3, 1] };
    const up = oneLayer(new L.UpSampling2D([2, 3]), [2, 3, 1]);
    expect(up.outputs[0].shape).toEqual([null, 4, 9, 1]);
    const ref: number[] = [];
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 9; c++) ref.push(x[Math.floor(r / 2) * 3 + Math.floor(c / 3)]);
    }
    expect(await values(up, image)).toEqual(ref);
    const pad = oneLayer(new L.ZeroPadding2D([[1, 0], [0, 2]]), [2, 3, 1]);
    expect(pad.outputs[0].shape).toEqual([null, 3, 5, 1]);
    expect(await values(pad, image)).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0]);
    expect(oneLayer(new L.ZeroPadding2D(), [2, 2, 1]).outputs[0].shape).toEqual([null, 4, 4, 1]);
    const bilinear = { interpolation: 'bilinear' as never };
    expect(() => new L.UpSampling2D(bilinear)).toThrow(/only interpolation 'nearest'/);
  });
});

describe('Dropout, Activation, LeakyReLU, Embedding', () => {
  it('Dropout: the identity in inference, drops (scaled) in the learning phase', async () => {
    const m = oneLayer(new L.Dropout(0.5), [1000]);
    const x = new Float32Array(1000).fill(1);
    expect(await values(m, x)).toEqual(Array.from(x));
    const phase = tf.keras.backend.learningPhase();
    const feeds = new Map<Tensor, unknown>([[m.inputs[0], x], [phase, true]]);
    const y = (await m.session().run(m.outputs[0], feeds as never)) as Tensor;
    const kept = Array.from(y.dataSync()).filter((e) => e !== 0);
    expect(kept.every((e) => e === 2)).toBe(true);
    expect(kept.length).toBeGreaterThan(400);
    expect(kept.length).toBeLessThan(600);
    expect(() => new L.Dropout(1)).toThrow(/rate must be in \[0, 1\), got 1/);
  });

  it('Activation by name and by function; LeakyReLU with Keras default alpha 0.3', async () => {
    const x = Float32Array.of(-2, -0.5, 0.5, 3);
    const e = Array.from(x, Math.exp);
    const softmax = e.map((v) => v / e.reduce((a, b) => a + b));
    const leaky = (alpha: number) => Array.from(x, (v) => (v > 0 ? v : alpha * v));
    expectClose(await values(oneLayer(new L.Activation('softmax'), [4]), x), softmax);
    const tanh = oneLayer(new L.Activation(tf.nn.tanh), [4]);
    expectClose(await values(tanh, x), Array.from(x, Math.tanh));
    expectClose(await values(oneLayer(new L.Activation('linear'), [4]), x), Array.from(x));
    expectClose(await values(oneLayer(new L.LeakyReLU(), [4]), x), leaky(0.3));
    expectClose(await values(oneLayer(new L.LeakyReLU(0.1), [4]), x), leaky(0.1));
  });

  it('Embedding looks rows up (int32 or float ids) and reports bad ids', async () => {
    const emb = new L.Embedding(4, 2, { inputLength: 3 });
    const m = new tf.keras.Sequential({ layers: [emb] });
    expect(m.outputs[0].shape).toEqual([null, 3, 2]);
    const table = Float32Array.of(0, 1, 10, 11, 20, 21, 30, 31);
    emb.setWeights([table]);
    expect(await values(m, [[3, 0, 2]])).toEqual([30, 31, 0, 1, 20, 21]);
    const ints = oneLayer(new L.Embedding(4, 2), [2], 'int32');
    ints.layers[1].setWeights([table]);
    expect(await values(ints, Int32Array.of(1, 1))).toEqual([10, 11, 10, 11]);
    await expect(ints.predict(Int32Array.of(1, 4))).rejects.toThrow(/gather.*4/);
  });
});

describe('BatchNormalization', () => {
  it('uses moving statistics in inference; fit moves them towards the batch ones', async () => {
    const bn = new L.BatchNormalization({ momentum: 0.5, epsilon: 1e-3 });
    const model = new tf.keras.Sequential({ layers: [bn] });
    expect(() => model.summary({ printFn: () => {} })).toThrow(/not yet been built/);
    model.build([null, 3]);
    const names = ['gamma', 'beta', 'moving_mean', 'moving_variance'];
    const scoped = names.map((n) => `batch_normalization/${n}`);
    expect(bn.weights.map((v) => v.opName)).toEqual(scoped);
    expect(bn.trainableWeights).toHaveLength(2);
    expect(model.nonTrainableWeights).toHaveLength(2);
    const x = Float32Array.from({ length: 12 }, (_, i) => (i % 3) * 10 + (i / 3) * 2);
    const data = { data: x, shape: [4, 3] };
    // Inference with the initial moving statistics (0, 1): y = x / sqrt(1 + eps).
    const expected = Array.from(x, (v) => v / Math.sqrt(1 + 1e-3));
    expectClose(await values(model, data), expected, { atol: 1e-4 });
    model.compile({ optimizer: new tf.keras.optimizers.SGD(0), loss: 'mse' });
    const args = { epochs: 1, batchSize: 4, verbose: 0, shuffle: false } as const;
    await model.fit(data, new Float32Array(12), args);
    const [, , mean, variance] = bn.getWeights().map((t) => Array.from(t.dataSync()));
    for (let c = 0; c < 3; c++) {
      const col = [0, 1, 2, 3].map((r) => x[r * 3 + c]);
      const m = col.reduce((a, b) => a + b) / 4;
      const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / 4;
      expect(mean[c]).toBeCloseTo(0.5 * m, 4);
      expect(variance[c]).toBeCloseTo(0.5 * 1 + 0.5 * v, 3);
    }
    expect(() => new L.BatchNormalization({ axis: 1 })).toThrow(/only axis -1/);
  });
});
