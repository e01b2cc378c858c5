/**
 * tf.keras.backend and utils: one session per graph, the learning phase, variable values,
 * clearSession, eager mode refused, toCategorical.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { freshGraph } from './helpers.js';

beforeEach(freshGraph);
const K = tf.keras.backend;

describe('tf.keras.backend', () => {
  it('one session per graph; the learning phase is a bool placeholder, default false', async () => {
    const g = new tf.Graph();
    expect(K.getSession()).toBe(K.getSession());
    expect(K.getSession(g)).not.toBe(K.getSession());
    expect(K.getSession(g).graph).toBe(g);
    const phase = K.learningPhase();
    expect(K.learningPhase()).toBe(phase);
    expect(phase.dtype).toBe('bool');
    expect(phase.shape).toEqual([]);
    expect(((await K.getSession().run(phase)) as tf.Tensor).item()).toBe(false);
    const mine = new tf.Session();
    K.setSession(mine);
    expect(K.getSession()).toBe(mine);
    expect(K.epsilon()).toBe(1e-7);
  });

  it('getValue / setValue on a layer weight, with shape and dtype checks', () => {
    const dense = new tf.keras.layers.Dense(2);
    dense.apply(tf.keras.Input([1]));
    K.setValue(dense.kernel!, [[3, 4]]);
    expect(K.getValue(dense.kernel!).arraySync()).toEqual([[3, 4]]);
    const wide = [[1, 2, 3]];
    expect(() => K.setValue(dense.kernel!, wide)).toThrow(/dense\/kernel.*3 values cannot fill/);
  });

  it('clearSession starts a fresh default graph: names start again at "dense"', () => {
    const a = new tf.keras.layers.Dense(1);
    const b = new tf.keras.layers.Dense(1);
    expect([a.name, b.name]).toEqual(['dense', 'dense_1']);
    const before = tf.getDefaultGraph();
    K.clearSession();
    expect(tf.getDefaultGraph()).not.toBe(before);
    expect(new tf.keras.layers.Dense(1).name).toBe('dense');
  });

  it('refuses eager mode with a message saying what to do', () => {
    tf.enableEagerExecution();
    try {
      expect(() => K.getSession()).toThrow(/graph mode only.*tf\.disableEagerExecution\(\)/);
    } finally {
      tf.disableEagerExecution();
    }
  });
});

describe('tf.keras.utils.toCategorical', () => {
  it('one-hot rows from class ids, with the number of classes given or inferred', () => {
    const { toCategorical } = tf.keras.utils;
    expect(toCategorical([0, 2, 1]).arraySync()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    expect(toCategorical(Int32Array.of(1), 4).arraySync()).toEqual([[0, 1, 0, 0]]);
    expect(() => toCategorical([0, 1.5])).toThrow(/non-negative integers, found 1.5/);
    expect(() => toCategorical([3], 2)).toThrow(/class id 3 at index 0 is >= numClasses 2/);
  });
});
