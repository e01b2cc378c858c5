/**
 * Every differentiable Keras layer, checked in float64: tf.gradients of a random projection of
 * the model output, with respect to the input and every trainable weight, against central
 * finite differences (test/keras/helpers.ts kerasGradcheck).
 */
import { beforeEach, describe, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers/close.js';
import { freshGraph, kerasGradcheck, randomArray } from './helpers.js';

beforeEach(freshGraph);

const L = tf.keras.layers;
const f64 = (shape: number[]) => tf.keras.Input(shape, { dtype: 'float64' });
const apply = (layer: tf.keras.layers.Layer, x: Tensor | Tensor[]) => layer.apply(x) as Tensor;
// Keep values off the kinks of relu / max (|x| > 0.05).
const offKink = (v: number) => Math.abs(v) < 0.05;

/** Checks the model from input `x` to `y` on `n` random examples. */
async function check(x: Tensor, y: Tensor, n: number, seed: number, opts = {}): Promise<void> {
  const size = n * x.shape.slice(1).reduce<number>((a, b) => a * (b as number), 1);
  const model = new tf.keras.Model({ inputs: x, outputs: y });
  await kerasGradcheck(model, randomArray(size, seed, -1, 1, offKink), opts);
}

describe('layer gradients (float64, finite differences)', () => {
  it('Dense (tanh), rank 2 and rank 3 inputs', async () => {
    const x = f64([5]);
    await check(x, apply(new L.Dense(3, { activation: 'tanh' }), x), 4, 1);
    const s = f64([2, 5]);
    await check(s, apply(new L.Dense(3), s), 3, 2);
  });

  it('Conv2D (strides, same and valid) and Conv2DTranspose', async () => {
    const x = f64([6, 5, 2]);
    const y = apply(new L.Conv2D(3, 3, { padding: 'same', activation: 'sigmoid' }), x);
    const z = apply(new L.Conv2D(2, [2, 3], { strides: 2 }), y);
    await check(x, z, 2, 3, { maxPerTensor: 16 });
    freshGraph();
    const t = f64([3, 4, 2]);
    const up = new L.Conv2DTranspose(3, 3, { strides: 2, padding: 'same' });
    await check(t, apply(up, t), 2, 4, { maxPerTensor: 16 });
    freshGraph();
    const v = f64([3, 3, 1]);
    await check(v, apply(new L.Conv2DTranspose(2, 2, { padding: 'valid' }), v), 2, 5);
  });

  it('MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D', async () => {
    const x = f64([4, 4, 2]);
    const m = apply(new L.MaxPooling2D(2), x);
    const a = apply(new L.AveragePooling2D({ poolSize: 3, strides: 1, padding: 'same' }), x);
    const sum = apply(new L.Add(), [m, apply(new L.MaxPooling2D(2), a)]);
    await check(x, apply(new L.GlobalAveragePooling2D(), sum), 2, 6);
  });

  it('Flatten, Reshape, UpSampling2D, ZeroPadding2D, Concatenate', async () => {
    const x = f64([2, 3, 2]);
    const up = apply(new L.UpSampling2D([2, 1]), x);
    const padded = apply(new L.ZeroPadding2D([[1, 0], [0, 2]]), up);
    const flat = apply(new L.Flatten(), padded);
    const other = apply(new L.Reshape([-1]), x);
    await check(x, apply(new L.Dense(4), apply(new L.Concatenate(), [flat, other])), 3, 7);
  });

  it('Activation (softmax), LeakyReLU', async () => {
    const x = f64([6]);
    const y = apply(new L.Activation('softmax'), apply(new L.LeakyReLU({ alpha: 0.1 }), x));
    await check(x, y, 3, 8);
  });

  it('BatchNormalization with moving statistics and with batch statistics', async () => {
    const x = f64([3, 3, 2]);
    await check(x, apply(new L.BatchNormalization(), x), 4, 9);
    freshGraph();
    const v = f64([4]);
    const h = apply(new L.Dense(4, { activation: 'tanh' }), v);
    const y = apply(new L.BatchNormalization({ momentum: 0.5 }), h);
    await check(v, y, 6, 10, { training: true, atol: 1e-5, rtol: 1e-4 });
  });

  it('Embedding: the table gradient is the scatter-add of the upstream one (exact)', async () => {
    // Embedding weights are float32 (gather itself is finite-difference checked in test/ops).
    const ids = tf.keras.Input([3], { dtype: 'int32' });
    const emb = new L.Embedding(5, 2, { embeddingsInitializer: 'randomNormal' });
    const z = apply(new L.Flatten(), apply(emb, ids));
    const w = Float32Array.from(randomArray(12, 11));
    const [grad] = tf.getDefaultGraph().asDefault(() => {
      const loss = tf.reduceSum(tf.mul(z, tf.constant(w, 'float32', [2, 6])));
      return tf.gradients(loss, [emb.embeddings!]);
    });
    tf.keras.backend.getValue(emb.embeddings!).dispose();
    const idsValue = Int32Array.of(0, 3, 3, 4, 1, 0);
    const sess = tf.keras.backend.getSession();
    const a = ((await sess.run(grad!, new Map([[ids, idsValue]]))) as Tensor).dataSync();
    // dL/dE[r, c] = Σ over the positions p holding id r of w[p, c].
    const expected = new Float64Array(10);
    idsValue.forEach((id, p) => {
      const row = Math.floor(p / 3) * 6 + (p % 3) * 2;
      for (let c = 0; c < 2; c++) expected[id * 2 + c] += w[row + c];
    });
    expectClose(a, expected, { atol: 1e-6 }, 'dL/dembeddings');
  });
});
