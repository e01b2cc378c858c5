import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';

describe('fashionMnist (shipped subset)', () => {
  it('loads images in [0, 1] and int32 labels', async () => {
    const d = await tf.datasets.fashionMnist({ subset: true });
    expect(d.source).toBe('subset');
    expect(d.train.images.shape).toEqual([2000, 784]);
    expect(d.test.images.shape).toEqual([1000, 784]);
    expect(d.train.labels.dtype).toBe('int32');
    const px = d.test.images.dataSync();
    let min = Infinity, max = -Infinity;
    for (const v of px) { min = Math.min(min, v); max = Math.max(max, v); }
    expect(min).toBe(0);
    expect(max).toBe(1);
    const counts = new Array(10).fill(0);
    for (const l of d.train.labels.dataSync()) counts[l]++;
    expect(counts.every((c) => c > 100)).toBe(true); // all ten classes present in a 2000 sample
  });
  it('one-hot labels and NHWC images', async () => {
    const d = await tf.datasets.fashionMnist({ subset: true, oneHot: true, imageShape: 'nhwc' });
    expect(d.train.images.shape).toEqual([2000, 28, 28, 1]);
    const y = d.test.labels.dataSync() as Float32Array;
    for (let i = 0; i < 1000; i++) expect(y.subarray(i * 10, i * 10 + 10).reduce((a, b) => a + b, 0)).toBe(1);
  });
  it('batches cover every example once, shuffled reproducibly, and free old batches', async () => {
    const d = await tf.datasets.fashionMnist({ subset: true });
    const seen: number[] = [];
    let first: tf.Tensor | null = null;
    const sizes: number[] = [];
    for (const [xs, ys] of d.train.batches(300, { shuffle: true, seed: 7 })) {
      if (!first) first = xs;
      sizes.push(xs.shape[0]);
      expect(ys.shape).toEqual([xs.shape[0]]);
      // Identify each example by its pixel sum to check coverage.
      const v = xs.dataSync() as Float32Array;
      for (let i = 0; i < xs.shape[0]; i++) seen.push(Math.round(v.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0) * 1000));
    }
    expect(sizes).toEqual([300, 300, 300, 300, 300, 300, 200]);
    expect(first!.isDisposed).toBe(true);
    const all = d.train.images.dataSync() as Float32Array;
    const expected = Array.from({ length: 2000 }, (_, i) => Math.round(all.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0) * 1000));
    expect([...seen].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
    expect(seen).not.toEqual(expected);
    expect(() => [...d.train.batches(0)]).toThrow(/batchSize must be a positive integer/);
  });
  it('shuffles without a seed follow tf.setRandomSeed: a new order per epoch, replayed after reseeding', async () => {
    const d = await tf.datasets.fashionMnist({ subset: true });
    const firstLabels = () => {
      for (const [, ys] of d.train.batches(50, { shuffle: true })) return Array.from(ys.dataSync() as Int32Array);
      throw new Error('no batch');
    };
    try {
      tf.setRandomSeed(11);
      const epochs = [firstLabels(), firstLabels()];
      expect(epochs[1]).not.toEqual(epochs[0]);
      tf.setRandomSeed(11);
      expect([firstLabels(), firstLabels()]).toEqual(epochs);
      tf.setRandomSeed(12);
      expect(firstLabels()).not.toEqual(epochs[0]);
      // Unseeded, and in order, as before.
      tf.setRandomSeed(null);
      expect(firstLabels()).not.toEqual(firstLabels());
      const labels = Array.from(d.train.labels.dataSync() as Int32Array);
      for (const [, ys] of d.train.batches(2000)) expect(Array.from(ys.dataSync() as Int32Array)).toEqual(labels);
    } finally {
      tf.setRandomSeed(null);
    }
  });
  it('names a missing folder clearly', async () => {
    await expect(tf.datasets.fashionMnist({ dir: '/nonexistent' })).rejects.toThrow(/train-images-idx3-ubyte\(\.gz\) not found/);
  });
});

describe('bostonHousing', () => {
  it('splits and standardises with training statistics', () => {
    const b = tf.datasets.bostonHousing();
    expect(b.featureNames).toHaveLength(13);
    expect(b.train.features.shape).toEqual([405, 13]);
    expect(b.test.features.shape).toEqual([101, 13]);
    const x = b.train.features.dataSync();
    for (let c = 0; c < 13; c++) {
      let m = 0;
      for (let i = 0; i < 405; i++) m += x[i * 13 + c];
      expect(Math.abs(m / 405)).toBeLessThan(1e-5);
    }
    expect(b.mean[12]).toBeGreaterThan(0);
  });
});
