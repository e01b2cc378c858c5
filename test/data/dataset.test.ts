/** tf.data.Dataset and its graph iterators (fed by the Session, one element per run). */
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { inGraph, withEager } from '../helpers/check_op.js';

/** Host tensors (made eagerly, as data loaders give them). */
const host = (v: number[] | number[][], dtype: tf.DType = 'float32') => withEager(() => tf.keep(tf.constant(v, dtype)));
const rows = (n: number) => host(Array.from({ length: n }, (_, i) => [i, 10 * i]));
const ids = (n: number) => host(Array.from({ length: n }, (_, i) => i), 'int32');
/** Every element of ds as plain arrays (read while iterating: each element is disposed at the next). */
const collect = (ds: tf.Dataset) => {
  const out: unknown[] = [];
  for (const e of ds) out.push(e instanceof tf.Tensor ? e.arraySync() : Object.fromEntries(Object.entries(e).map(([k, t]) => [k, (t as tf.Tensor).arraySync()])));
  return out;
};

describe('Dataset pipeline (host side)', () => {
  it('fromTensorSlices slices dimension 0 of a tensor, an array or a record of tensors', () => {
    expect(collect(tf.data.Dataset.fromTensorSlices(rows(3)))).toEqual([[0, 0], [1, 10], [2, 20]]);
    expect(collect(tf.data.Dataset.fromTensorSlices({ x: rows(2), y: ids(2) }))).toEqual([{ x: [0, 0], y: 0 }, { x: [1, 10], y: 1 }]);
    const pairs: unknown[] = [];
    for (const e of tf.data.Dataset.fromTensorSlices([rows(2), ids(2)])) pairs.push((e as tf.Tensor[]).map((t) => t.arraySync()));
    expect(pairs).toEqual([[[0, 0], 0], [[1, 10], 1]]);
    const spec = tf.data.Dataset.fromTensorSlices({ x: rows(2), y: ids(2) }).batch(4).elementSpec;
    expect(spec).toEqual({ x: { dtype: 'float32', shape: [null, 2] }, y: { dtype: 'int32', shape: [null] } });
  });

  it('batch stacks elements (a smaller last batch unless dropRemainder), repeat, take, skip', () => {
    const ds = tf.data.Dataset.fromTensorSlices(ids(5));
    expect(collect(ds.batch(2))).toEqual([[0, 1], [2, 3], [4]]);
    expect(collect(ds.batch(2, { dropRemainder: true }))).toEqual([[0, 1], [2, 3]]);
    expect(ds.batch(2, { dropRemainder: true }).elementSpec).toEqual({ dtype: 'int32', shape: [2] });
    expect(collect(ds.take(2).repeat(3))).toEqual([0, 1, 0, 1, 0, 1]);
    expect(collect(ds.skip(3).repeat(2).batch(3))).toEqual([[3, 4, 3], [4]]);
    expect(collect(ds.take(0).repeat())).toEqual([]);   // empty forever is still empty
    expect(collect(ds.take(-1))).toEqual([0, 1, 2, 3, 4]);
    expect(collect(ds.repeat().take(7))).toEqual([0, 1, 2, 3, 4, 0, 1]);
  });

  it('shuffle: a permutation, a new one each pass, replayed by the seed; a small buffer keeps order local', () => {
    const ds = tf.data.Dataset.fromTensorSlices(ids(50));
    const [a, b] = collect(ds.shuffle(50, { seed: 3 }).repeat(2).batch(50)) as number[][];
    expect([...a].sort((p, q) => p - q)).toEqual([...Array(50).keys()]);
    expect([...b].sort((p, q) => p - q)).toEqual([...Array(50).keys()]);
    expect(a).not.toEqual(b);
    expect(a).not.toEqual([...Array(50).keys()]);
    expect(collect(ds.shuffle(50, { seed: 3 }))).toEqual(a);
    expect(collect(ds.shuffle(50, { seed: 4 }))).not.toEqual(a);
    const fixed = ds.shuffle(50, { seed: 3, reshuffleEachIteration: false });
    expect(collect(fixed)).toEqual(collect(fixed));
    // Buffer 4: output i is one of the first i + 4 inputs, and all come out once.
    const local = collect(ds.shuffle(4, { seed: 1 })) as number[];
    local.forEach((v, i) => expect(v).toBeLessThan(i + 4));
    expect([...local].sort((p, q) => p - q)).toEqual([...Array(50).keys()]);
    // Without a seed, tf.setRandomSeed replays the order.
    tf.setRandomSeed(7);
    const s1 = collect(ds.shuffle(50));
    tf.setRandomSeed(7);
    expect(collect(ds.shuffle(50))).toEqual(s1);
    tf.setRandomSeed(null);
  });

  it('map runs a function on each element, eagerly even in graph mode, and takes its spec from the first', () => {
    inGraph(() => {
      const ds = tf.data.Dataset.fromTensorSlices({ x: rows(3), y: ids(3) })
        .map((e) => {
          const { x, y } = e as { x: tf.Tensor; y: tf.Tensor };
          return [tf.reshape(tf.mul(x, 2), [1, 2]), tf.add(y, 100)];
        })
        .batch(2);
      expect(ds.elementSpec).toEqual([{ dtype: 'float32', shape: [null, 1, 2] }, { dtype: 'int32', shape: [null] }]);
      const got: unknown[] = [];
      for (const e of ds) got.push((e as tf.Tensor[]).map((t) => t.arraySync()));
      expect(got).toEqual([[[[[0, 0]], [[2, 20]]], [100, 101]], [[[[4, 40]]], [102]]]);
      expect(tf.getDefaultGraph().getOperations()).toEqual([]);   // nothing was added to the graph
      expect(() => [...tf.data.Dataset.fromTensorSlices(ids(2)).map(() => 3 as unknown as tf.Tensor)]).toThrow(/map: the function must return a tensor/);
      expect(() => tf.data.Dataset.fromTensorSlices(ids(2)).take(0).map((e) => e).elementSpec).toThrow(/element spec of an empty dataset is unknown/);
    });
  });

  it('fromGenerator converts each yielded element to the spec and checks it; a new pass calls the generator again', () => {
    let calls = 0;
    const gen = function* () {
      calls++;
      for (let i = 0; i < 3; i++) yield { x: [i, i / 2], y: i, z: new Float32Array([i, i, i, i]) };
    };
    const spec = { x: { dtype: 'float32', shape: [2] }, y: { dtype: 'int32', shape: [] }, z: { dtype: 'float32', shape: [2, 2] } } as const;
    const ds = tf.data.Dataset.fromGenerator(gen, spec as unknown as tf.Structure<tf.PartSpec>).batch(2);
    expect(collect(ds)).toEqual([
      { x: [[0, 0], [1, 0.5]], y: [0, 1], z: [[[0, 0], [0, 0]], [[1, 1], [1, 1]]] },
      { x: [[2, 1]], y: [2], z: [[[2, 2], [2, 2]]] },
    ]);
    collect(ds);
    expect(calls).toBe(2);
    const varying = tf.data.Dataset.fromGenerator(function* () { yield [1, 2, 3]; yield [4]; }, { dtype: 'int32', shape: [null] });
    expect(collect(varying)).toEqual([[1, 2, 3], [4]]);
    const bad = (spec: tf.Structure<tf.PartSpec>, value: unknown) => () => collect(tf.data.Dataset.fromGenerator(function* () { yield value as number; }, spec));
    expect(bad({ dtype: 'float32', shape: [3] }, [1, 2])).toThrow(/fromGenerator: element 0, component 0: shape \[2\] does not match the spec's \[3\]/);
    expect(bad([{ dtype: 'float32', shape: [] }, { dtype: 'float32', shape: [] }], [1])).toThrow(/element 0: expected an array of 2 components/);
    expect(bad({ a: { dtype: 'float32', shape: [] } }, { b: 1 })).toThrow(/element 0: expected a record with key 'a'/);
    expect(bad({ dtype: 'float32', shape: [1] }, ids(1))).toThrow(/element 0, component 0: expected float32, got a tensor of int32/);
    expect(() => tf.data.Dataset.fromGenerator(gen, { dtype: 'float16', shape: [] } as unknown as tf.PartSpec)).toThrow(/elementSpec must be \{ dtype, shape \}/);
  });

  it('iterating disposes the previous element', () => {
    const seen: tf.Tensor[] = [];
    for (const e of tf.data.Dataset.fromTensorSlices(ids(3))) seen.push(e as tf.Tensor);
    expect(seen.every((t) => t.isDisposed)).toBe(true);
  });

  it('bad arguments give errors naming the transformation', () => {
    const ds = tf.data.Dataset.fromTensorSlices(ids(3));
    expect(() => ds.batch(0)).toThrow(/batch: batchSize must be a positive integer, got 0/);
    expect(() => ds.shuffle(1.5)).toThrow(/shuffle: bufferSize must be a positive integer/);
    expect(() => ds.repeat(-2)).toThrow(/repeat: count must be an integer >= -1/);
    expect(() => tf.data.Dataset.fromTensorSlices({ x: rows(2), y: ids(3) })).toThrow(/every component needs 2 rows like the first, got \[3\]/);
    expect(() => tf.data.Dataset.fromTensorSlices(withEager(() => tf.keep(tf.constant(1))))).toThrow(/component 0 is a scalar/);
    inGraph(() => {
      const p = tf.placeholder('float32', [3, 2], 'p');
      expect(() => tf.data.Dataset.fromTensorSlices(p)).toThrow(/is a graph tensor; pass host values/);
    });
  });
});

describe('Dataset iterators in graph mode (the Session feeds getNext)', () => {
  it('each run that needs getNext takes one element; runs that do not, take none; the end throws OutOfRangeError', async () => {
    await inGraph(async (g) => {
      const ds = tf.data.Dataset.fromTensorSlices({ x: rows(5), y: ids(5) }).batch(2);
      const { x, y } = ds.makeOneShotIterator().getNext() as { x: tf.Tensor; y: tf.Tensor };
      expect([x.shape, y.shape, x.dtype, y.dtype]).toEqual([[null, 2], [null], 'float32', 'int32']);
      const total = tf.reduceSum(x);
      const other = tf.constant(5);
      const sess = new tf.Session({ graph: g });
      const seen: number[][] = [];
      await sess.run(other);   // needs no element
      for (;;) {
        try {
          const [t, ys] = await sess.run([total, y]);   // x and y of the same element
          seen.push([t.item() as number, ...(ys.arraySync() as number[])]);
          await sess.run(other);
        } catch (e) {
          expect(e).toBeInstanceOf(tf.errors.OutOfRangeError);
          expect((e as Error).message).toMatch(/End of sequence/);
          break;
        }
      }
      expect(seen).toEqual([[11, 0, 1], [55, 2, 3], [44, 4]]);
      await expect(sess.run(total)).rejects.toThrow(/End of sequence/);
      // Feeding the placeholder yourself takes no element (and works after the end).
      const fed = await sess.run(total, new Map([[x, [[1, 1]]]]));
      expect(fed.item()).toBe(2);
    });
  });

  it('a mapped dataset feeds its iterator like any other', async () => {
    await inGraph(async (g) => {
      const ds = tf.data.Dataset.fromTensorSlices(ids(4)).map((y) => tf.oneHot(y as tf.Tensor, 4)).batch(4);
      const next = ds.makeOneShotIterator().getNext() as tf.Tensor;
      expect([next.dtype, next.shape]).toEqual(['float32', [null, 4]]);
      const sess = new tf.Session({ graph: g });
      expect((await sess.run(tf.argmax(next, 1))).arraySync()).toEqual([0, 1, 2, 3]);
    });
  });

  it('an initializable iterator restarts at its initializer and refuses to run before it', async () => {
    await inGraph(async (g) => {
      const it = tf.data.Dataset.fromTensorSlices(ids(3)).batch(2).makeInitializableIterator();
      const next = it.getNext() as tf.Tensor;
      const sess = new tf.Session({ graph: g });
      await expect(sess.run(next)).rejects.toThrow(/iterator has not been initialized: run its initializer first/);
      for (let pass = 0; pass < 2; pass++) {
        await sess.run(it.initializer);
        expect((await sess.run(next)).arraySync()).toEqual([0, 1]);
        expect((await sess.run(next)).arraySync()).toEqual([2]);
        await expect(sess.run(next)).rejects.toBeInstanceOf(tf.errors.OutOfRangeError);
      }
    });
  });

  it('trains a model from an iterator over repeated, shuffled batches', async () => {
    await inGraph(async (g) => {
      tf.setRandomSeed(2);
      // y = 3·x0 − 2·x1 + 1 on 64 points.
      const xs = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
      const ys = xs.map(([a, b]) => [3 * a - 2 * b + 1]);
      const ds = tf.data.Dataset.fromTensorSlices({ x: host(xs), y: host(ys) }).shuffle(64).batch(16).repeat();
      const { x, y } = ds.makeOneShotIterator().getNext() as { x: tf.Tensor; y: tf.Tensor };
      const pred = tf.layers.dense(x, { units: 1 });
      const loss = tf.reduceMean(tf.square(tf.sub(pred, y)));
      const train = new tf.train.AdamOptimizer(0.1).minimize(loss);
      const sess = new tf.Session({ graph: g });
      await sess.run(tf.globalVariablesInitializer());
      const first = (await sess.run(loss)).item() as number;
      for (let i = 0; i < 300; i++) await sess.run(train);
      const last = (await sess.run(loss)).item() as number;
      expect(first).toBeGreaterThan(1);
      expect(last).toBeLessThan(1e-3);
      tf.setRandomSeed(null);
    });
  });
});
