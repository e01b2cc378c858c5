/**
 * tf.train.ExponentialMovingAverage against a JavaScript reference, its names and collections,
 * restoring averages with a Saver, and variable-scope custom getters that read the averages.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { withEager } from '../helpers/check_op.js';

beforeEach(() => {
  tf.disableEagerExecution();
  tf.resetDefaultGraph();
});

const values = async (sess: tf.Session, t: tf.Tensor) => Array.from((await sess.run(t)).dataSync() as Float32Array);

describe('tf.train.ExponentialMovingAverage', () => {
  it('tracks shadow -= (1 - decay)(shadow - var) from the initial value, in float64', async () => {
    const w = new tf.Variable(tf.constant([1, -2, 3], 'float64'), { name: 'w' });
    const step = tf.placeholder('float64', [3], 'step');
    const ema = new tf.train.ExponentialMovingAverage(0.9);
    const update = tf.controlDependencies([w.assignAdd(step)], () => ema.apply([w]));
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    let wRef = [1, -2, 3];
    let sRef = [...wRef];
    for (const d of [[0.5, 1, -1], [2, 0, 0.25], [-1, -1, 3]]) {
      await sess.run(update, { step: withEager(() => tf.constant(d, 'float64')) });
      wRef = wRef.map((v, i) => v + d[i]);
      sRef = sRef.map((s, i) => s - 0.1 * (s - wRef[i]));
    }
    const shadow = ema.average(w)!;
    expect(shadow.opName).toBe('w/ExponentialMovingAverage');
    expect(ema.averageName(w)).toBe('w/ExponentialMovingAverage');
    expect(shadow.trainable).toBe(false);
    expect(tf.globalVariables()).toContain(shadow);
    expect(tf.trainableVariables()).not.toContain(shadow);
    expect(tf.getCollection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES)).toEqual([w]);
    expect(await values(sess, w)).toEqual(wRef);
    (await values(sess, shadow)).forEach((v, i) => expect(v).toBeCloseTo(sRef[i], 12));
  });

  it('with numUpdates the decay is min(decay, (1 + n) / (10 + n))', async () => {
    const step = tf.train.getOrCreateGlobalStep();
    const w = new tf.Variable(tf.constant([0]), { name: 'w' });
    const ema = new tf.train.ExponentialMovingAverage(0.99, { numUpdates: step });
    const update = tf.controlDependencies([w.assignAdd(tf.constant([10]))], () => ema.apply([w]));
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    await sess.run(update); // n = 0: decay 0.1
    expect((await values(sess, ema.average(w)!))[0]).toBeCloseTo(9, 5);
  });

  it('a Saver over variablesToRestore() loads the averages into the variables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nf-ema-'));
    const w = new tf.Variable(tf.constant([4, 8]), { name: 'layer/w' });
    const other = new tf.Variable(tf.constant(7), { name: 'other', trainable: false });
    const ema = new tf.train.ExponentialMovingAverage(0.5);
    const update = tf.controlDependencies([w.assign(tf.constant([0, 0]))], () => ema.apply([w]));
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    await sess.run(update);   // shadow: [2, 4]
    const path = await new tf.train.Saver().save(sess, join(dir, 'model'));
    const toRestore = ema.variablesToRestore();
    expect(Object.keys(toRestore).sort()).toEqual(['layer/w/ExponentialMovingAverage', 'other']);
    expect(toRestore['layer/w/ExponentialMovingAverage']).toBe(w);
    await new tf.train.Saver({ varList: toRestore }).restore(sess, path);
    expect(await values(sess, w)).toEqual([2, 4]);
    expect(await values(sess, other)).toEqual([7]);
  });

  it('a custom getter builds the same model again on the averages', async () => {
    const x = tf.placeholder('float32', [null, 2], 'x');
    const net = () => tf.layers.dense(x, { units: 1, kernelInitializer: tf.onesInitializer(), name: 'fc' });
    const y = tf.variableScope('model', net);
    const ema = new tf.train.ExponentialMovingAverage(0.5);
    const vars = tf.trainableVariables();
    const update = tf.controlDependencies(vars.map((v) => v.assign(tf.mul(v, 3))), () => ema.apply());
    const yAvg = tf.variableScope('model', net, { reuse: true, customGetter: ema.getter() });
    expect(tf.trainableVariables()).toEqual(vars);   // no new variables
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    await sess.run(update);   // kernel 3, shadow 2; bias 0
    const feed = { x: withEager(() => tf.constant([[1, 1]])) };
    expect(Array.from((await sess.run(y, feed)).dataSync())).toEqual([6]);
    expect(Array.from((await sess.run(yAvg, feed)).dataSync())).toEqual([4]);
  });

  it('custom getters nest as in TF: the inner one first, through the outer one', () => {
    const calls: string[] = [];
    const tag = (t: string): tf.CustomGetter => (get, name, o) => {
      calls.push(t);
      return get(name, o);
    };
    tf.variableScope('a', () => tf.variableScope('b', () => tf.getVariable('v', { shape: [1] }), { customGetter: tag('inner') }), {
      customGetter: tag('outer'),
    });
    expect(calls).toEqual(['inner', 'outer']);
    expect(() => tf.variableScope('c', () => tf.getVariable('v', { shape: [1] }), { customGetter: () => 3 as never })).toThrow(
      /custom getter of scope 'c' returned 3 for 'v', not a tf.Variable/,
    );
  });

  it('rejects bad input with clear errors', () => {
    expect(() => new tf.train.ExponentialMovingAverage(1.5)).toThrow(/decay must be a number in \[0, 1\], got 1.5/);
    const w = new tf.Variable(tf.constant([1]), { name: 'w' });
    const ema = new tf.train.ExponentialMovingAverage(0.9);
    ema.apply([w]);
    expect(() => ema.apply([w])).toThrow(/w already has a moving average/);
    const i = new tf.Variable(tf.constant([1], 'int32'), { name: 'i' });
    expect(() => ema.apply([i])).toThrow(/i is int32; moving averages need float32 or float64/);
    expect(() => ema.apply([tf.constant(1) as never])).toThrow(/expected tf.Variables/);
    const scoped = () => tf.variableScope('m', () => tf.getVariable('u', { shape: [1] }), { customGetter: ema.getter() });
    expect(scoped).toThrow(/m\/u has no moving average/);
  });
});
