/**
 * The plan rewrite conv2d → add(bias) → activation ⇒ fused_conv2d (lib/graph/fuse.ts): when it
 * applies, when it must not, and that a fused run gives exactly the unfused values, gradients
 * included.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { compilePlan } from '../../lib/graph/plan.js';
import type { PlanSpec } from '../../lib/graph/plan.js';
import { withEager } from '../helpers/check_op.js';

beforeEach(() => {
  tf.disableEagerExecution();
  tf.resetDefaultGraph();
});
afterEach(() => {
  delete process.env.NODEFLOW_FUSION;
});

const ops = (p: PlanSpec) => p.steps.map((s) => (s.op === 'fused_conv2d' ? `fused_conv2d:${s.attrs.activation}` : s.op ?? s.kind));

/** x placeholder [null, 8, 8, 3] → conv 3x3x3x4 + bias (+ act). Filter and bias are constants. */
function convBias(dtype: 'float32' | 'float64' = 'float32') {
  const x = tf.placeholder(dtype, [null, 8, 8, 3], 'x');
  const f = tf.constant(Float64Array.from({ length: 108 }, (_, i) => Math.sin(i)), dtype, [3, 3, 3, 4]);
  const b = tf.constant([0.1, -0.2, 0.3, -0.4], dtype);
  const conv = tf.nn.conv2d(x, f, 1, 'SAME');
  const pre = tf.nn.biasAdd(conv, b);
  return { x, f, b, conv, pre };
}

const feedX = (dtype: 'float32' | 'float64' = 'float32') =>
  withEager(() => tf.randomNormal([2, 8, 8, 3], { dtype, seed: 7 }));

describe('conv2d + bias + activation fusion', () => {
  it('fuses the chain into one step, for each activation', () => {
    for (const act of ['relu', 'relu6', 'elu'] as const) {
      tf.resetDefaultGraph();
      const { x, pre } = convBias();
      expect(ops(compilePlan([tf.nn[act](pre)], [], [x]))).toEqual([`fused_conv2d:${act}`]);
    }
  });

  it('fuses conv2d + bias alone when the activation is something else', () => {
    const { x, pre } = convBias();
    expect(ops(compilePlan([tf.tanh(pre)], [], [x]))).toEqual(['fused_conv2d:', 'tanh']);
  });

  it('leaves the chain alone when an intermediate is fetched, read twice, or a control input', () => {
    let { x, conv, pre } = convBias();
    expect(ops(compilePlan([tf.relu(pre), conv], [], [x]))).toEqual(['conv2d', 'add', 'relu']);
    // The pre-activation fetched: conv + bias still fuse, the relu reads their output.
    expect(ops(compilePlan([tf.relu(pre), pre], [], [x]))).toEqual(['fused_conv2d:', 'relu']);

    tf.resetDefaultGraph();
    ({ x, conv, pre } = convBias());
    const twice = tf.add(tf.relu(pre), tf.reduceSum(conv));
    expect(ops(compilePlan([twice], [], [x]))).toEqual(['conv2d', 'add', 'relu', 'reduce_sum', 'add']);

    tf.resetDefaultGraph();
    ({ x, conv, pre } = convBias());
    let after = tf.controlDependencies([conv], () => tf.noOp());
    expect(ops(compilePlan([tf.relu(pre)], [after], [x]))).toEqual(['conv2d', 'add', 'relu']);
    // The chain's last op may be a control input (the fused step runs where it would have run).
    after = tf.controlDependencies([pre], () => tf.noOp());
    expect(ops(compilePlan([tf.relu(pre)], [after], [x]))).toEqual(['fused_conv2d:', 'relu']);
  });

  it('needs a bias vector of the output channels, and one device', () => {
    const { x, conv } = convBias();
    expect(ops(compilePlan([tf.relu(tf.add(conv, 1))], [], [x]))).toEqual(['conv2d', 'add', 'relu']);
    expect(ops(compilePlan([tf.relu(tf.add(conv, tf.constant(1, 'float32', [8, 4])))], [], [x]))).toEqual(['conv2d', 'add', 'relu']);
    const onCpu = tf.device('cpu', () => tf.relu(tf.nn.biasAdd(conv, tf.constant([1, 2, 3, 4]))));
    expect(ops(compilePlan([onCpu], [], [x]))).toEqual(['conv2d', 'add', 'relu']);
  });

  it('is off with NODEFLOW_FUSION=0', () => {
    const { x, pre } = convBias();
    process.env.NODEFLOW_FUSION = '0';
    expect(ops(compilePlan([tf.relu(pre)], [], [x]))).toEqual(['conv2d', 'add', 'relu']);
  });

  it('gives exactly the unfused values and gradients, in a training step', async () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const run = async (fusion: boolean) => {
        tf.resetDefaultGraph();
        if (!fusion) process.env.NODEFLOW_FUSION = '0';
        else delete process.env.NODEFLOW_FUSION;
        const x = tf.placeholder(dtype, [null, 8, 8, 3], 'x');
        tf.setRandomSeed(3);
        const h = tf.layers.conv2d(x, { filters: 4, kernelSize: 3, padding: 'same', activation: tf.nn.relu, name: 'c1' });
        const y = tf.layers.conv2d(h, { filters: 2, kernelSize: 3, strides: 2, activation: tf.nn.elu, name: 'c2' });
        const loss = tf.reduceSum(tf.square(y));
        const vars = tf.trainableVariables();
        const grads = tf.gradients(loss, vars) as tf.Tensor[];
        const plan = compilePlan([loss, ...grads], [], [x]);
        const sess = new tf.Session();
        await sess.run(tf.globalVariablesInitializer());
        const out = (await sess.run([loss, ...grads], { x: feedX(dtype) })) as tf.Tensor[];
        return { plan: ops(plan), values: out.map((t) => Array.from(t.dataSync() as Float32Array)) };
      };
      const fused = await run(true);
      const plain = await run(false);
      expect(fused.plan.filter((o) => o.startsWith('fused_conv2d'))).toEqual(['fused_conv2d:relu', 'fused_conv2d:elu']);
      expect(plain.plan).toContain('conv2d');
      expect(fused.values).toEqual(plain.values);
    }
  });

  it('a runtime shape error names the conv node', async () => {
    const x = tf.placeholder('float32', [null, null, null, 3], 'x');
    const y = tf.relu(tf.nn.biasAdd(tf.nn.conv2d(x, tf.ones([5, 5, 3, 2]), 1, 'VALID'), tf.ones([2])));
    const sess = new tf.Session();
    const small = withEager(() => tf.zeros([1, 3, 3, 3]));
    await expect(sess.run(y, { x: small })).rejects.toThrow(/node 'conv2d'.*larger than the input \(3\)/);
  });
});
