/**
 * What only a GPU can show (skipped elsewhere): random streams identical to the CPU's, training
 * on cuda:0 matching the CPU step for step, the caching allocator's steady state and limits,
 * in-place updates of device variables, host-side checks of device kernels' indices, TF32.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Attrs } from '../../lib/native.js';
import { native } from '../../lib/native.js';
import { withEager } from '../helpers/check_op.js';
import { expectClose } from '../helpers/close.js';
import { hasCuda } from '../helpers/devices.js';

/** Runs one op through the native surface on `device` and returns its first output's values. */
function run(op: string, inputs: tf.Tensor[], attrs: Attrs, device: 'cpu' | 'cuda:0'): number[] {
  const hs = inputs.map((t) => t.nativeHandle());
  const out = native.runOp(op, hs, attrs, device);
  expect(out[0].device).toBe(device);
  const v = Array.from(native.toTypedArray(out[0]) as ArrayLike<number>);
  out.forEach((h) => native.dispose(h));
  return v;
}

const stream = { seed: 7, seed2: 11, counter: 3 };

describe.runIf(hasCuda)('CUDA: random streams are the CPU streams', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`random_uniform ${dtype}: the same values (same Philox bits)`, () => {
      const a = { ...stream, shape: [1001], dtype, minval: -3, maxval: 5 };
      const cpu = run('random_uniform', [], a, 'cpu');
      const gpu = run('random_uniform', [], a, 'cuda:0');
      // Equal up to the rounding of minval + range·u (a fused multiply-add on either side).
      expectClose(gpu, cpu, { atol: 0, rtol: dtype === 'float32' ? 2.4e-7 : 4.5e-16 }, 'uniform');
    });
    it(`random_normal and truncated_normal ${dtype}: equal to the last bits of log/sin/cos`, () => {
      for (const op of ['random_normal', 'truncated_normal']) {
        const a = { ...stream, shape: [3, 337], dtype, mean: 0.5, stddev: 2 };
        expectClose(run(op, [], a, 'cuda:0'), run(op, [], a, 'cpu'), { atol: 1e-5, rtol: 1e-5 }, op);
      }
    });
  }
  it('random_uniform int32: identical', () => {
    const a = { ...stream, shape: [777], dtype: 'int32', minval: -5, maxval: 1000 };
    expect(run('random_uniform', [], a, 'cuda:0')).toEqual(run('random_uniform', [], a, 'cpu'));
  });
  it('dropout: identical masks and values, with a broadcast noise shape', () =>
    withEager(() => {
      const x = tf.randomUniform([4, 5, 6], { seed: 1 });
      const keep = tf.constant(0.7);
      for (const noise of [undefined, [4, 1, 6]]) {
        const a: Attrs = { ...stream, ...(noise ? { noise_shape: noise } : {}) };
        expect(run('dropout', [x, keep], a, 'cuda:0')).toEqual(run('dropout', [x, keep], a, 'cpu'));
      }
    }));
});

describe.runIf(hasCuda)('CUDA: placement and eager tensors', () => {
  beforeAll(() => tf.setBackendOption('defaultDevice', 'auto'));
  afterAll(() => tf.setBackendOption('defaultDevice', 'cpu'));

  it('with defaultDevice auto, eager ops run on cuda:0 and values come back on demand', () =>
    withEager(() => {
      const a = tf.randomNormal([64, 32], { seed: 2 });
      expect(a.device).toBe('cuda:0');
      const y = tf.reduceSum(tf.nn.relu(tf.matmul(a, a, { transposeB: true })), 1);
      expect(y.device).toBe('cuda:0');
      const ref = tf.device('cpu', () => tf.reduceSum(tf.nn.relu(tf.matmul(a.to('cpu'), a.to('cpu'), { transposeB: true })), 1));
      expectClose(Array.from(y.dataSync()), Array.from(ref.dataSync()), { atol: 1e-4, rtol: 1e-4 });
    }));
  it('an in-place update of a device variable with host hyperparameters updates it in place', () =>
    withEager(() => {
      const v = tf.constant([1, 2, 3]).to('cuda:0');
      const out = native.runOp('apply_gradient_descent',
        [v.nativeHandle(), tf.constant(0.5).nativeHandle(), tf.constant([2, 2, 2]).nativeHandle()], {});
      expect(out[0].device).toBe('cuda:0');
      expect(v.arraySync()).toEqual([0, 1, 2]);
    }));
  it('device kernels check host indices with the CPU messages', () =>
    withEager(() => {
      const p = tf.ones([4, 3]).to('cuda:0');
      expect(() => tf.gather(p, tf.constant([1, 4], 'int32'))).toThrow(/gather: .*= 4 is out of range: must be in \[0, 4\)/);
      const logits = tf.ones([2, 3]).to('cuda:0');
      expect(() => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: tf.constant([0, 3], 'int32'), logits }))
        .toThrow(/label 3 at flat position 1 is out of range \[0, 3\)/);
    }));
  it('TF32 is off by default and can be allowed (float32 matmul within TF32 accuracy)', () =>
    withEager(() => {
      const a = tf.randomNormal([128, 256], { seed: 4 });
      const b = tf.randomNormal([256, 64], { seed: 5 });
      const exact = tf.device('cpu', () => tf.matmul(a.to('cpu'), b.to('cpu'))).dataSync();
      expectClose(Array.from(tf.matmul(a, b).dataSync()), Array.from(exact), { atol: 1e-3, rtol: 1e-4 });
      tf.cuda.setAllowTf32(true);
      try {
        expectClose(Array.from(tf.matmul(a, b).dataSync()), Array.from(exact), { atol: 0.1, rtol: 1e-2 });
      } finally {
        tf.cuda.setAllowTf32(false);
      }
    }));
});

interface Trained {
  losses: number[];
  sess: tf.Session;
  /** Runs n more training steps. */
  more(n: number): Promise<void>;
}

/** A small MLP trained with Adam for `steps` steps in a fresh graph; returns the losses. */
async function train(config: tf.SessionConfig, steps: number): Promise<Trained> {
  tf.disableEagerExecution();
  tf.resetDefaultGraph();
  const x = tf.placeholder('float32', [null, 20], 'x');
  const y = tf.placeholder('float32', [null, 4], 'y');
  const w1 = new tf.Variable(tf.randomNormal([20, 32], { stddev: 0.3, seed: 1 }), { name: 'w1' });
  const w2 = new tf.Variable(tf.randomNormal([32, 4], { stddev: 0.3, seed: 2 }), { name: 'w2' });
  const b1 = new tf.Variable(tf.zeros([32]), { name: 'b1' });
  const logits = tf.matmul(tf.nn.relu(tf.add(tf.matmul(x, w1), b1)), w2);
  const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogitsV2({ labels: y, logits }));
  const step = new tf.train.AdamOptimizer(0.01).minimize(loss);
  const sess = new tf.Session({ config });
  await sess.run(tf.globalVariablesInitializer());
  const xs = Float32Array.from({ length: 64 * 20 }, (_, i) => Math.sin(i * 0.37));
  const ys = Float32Array.from({ length: 64 * 4 }, (_, i) => (i % 4 === Math.floor(i / 4) % 4 ? 1 : 0));
  const losses: number[] = [];
  const more = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const [l] = await sess.run([loss, step], { x: xs, y: ys });
      losses.push((l as tf.Tensor).item() as number);
    }
  };
  await more(steps);
  return { losses, sess, more };
}

describe.runIf(hasCuda)('CUDA: training and the allocator', () => {
  it('an MLP trains on cuda:0 step for step like on the CPU', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    tf.setBackendOption('defaultDevice', 'auto');
    try {
      const cpu = await train({ deviceCount: { GPU: 0 } }, 30);
      const gpu = await train({ logDevicePlacement: true }, 30);
      expectClose(gpu.losses, cpu.losses, { atol: 1e-4, rtol: 1e-3 }, 'losses');
      expect(gpu.losses[29]).toBeLessThan(gpu.losses[0]);
      const lines = log.mock.calls.map((c) => String(c[0]));
      expect(lines).toContain('matmul: (matmul): cuda:0');
      expect(lines.some((l) => /^w1: \(variable\): cuda:0$/.test(l))).toBe(true);
      cpu.sess.close();
      gpu.sess.close();
    } finally {
      tf.setBackendOption('defaultDevice', 'cpu');
      log.mockRestore();
    }
  });
  it('no cudaMalloc in the steady state; emptyCache returns the cached blocks', async () => {
    tf.setBackendOption('defaultDevice', 'auto');
    try {
      const t = await train({}, 5);
      const before = tf.cuda.memoryInfo().numDeviceAllocs;
      await t.more(20);
      expect(tf.cuda.memoryInfo().numDeviceAllocs, 'cudaMalloc calls during 20 steps').toBe(before);
      t.sess.close();
      tf.cuda.emptyCache();
      const m = tf.cuda.memoryInfo();
      expect(m.bytesCached).toBe(0);
      expect(m.bytesReserved).toBe(m.bytesInUse);
    } finally {
      tf.setBackendOption('defaultDevice', 'cpu');
    }
  });
  it('a memory limit refuses allocations past it, naming the sizes', () =>
    withEager(() => {
      tf.cuda.setMemoryLimit(1);
      try {
        const inUse = tf.cuda.memoryInfo().bytesInUse;
        if (inUse > 2 ** 20) return;   // other tensors already hold more than the limit
        expect(() => tf.zeros([1024, 1024]).to('cuda:0')).toThrow(/exceed the memory limit of 1\.0 MiB/);
      } finally {
        tf.cuda.setMemoryLimit(null);
      }
    }));
});
