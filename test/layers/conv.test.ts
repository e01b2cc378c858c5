import { beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';

beforeEach(() => {
  tf.disableEagerExecution();
  tf.resetDefaultGraph();
});

describe('tf.layers.conv2d and pooling', () => {
  it('builds the ConvNet shapes and names its variables as TF', () => {
    const x = tf.placeholder('float32', [null, 28, 28, 1], 'x');
    const c1 = tf.layers.conv2d(x, { filters: 32, kernelSize: 5, padding: 'same', activation: tf.nn.relu });
    const p1 = tf.layers.maxPooling2d(c1, { poolSize: 2, strides: 2 });
    const c2 = tf.layers.conv2d(p1, { filters: 64, kernelSize: [5, 5], strides: 1, padding: 'same', activation: 'relu' });
    const p2 = tf.layers.averagePooling2d(c2, { poolSize: 2, strides: 2 });
    expect([c1.shape, p1.shape, c2.shape, p2.shape]).toEqual([[null, 28, 28, 32], [null, 14, 14, 32], [null, 14, 14, 64], [null, 7, 7, 64]]);
    expect(tf.trainableVariables().map((v) => `${v.name}${JSON.stringify(v.shape)}`)).toEqual([
      'conv2d/kernel:0[5,5,1,32]', 'conv2d/bias:0[32]', 'conv2d_1/kernel:0[5,5,32,64]', 'conv2d_1/bias:0[64]',
    ]);
    expect(tf.layers.conv2dTranspose(p2, { filters: 3, kernelSize: 3, strides: 2, padding: 'same' }).shape).toEqual([null, 14, 14, 3]);
  });
  it('errors name the layer and the shapes', () => {
    const x = tf.placeholder('float32', [null, 8, 8, 3], 'x');
    expect(() => tf.layers.conv2d(x, { filters: 4, kernelSize: 9, name: 'big' })).toThrow(/conv2d 'big' \(inputs \[\?,8,8,3\]\): conv2d: the window \(9, dilated to 9\) is larger than the input \(8\)/);
    expect(() => tf.layers.conv2d(x, { filters: 4, kernelSize: 3, padding: 'full' as never, name: 'pad' })).toThrow(/conv2d 'pad' \(inputs \[\?,8,8,3\]\): padding must be 'same' or 'valid', got 'full'/);
    expect(() => tf.layers.conv2d(x, { filters: 4, kernelSize: 3, strides: -1, name: 'neg' })).toThrow(/conv2d 'neg' \(inputs \[\?,8,8,3\]\): strides must be a positive integer/);
    tf.layers.conv2d(x, { filters: 4, kernelSize: 3, name: 'shared' });
    const other = tf.placeholder('float32', [null, 8, 8, 5], 'other');
    expect(() => tf.layers.conv2d(other, { filters: 4, kernelSize: 3, name: 'shared', reuse: true })).toThrow(/shared\/kernel.*specified shape \[3,3,5,4\] and found shape \[3,3,3,4\]/);
    expect(() => tf.layers.maxPooling2d(x, { poolSize: 9, strides: 1, name: 'pool' })).toThrow(/maxPooling2d 'pool' \(inputs \[\?,8,8,3\]\):.*larger than the input \(8\)/);
    expect(() => tf.layers.conv2d(tf.placeholder('float32', [null, 8, 8], 'r3'), { filters: 1, kernelSize: 1, name: 'rank' })).toThrow(/conv2d 'rank' \(inputs \[\?,8,8\]\): inputs must be NHWC \(rank 4\)/);
  });
});

describe('tf.layers.batchNormalization', () => {
  it('normalises with batch statistics in training and updates the moving averages via UPDATE_OPS', async () => {
    const x = tf.placeholder('float32', [null, 2, 2, 3], 'x');
    const training = tf.placeholderWithDefault(tf.constant(false), [], 'training');
    const y = tf.layers.batchNormalization(x, { training, momentum: 0.5 });
    const updates = tf.getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
    expect(updates).toHaveLength(2);
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const data = Float32Array.from({ length: 4 * 12 }, (_, i) => (i % 3) * 10 + Math.sin(i) * 2);
    const [yt] = await sess.run([y, ...updates], { x: data, training: true });
    const v = yt.dataSync() as Float32Array;
    for (let c = 0; c < 3; c++) {
      const col = Array.from(v).filter((_, i) => i % 3 === c);
      const m = col.reduce((a, b) => a + b, 0) / col.length;
      const s2 = col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length;
      expect(Math.abs(m)).toBeLessThan(1e-5);
      expect(s2).toBeCloseTo(1, 2);
    }
    // momentum 0.5: the moving mean moved half way from 0 to the batch mean (≈ 10·c).
    const mm = (await sess.run('batch_normalization/moving_mean:0')).dataSync();
    for (let c = 0; c < 3; c++) expect(mm[c]).toBeCloseTo(5 * c, 0);
    // Inference uses the moving statistics and changes nothing.
    await sess.run([y, ...updates], { x: data });
    expect(Array.from((await sess.run('batch_normalization/moving_mean:0')).dataSync())).toEqual(Array.from(mm));
  });
});
