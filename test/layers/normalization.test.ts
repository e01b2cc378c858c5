/**
 * tf.layers.batchNormalization on the fused kernel (default for 4-D inputs) against the composed
 * path (fused: false): same outputs and gradients; the moving variance follows the unbiased batch
 * variance when fused, as TF's fused layer.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers/close.js';

beforeEach(() => {
  tf.disableEagerExecution();
  tf.resetDefaultGraph();
});

const shape = [4, 2, 2, 3];
const C = 3, n = 16;
const data = Float64Array.from({ length: 48 }, (_, i) => (i % 3) * 10 + Math.sin(i) * 2);
const values = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>);

/** Per-channel biased mean and variance of `data`. */
function stats(): [number[], number[]] {
  const mean = [0, 0, 0], vr = [0, 0, 0];
  data.forEach((v, i) => (mean[i % C] += v / n));
  data.forEach((v, i) => (vr[i % C] += (v - mean[i % C]) ** 2 / n));
  return [mean, vr];
}

describe('tf.layers.batchNormalization: fused kernel', () => {
  it('uses fused_batch_norm for 4-D inputs, composed ops with fused: false or 2-D inputs', () => {
    const fusedOps = () =>
      tf.getDefaultGraph().operations.filter((o) => o.type === 'fused_batch_norm');
    const x = tf.placeholder('float32', [null, 2, 2, 3], 'x');
    tf.layers.batchNormalization(x, { training: true, name: 'f' });
    const first = fusedOps().length;
    tf.layers.batchNormalization(x, { training: true, fused: false, name: 'n' });
    const v = tf.placeholder('float32', [null, 3], 'v');
    tf.layers.batchNormalization(v, { training: true, name: 'v2' });
    expect([first, fusedOps().length]).toEqual([1, 1]);
    expect(() => tf.layers.batchNormalization(v, { fused: true, name: 'bad' })).toThrow(
      /batchNormalization 'bad': fused batch norm needs 4-D \(NHWC\) inputs, got rank 2/,
    );
  });

  it('matches the composed path (y, gradients, moving mean), unbiased moving var', async () => {
    const x = tf.placeholder('float64', [null, 2, 2, 3], 'x');
    const training = tf.placeholderWithDefault(tf.constant(false), [], 'training');
    const gammaInitializer = tf.constantInitializer([1.5, -0.5, 2]);
    const betaInitializer = tf.constantInitializer([0.1, 0.2, -0.3]);
    const common = { training, momentum: 0.5, gammaInitializer, betaInitializer };
    const yf = tf.layers.batchNormalization(x, { ...common, name: 'f' });
    const yn = tf.layers.batchNormalization(x, { ...common, name: 'n', fused: false });
    const wv = Float64Array.from({ length: 48 }, (_, i) => Math.cos(i));
    const w = tf.constant(wv, 'float64', shape);
    const byName = (name: string) => tf.getDefaultGraph().getTensorByName(name);
    const vars = (p: string) => ['gamma', 'beta'].map((v) => byName(`${p}/${v}:0`));
    const gf = tf.gradients(tf.reduceSum(tf.mul(yf, w)), [x, ...vars('f')]);
    const gn = tf.gradients(tf.reduceSum(tf.mul(yn, w)), [x, ...vars('n')]);
    const updates = tf.getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
    expect(updates).toHaveLength(4);
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const feed = { x: data, training: true };
    const [a, b, ...grads] = (await sess.run([yf, yn, ...(gf as Tensor[]), ...(gn as Tensor[]), ...updates], feed)) as Tensor[];
    expectClose(values(a), values(b), { atol: 1e-12, rtol: 1e-12 }, 'y');
    for (let i = 0; i < 3; i++) {
      const tol = { atol: 1e-10, rtol: 1e-10 };
      expectClose(values(grads[i]), values(grads[i + 3]), tol, `gradient ${i}`);
    }
    const [mean, vr] = stats();
    const moving = async (p: string, v: string) =>
      values((await sess.run(`${p}/moving_${v}:0`)) as Tensor);
    const tol = { atol: 1e-12 };
    const halfMean = mean.map((m) => m / 2);
    expectClose(await moving('f', 'mean'), halfMean, tol, 'fused moving mean');
    expectClose(await moving('n', 'mean'), halfMean, tol, 'composed moving mean');
    const unbiased = vr.map((v) => 0.5 + (0.5 * v * n) / (n - 1));
    expectClose(await moving('f', 'variance'), unbiased, tol, 'fused moving variance');
    const biased = vr.map((v) => 0.5 + 0.5 * v);
    expectClose(await moving('n', 'variance'), biased, tol, 'composed moving variance');

    // Inference (training false): both normalise with their moving statistics, which stay put.
    const before = await moving('f', 'variance');
    const [yi] = (await sess.run([yf, ...updates], { x: feed.x })) as Tensor[];
    const [gamma, beta] = [[1.5, -0.5, 2], [0.1, 0.2, -0.3]];
    const want = Array.from(data, (v, i) => {
      const c = i % C;
      return ((v - halfMean[c]) * gamma[c]) / Math.sqrt(before[c] + 1e-3) + beta[c];
    });
    expectClose(values(yi), want, { atol: 1e-12, rtol: 1e-12 }, 'fused inference');
    expect(await moving('f', 'variance')).toEqual(before);
    sess.close();
  });
});
