/** The model and data shared by test/keras/saving.test.ts and its child process. */
import * as tf from '../../lib/index.js';
import { rng, uniform } from '../helpers/random.js';

/** 40 images 6x6x1 and one-hot labels of 3 classes (class = brightest third of the image). */
export function imageData(
): { x: { data: Float32Array; shape: number[] }; y: { data: Float32Array; shape: number[] } } {
  const n = 40;
  const x = Float32Array.from(uniform(n * 36, 0, 1, rng(21)));
  const y = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    for (let r = 2 * c; r < 2 * c + 2; r++) for (let k = 0; k < 6; k++) x[i * 36 + r * 6 + k] += 1;
    y[i * 3 + c] = 1;
  }
  return { x: { data: x, shape: [n, 6, 6, 1] }, y: { data: y, shape: [n, 3] } };
}

/** A small ConvNet with BatchNormalization (moving statistics) and Adam (slots). */
export function convModel(): tf.keras.Sequential {
  const L = tf.keras.layers;
  const m = new tf.keras.Sequential({ name: 'small_cnn', layers: [
    new L.Conv2D(4, 3, { padding: 'same', activation: 'relu', inputShape: [6, 6, 1] }),
    new L.BatchNormalization({ momentum: 0.8 }),
    new L.MaxPooling2D(2),
    new L.Flatten(),
    new L.Dense(3, { activation: 'softmax' }),
  ] });
  const optimizer = new tf.keras.optimizers.Adam(0.01);
  m.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** Every weight's float32 values, concatenated (for bitwise comparisons). */
export function allWeights(m: tf.keras.Model): Float32Array {
  const parts = m.getWeights().map((t) => t.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
