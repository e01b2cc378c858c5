// tf.cond and tf.whileLoop in graph mode (functional If / While nodes running sub-plans) and
// eagerly: values, which ops run, gradients against float64 finite differences through
// Session.run (first and second order), nesting, variables, random ops, and the errors.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { compilePlan } from '../../lib/graph/plan.js';
import type { PlanSpec, PlanStep } from '../../lib/graph/plan.js';
import { inGraph, withEager } from '../helpers/check_op.js';
import { rng, uniform } from '../helpers/random.js';

type Feeds = tf.Feeds;
type FdFeeds = Record<string, Float64Array | number>;

const value = async (sess: tf.Session, t: Tensor, feeds: Feeds = {}) => (await sess.run(t, feeds)).dataSync();

/**
 * Checks d y / d feeds[name] (tf.gradients, one per name) against central differences of y
 * through Session.run, for every element of every named feed.
 */
async function fdCheck(sess: tf.Session, y: Tensor, xs: Record<string, Tensor>, feeds: FdFeeds, digits = 6): Promise<void> {
  const names = Object.keys(xs);
  const grads = tf.gradients(y, names.map((k) => xs[k]));
  grads.forEach((gr, i) => expect(gr, `gradient for ${names[i]}`).not.toBeNull());
  const analytic = ((await sess.run(grads as Tensor[], feeds)) as Tensor[]).map((t) => t.dataSync());
  const h = 1e-6;
  for (const [gi, k] of names.entries()) {
    const base = feeds[k];
    const n = typeof base === 'number' ? 1 : base.length;
    for (let e = 0; e < n; e++) {
      const at = (d: number) => {
        if (typeof base === 'number') return { ...feeds, [k]: base + d };
        const v = Float64Array.from(base);
        v[e] += d;
        return { ...feeds, [k]: v };
      };
      const yp = (await value(sess, y, at(h)))[0] as number;
      const ym = (await value(sess, y, at(-h)))[0] as number;
      expect(analytic[gi][e] as number, `d y / d ${k}[${e}]`).toBeCloseTo((yp - ym) / (2 * h), digits);
    }
  }
}

describe('tf.cond', () => {
  it('runs only the chosen branch, reading outer tensors', async () => {
    await inGraph(async () => {
      const x = tf.placeholder('float32', [], 'x');
      const c = tf.constant(10);
      const y = tf.cond(tf.less(x, 0), () => tf.sub(c, x), () => tf.mul(x, c));
      expect(y.op!.name).toBe('cond');
      const [a, b] = tf.cond(tf.greater(x, 1), () => [x, tf.constant(1, 'int32')], () => [tf.neg(x), tf.constant(2, 'int32')]);
      const sess = new tf.Session();
      expect(Array.from(await value(sess, y, { x: -2 }))).toEqual([12]);
      expect(Array.from(await value(sess, y, { x: 3 }))).toEqual([30]);
      const r = await sess.run([a, b], { x: 0.5 });
      expect([r[0].item(), r[1].item(), r[1].dtype]).toEqual([-0.5, 2, 'int32']);
    });
  });

  it('applies an assignment only in the branch taken', async () => {
    await inGraph(async () => {
      const v = new tf.Variable(tf.constant(0), { name: 'v' });
      const p = tf.placeholder('bool', [], 'p');
      const y = tf.cond(p, () => tf.assignAdd(v, 1), () => tf.identity(v));
      // A side effect the branch does not return still runs with it.
      const z = tf.cond(p, () => {
        tf.assignAdd(v, 100);
        return tf.constant(1);
      }, () => tf.constant(0));
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      await sess.run(y, { p: false });
      expect((await sess.run(v)).item()).toBe(0);
      await sess.run(y, { p: true });
      expect((await sess.run(v)).item()).toBe(1);
      await sess.run(z, { p: false });
      expect((await sess.run(v)).item()).toBe(1);
      await sess.run(z, { p: true });
      expect((await sess.run(v)).item()).toBe(101);
    });
  });

  it('merges static shapes and names its ops under the cond', async () => {
    await inGraph(async (g) => {
      const p = tf.placeholder('bool', [], 'p');
      const y = tf.cond(p, () => tf.zeros([2, 3]), () => tf.ones([2, 4]), { name: 'pick' });
      expect(y.shape).toEqual([2, null]);
      expect(y.op!.name).toBe('pick');
      expect(g.getOperations().some((o) => o.name.startsWith('pick/true/'))).toBe(true);
      expect(g.getOperations().some((o) => o.name.startsWith('pick/false/'))).toBe(true);
      const sess = new tf.Session();
      expect((await sess.run(y, { p: false })).shape).toEqual([2, 4]);
      expect((await sess.run(y, { p: true })).shape).toEqual([2, 3]);
    });
  });

  it('gradients match finite differences (float64), for the branch taken and captured tensors', async () => {
    await inGraph(async () => {
      const x = tf.placeholder('float64', [3], 'x');
      const w = tf.placeholder('float64', [3], 'w');
      const s = tf.placeholder('float64', [], 's');
      // Each branch reads a different set of outer tensors.
      const y = tf.cond(tf.greater(s, 0),
        () => tf.reduceSum(tf.mul(tf.tanh(tf.mul(x, w)), s)),
        () => tf.reduceSum(tf.square(tf.sub(x, s))));
      const sess = new tf.Session();
      const next = rng(3);
      for (const sv of [0.7, -0.4]) {
        await fdCheck(sess, y, { x, w, s }, { x: uniform(3, -1, 1, next), w: uniform(3, -1, 1, next), s: sv });
      }
      // Untaken-branch inputs get zero gradient.
      const [dw] = tf.gradients(y, [w]);
      expect(Array.from(await value(sess, dw!, { x: new Float64Array(3), w: new Float64Array([1, 2, 3]), s: -1 }))).toEqual([0, 0, 0]);
    });
  });

  it('nested conds, and second-order gradients through a cond', async () => {
    await inGraph(async () => {
      const x = tf.placeholder('float64', [], 'x');
      const a = tf.placeholder('float64', [], 'a');
      const y = tf.cond(tf.greater(x, 0),
        () => tf.cond(tf.greater(x, 1), () => tf.mul(tf.pow(x, 3), a), () => tf.mul(tf.square(x), a)),
        () => tf.sin(tf.mul(x, a)));
      const sess = new tf.Session();
      for (const xv of [1.5, 0.5, -0.8]) await fdCheck(sess, y, { x, a }, { x: xv, a: 1.3 });
      const [dx] = tf.gradients(y, [x]);
      for (const xv of [1.5, 0.5, -0.8]) await fdCheck(sess, dx!, { x, a }, { x: xv, a: 1.3 }, 5);
    });
  });

  it('creates variables inside a branch at the top level (tf.layers in a cond)', async () => {
    await inGraph(async () => {
      const x = tf.placeholder('float32', [null, 4], 'x');
      const p = tf.placeholderWithDefault(tf.constant(true), [], 'p');
      const y = tf.cond(p, () => tf.layers.dense(x, { units: 2, name: 'fc' }), () => tf.zeros([1, 2]));
      expect(tf.trainableVariables().map((v) => v.name)).toEqual(['fc/kernel:0', 'fc/bias:0']);
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      expect((await sess.run(y, { x: [[1, 2, 3, 4]] })).shape).toEqual([1, 2]);
      expect(Array.from(await value(sess, y, { x: [[1, 2, 3, 4]], p: false }))).toEqual([0, 0]);
    });
  });

  it('trains through a cond (GradientDescentOptimizer)', async () => {
    await inGraph(async () => {
      const w = new tf.Variable(tf.constant(3), { name: 'w' });
      const p = tf.placeholder('bool', [], 'p');
      const loss = tf.cond(p, () => tf.square(w), () => tf.square(tf.sub(w, 1)));
      const step = new tf.train.GradientDescentOptimizer(0.25).minimize(loss);
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      await sess.run(step, { p: true });      // w -= 0.25 * 2w
      expect((await sess.run(w)).item()).toBeCloseTo(1.5, 6);
      await sess.run(step, { p: false });     // w -= 0.25 * 2(w - 1)
      expect((await sess.run(w)).item()).toBeCloseTo(1.25, 6);
    });
  });

  it('calls only the chosen function eagerly, and records it on a tape', () => {
    withEager(() => {
      let calls = 0;
      const x = tf.constant(2, 'float64');
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tape.watch(x);
        return tf.cond(tf.greater(x, 0), () => tf.square(x), () => { calls++; return x; });
      });
      expect(calls).toBe(0);
      expect(y.item()).toBe(4);
      expect(tape.gradient(y, [x])[0]!.item()).toBe(4);
      expect(tf.cond(false, () => tf.constant(1), () => tf.constant(2)).item()).toBe(2);
    });
  });

  it('refuses mismatched branches, bad predicates and tensors used outside their branch', async () => {
    await inGraph(async () => {
      const p = tf.placeholder('bool', [], 'p');
      expect(() => tf.cond(p, () => tf.constant(1), () => tf.constant(1, 'int32'))).toThrow(
        /cond 'cond_?\d*': output 0 is float32 \[\] in trueFn but int32 \[\] in falseFn/);
      expect(() => tf.cond(p, () => [tf.constant(1)], () => [tf.constant(1), tf.constant(2)])).toThrow(/trueFn returns 1 value.*falseFn returns 2/);
      expect(() => tf.cond(tf.constant(1), () => tf.constant(1), () => tf.constant(2))).toThrow(/cond: pred must be a bool scalar, got float32 \[\]/);
      let inner: Tensor | null = null;
      const y = tf.cond(p, () => (inner = tf.add(tf.constant(1), 2)), () => tf.constant(0));
      expect(() => tf.mul(inner!, 2)).toThrow(/mul: .* was built inside tf.cond 'cond_?\d*' and cannot be used outside it/);
      const sess = new tf.Session();
      await expect(sess.run(inner!)).rejects.toThrow(/was built inside tf.cond/);
      // A predicate of unknown shape is checked when it runs.
      const q = tf.placeholder('bool', [null], 'q');
      const z = tf.cond(q, () => tf.constant(1), () => tf.constant(2));
      await expect(sess.run(z, { q: [true, false] })).rejects.toThrow(/cond 'cond_?\d*': the predicate must be a bool scalar, got bool\[2\]/);
      expect((await sess.run(y, { p: true })).item()).toBe(3);
      // Differentiating a branch whose output goes through an assignment would assign twice.
      const w = tf.placeholder('float32', [], 'w');
      const counter = new tf.Variable(tf.constant(0), { name: 'counter' });
      const counted = tf.cond(p, () => tf.mul(tf.assignAdd(counter, 1), w), () => w);
      expect(() => tf.gradients(counted, [w])).toThrow(/gradients: tf.cond 'cond_?\d*' computes its outputs through '.*AssignAdd' \(assign_add\), which changes a variable/);
      expect(() => tf.train.exportMetaGraph()).toThrow(/exportMetaGraph: node '.*' \(.*\) is part of a tf.cond or tf.whileLoop/);
    });
  });
});

describe('tf.whileLoop', () => {
  it('loops on several variables, reading outer tensors', async () => {
    await inGraph(async () => {
      const x = tf.placeholder('float32', [], 'x');
      const n = tf.placeholder('int32', [], 'n');
      const [i, acc] = tf.whileLoop((i) => tf.less(i, n), (i, acc) => [tf.add(i, 1), tf.mul(acc, x)], [tf.constant(0, 'int32'), tf.constant(1)]);
      expect(i.op!.name).toBe('while');
      const sess = new tf.Session();
      const r = await sess.run([i, acc], { x: 2, n: 10 });
      expect([r[0].item(), r[1].item()]).toEqual([10, 1024]);
      const z = await sess.run([i, acc], { x: 2, n: 0 });
      expect([z[0].item(), z[1].item()]).toEqual([0, 1]);
    });
  });

  it('stops at maximumIterations, and grows a variable within its shape invariant', async () => {
    await inGraph(async () => {
      const i = tf.whileLoop(() => tf.constant(true), (i) => tf.add(i, 1), tf.constant(0, 'int32'), { maximumIterations: 7 });
      const [, grown] = tf.whileLoop((k) => tf.less(k, 4), (k, v) => [tf.add(k, 1), tf.concat([v, tf.cast(tf.reshape(k, [1]), 'float32')], 0)],
        [tf.constant(0, 'int32'), tf.zeros([0])], { shapeInvariants: [[], [null]] });
      expect(grown.shape).toEqual([null]);
      const sess = new tf.Session();
      expect((await sess.run(i)).item()).toBe(7);
      expect(Array.from((await sess.run(grown)).dataSync())).toEqual([0, 1, 2, 3]);
      // A variable that grows is differentiated too: grown2 = [x, x, x, x].
      const x = tf.placeholder('float64', [null], 'x');
      const [, grown2] = tf.whileLoop((k) => tf.less(k, 2), (k, v) => [tf.add(k, 1), tf.concat([v, v], 0)], [tf.constant(0, 'int32'), x], { shapeInvariants: [[], [null]] });
      const [dx] = tf.gradients(tf.reduceSum(tf.mul(grown2, tf.range(1, 5, 1, 'float64'))), [x]);
      expect(Array.from((await sess.run(dx!, { x: [7] })).dataSync())).toEqual([10]);
      expect(() => tf.whileLoop((k) => tf.less(k, 4), (k, v) => [tf.add(k, 1), tf.concat([v, tf.zeros([1])], 0)],
        [tf.constant(0, 'int32'), tf.zeros([0])])).toThrow(
        /whileLoop 'while_?\d*': loop variable 1 enters the loop as float32 \[0\] but the body returns float32 \[1\].*shapeInvariants/);
    });
  });

  it('gradients match finite differences (float64): an RNN over a sequence, initial state and weights', async () => {
    await inGraph(async () => {
      const T = 4;
      const xs = tf.placeholder('float64', [T, 3], 'xs');
      const h0 = tf.placeholder('float64', [1, 3], 'h0');
      const W = tf.placeholder('float64', [3, 3], 'W');
      const [, h] = tf.whileLoop((t) => tf.less(t, T), (t, h) => {
        const xt = tf.reshape(tf.gather(xs, t), [1, 3]);
        return [tf.add(t, 1), tf.tanh(tf.add(tf.matmul(h, W), xt))];
      }, [tf.constant(0, 'int32'), h0]);
      const y = tf.reduceSum(tf.mul(h, tf.constant([[0.3, -1.1, 0.7]], 'float64')));
      const sess = new tf.Session();
      const next = rng(5);
      await fdCheck(sess, y, { xs, h0, W }, { xs: uniform(T * 3, -1, 1, next), h0: uniform(3, -1, 1, next), W: uniform(9, -0.8, 0.8, next) });
    });
  });

  it('gradients through zero iterations, a cond in the body, and a loop in a cond', async () => {
    await inGraph(async () => {
      const x = tf.placeholder('float64', [], 'x');
      const n = tf.placeholder('int32', [], 'n');
      const [, y] = tf.whileLoop((i) => tf.less(i, n), (i, v) => [tf.add(i, 1),
        tf.cond(tf.greater(v, 2), () => tf.sqrt(v), () => tf.add(tf.mul(v, x), 1))], [tf.constant(0, 'int32'), x]);
      const z = tf.cond(tf.greater(x, 0), () => tf.whileLoop((v) => tf.less(v, 50), (v) => tf.mul(v, tf.add(x, 1)), x), () => tf.neg(x));
      const sess = new tf.Session();
      for (const [xv, nv] of [[1.7, 0], [1.7, 3], [0.6, 6]]) await fdCheck(sess, y, { x }, { x: xv, n: nv });
      for (const xv of [0.9, 2.5, -1]) await fdCheck(sess, z, { x }, { x: xv, n: 0 });
      const [dx] = tf.gradients(y, [x]);
      expect((await sess.run(dx!, { x: 1.7, n: 0 })).item()).toBe(1);
    });
  });

  it('draws fresh random numbers in each iteration, and replays them in the gradient', async () => {
    await inGraph(async () => {
      tf.setRandomSeed(1);
      const w = tf.placeholder('float64', [4], 'w');
      const [, out, draws] = tf.whileLoop((i) => tf.less(i, 3), (i, v, rows) => {
        const r = tf.randomUniform([4], { dtype: 'float64' });
        return [tf.add(i, 1), tf.add(v, tf.mul(r, w)), tf.concat([rows, tf.reshape(r, [1, 4])], 0)];
      }, [tf.constant(0, 'int32'), tf.zeros([4], 'float64'), tf.zeros([0, 4], 'float64')], { shapeInvariants: [[], [4], [null, 4]] });
      const [dw] = tf.gradients(tf.reduceSum(out), [w]);
      const sess = new tf.Session();
      // d out / d w is the sum of the three draws, which the gradient's replay draws again.
      const [rows, d] = await sess.run([draws, dw!], { w: new Float64Array([1, 2, 3, 4]) });
      const r = rows.dataSync() as Float64Array;
      const sum = [0, 1, 2, 3].map((k) => r[k] + r[4 + k] + r[8 + k]);
      Array.from(d.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(sum[k], 12));
      expect(Array.from(r.slice(0, 4))).not.toEqual(Array.from(r.slice(4, 8)));
      expect(Array.from(r.slice(4, 8))).not.toEqual(Array.from(r.slice(8, 12)));
      // The next run draws again.
      const again = (await sess.run(draws, { w: new Float64Array(4) })).dataSync();
      expect(Array.from(again)).not.toEqual(Array.from(r));
    });
  });

  it('nested loops (a loop in a loop body, per-iteration rows inside) differentiate correctly', async () => {
    await inGraph(async () => {
      const xs = tf.placeholder('float64', [3, 2], 'xs');
      const w = tf.placeholder('float64', [2], 'w');
      // Outer: over the rows of xs; inner: two tanh steps reading the outer row and w.
      const ys = tf.scan((acc, row) => tf.whileLoop((j) => tf.less(j, 2),
        (j, v) => [tf.add(j, 1), tf.tanh(tf.add(tf.mul(v, w), row))], [tf.constant(0, 'int32'), acc])[1],
      xs, { initializer: tf.constant([0.1, -0.2], 'float64') });
      const y = tf.reduceSum(tf.mul(ys, tf.constant([[1, 2], [-1, 0.5], [0.3, -2]], 'float64')));
      const sess = new tf.Session();
      const next = rng(21);
      await fdCheck(sess, y, { xs, w }, { xs: uniform(6, -1, 1, next), w: uniform(2, -1, 1, next) });
    });
  });

  it('records what its gradient reads, so the gradient does not run the body again', async () => {
    await inGraph(async () => {
      const W = tf.placeholder('float32', [3, 3], 'W');
      const [, h] = tf.whileLoop((t) => tf.less(t, 4), (t, h) => [tf.add(t, 1), tf.tanh(tf.matmul(h, W))],
        [tf.constant(0, 'int32'), tf.ones([2, 3])]);
      const [dW] = tf.gradients(tf.reduceSum(h), [W]);
      const ops = (spec: PlanSpec): string[] => spec.steps.flatMap((st) => [st.op ?? st.kind, ...(st.subplans ?? []).flatMap(ops)]);
      const loopOf = (spec: PlanSpec, kind: string) => spec.steps.find((st) => st.kind === kind)!;
      const inside = (st: PlanStep) => (st.subplans ?? []).flatMap(ops);
      const spec = compilePlan([dW!], [], [W]);
      // The forward loop computes tanh(h·W) once per iteration; the gradient's body only its
      // backward ops, fed the recorded tanh output.
      expect(inside(loopOf(spec, 'while'))).toContain('tanh');
      const grad = inside(loopOf(spec, 'while_grad'));
      expect(grad).toContain('tanh_backward');
      expect(grad).not.toContain('tanh');
      expect(loopOf(spec, 'while').attrs.record).toBe(true);
      // A run without the gradient records nothing.
      expect(loopOf(compilePlan([h], [], [W]), 'while').attrs.record).toBe(false);
      const sess = new tf.Session();
      const r = await sess.run([h, dW!], { W: new Float32Array([0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5]) });
      expect(r[0].shape).toEqual([2, 3]);
    });
  });

  it('trains a variable through a loop; second order through a loop is refused', async () => {
    await inGraph(async () => {
      const w = new tf.Variable(tf.constant(0.5), { name: 'w' });
      // loss = (w^3 - 1)^2 with w^3 computed by the loop.
      const cube = tf.whileLoop((i) => tf.less(i, 3), (i, v) => [tf.add(i, 1), tf.mul(v, w)], [tf.constant(0, 'int32'), tf.constant(1)])[1];
      const loss = tf.square(tf.sub(cube, 1));
      const step = new tf.train.GradientDescentOptimizer(0.05).minimize(loss);
      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      const l0 = (await sess.run(loss)).item() as number;
      for (let k = 0; k < 40; k++) await sess.run(step);
      expect((await sess.run(loss)).item()).toBeLessThan(l0 / 100);
      const [dw] = tf.gradients(cube, [w]);
      expect(() => tf.gradients(dw!, [w])).toThrow(/gradient of a tf.whileLoop; gradients of it .* are not supported/);
    });
  });

  it('loops eagerly, and a tape differentiates the iterations', () => {
    withEager(() => {
      const x = tf.constant(1.5, 'float64');
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tape.watch(x);
        return tf.whileLoop((v) => tf.less(v, 10), (v) => tf.mul(v, x), x);
      });
      expect(y.item()).toBeCloseTo(1.5 ** 6, 10);
      expect(tape.gradient(y, [x])[0]!.item()).toBeCloseTo(6 * 1.5 ** 5, 8);
    });
  });

  it('refuses bad loops with errors naming the loop', async () => {
    await inGraph(async () => {
      expect(() => tf.whileLoop(() => tf.constant(1), (v) => v, tf.constant(0))).toThrow(/whileLoop 'while_?\d*': cond's result must be a bool scalar, got float32 \[\]/);
      expect(() => tf.whileLoop(() => tf.constant(true), (v) => [v, v], [tf.constant(0)])).toThrow(/body returned 2 value\(s\) for 1 loop variable/);
      expect(() => tf.whileLoop(() => tf.constant(true), (v) => tf.cast(v, 'int32'), tf.constant(0))).toThrow(/loop variable 0 enters the loop as float32 \[\] but the body returns int32 \[\]/);
      expect(() => tf.whileLoop(() => tf.constant(true), (v) => v, tf.constant(0), { maximumIterations: -1 })).toThrow(/maximumIterations must be an integer >= 0/);
      expect(() => tf.whileLoop(() => tf.constant(true), (v) => [v], [tf.constant(0)], { shapeInvariants: [[], []] })).toThrow(/2 shapeInvariants for 1 loop variables/);
      expect(() => tf.whileLoop(() => tf.constant(true), (v) => v, tf.zeros([3]), { shapeInvariants: [[2]] })).toThrow(
        /loop variable 0 is float32 \[3\], which does not fit its shape invariant \[2\]/);
    });
  });
});
