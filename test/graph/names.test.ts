// TF's `name=` on op functions: the op producing the result takes the name (unique-ified under
// the current scope), helper ops of composite functions go under 'name/…', and the name can be
// used to find the tensor again, also after exporting and importing the graph.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { named } from '../../lib/engine.js';
import { inGraph } from '../helpers/check_op.js';


describe('op names (name=)', () => {
  it('names the node, unique-ified and under the name scope, and finds it by name', async () => {
    await inGraph(async (g) => {
      const a = tf.placeholder('float32', [2], 'a');
      const s = tf.add(a, 1, { name: 'sum' });
      const s1 = tf.mul(a, 2, { name: 'sum' });
      const inner = tf.nameScope('outer', () => tf.relu(s, { name: 'act' }));
      expect([s.op!.name, s1.op!.name, inner.op!.name]).toEqual(['sum', 'sum_1', 'outer/act']);
      expect([s.name, s1.name]).toEqual(['sum:0', 'sum_1:0']);
      expect(s.op!.type).toBe('add');
      expect(g.getTensorByName('outer/act:0')).toBe(inner);
      expect(g.getOperationByName('sum_1')).toBe(s1.op);
      // Unnamed ops keep their type names, not disturbed by the named ones.
      expect(tf.add(a, a).op!.name).toBe('add');
      const sess = new tf.Session({ graph: g });
      const [v] = await sess.run([g.getTensorByName('sum_1:0')], { a: [1, 2] });
      expect(Array.from(v.dataSync())).toEqual([2, 4]);
    });
  });

  it('name scopes are unique as in TF, and a trailing / re-enters one', () => {
    inGraph(() => {
      const x = tf.placeholder('float32', [2], 'x');
      const a = tf.nameScope('block', () => tf.relu(x));
      const b = tf.nameScope('block', () => tf.relu(x));
      const c = tf.nameScope('block/', () => tf.relu(x));
      const d = tf.nameScope('outer', () => tf.nameScope('block', () => tf.relu(x)));
      const e = tf.nameScope('outer', () => tf.nameScope('', () => tf.relu(x)));
      expect([a, b, c, d, e].map((t) => t.op!.name)).toEqual(['block/relu', 'block_1/relu', 'block/relu_1', 'outer/block/relu', 'relu']);
      // The scope's own name is taken: an op asking for it gets a suffix.
      expect(tf.identity(x, { name: 'block_1' }).op!.name).toBe('block_1_1');
      expect(() => tf.nameScope('a b', () => 0)).toThrow(/nameScope: bad scope name "a b"/);
    });
  });

  it('a name taken by another node is unique-ified, and explicit names stay exact', () => {
    inGraph(() => {
      tf.placeholder('float32', [2], 'x');
      const x2 = tf.identity(tf.constant([1, 2]), { name: 'x' });
      expect(x2.op!.name).toBe('x_1');
      expect(tf.placeholder('float32', [], 'x_2').op!.name).toBe('x_2');
      expect(tf.neg(x2, { name: 'x' }).op!.name).toBe('x_3');
    });
  });

  it('composite functions name their result op and put helper ops under the name', () => {
    inGraph((g) => {
      const w = tf.placeholder('float64', [3, 2], 'w');
      const l2 = tf.nn.l2Loss(w, { name: 'decay' });
      expect(l2.op!.name).toBe('decay');
      expect(l2.op!.type).toBe('mul');
      const helpers = g.operations.filter((o) => o.name.startsWith('decay/')).map((o) => o.type);
      expect(helpers).toEqual(expect.arrayContaining(['square', 'reduce_sum']));
      // Two results from two ops: both stay under the scope, as TF's moments ('m/…').
      const [mean, variance] = tf.nn.moments(w, [0], { name: 'm' });
      expect(mean.op!.name.startsWith('m/')).toBe(true);
      expect(variance.op!.name.startsWith('m/')).toBe(true);
      expect(() => g.getOperationByName('m')).toThrow(/no operation named 'm'/);
    });
  });

  it('a result that is not a new op (an input passed through) gets an identity node of the name', () => {
    inGraph((g) => {
      const x = tf.placeholder('float32', [2], 'x');
      const y = named('passThrough', 'same', () => x);
      expect(y).not.toBe(x);
      expect([y.op!.name, y.op!.type, y.op!.inputs[0]]).toEqual(['same', 'identity', x]);
      expect(g.getTensorByName('same:0')).toBe(y);
    });
  });

  it('every output of a multi-output op carries the name', () => {
    inGraph((g) => {
      const x = tf.placeholder('float32', [4, 6], 'x');
      const parts = tf.split(x, 3, 1, { name: 'parts' });
      expect(parts.map((t) => t.name)).toEqual(['parts:0', 'parts:1', 'parts:2']);
      expect(g.getTensorByName('parts:2')).toBe(parts[2]);
      const [y] = tf.nn.fusedBatchNorm(tf.reshape(x, [1, 2, 2, 6]), tf.ones([6]), tf.zeros([6]), null, null, { name: 'bn' });
      expect(y.name).toBe('bn:0');
    });
  });

  it('a named activation is found and fetched even where conv2d + bias + relu are fused', async () => {
    await inGraph(async (g) => {
      tf.setRandomSeed(3);
      const x = tf.placeholder('float32', [1, 4, 4, 2], 'x');
      const f = tf.randomNormal([3, 3, 2, 3], { name: 'filter' });
      const y = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(x, f, 1, 'SAME'), tf.constant([0.1, -0.2, 0.3])), { name: 'features' });
      const sess = new tf.Session({ graph: g });
      const xs = [[0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => [Math.sin(i + 2 * j), Math.cos(3 * i - j)]))];
      const [byName, direct] = await sess.run([g.getTensorByName('features:0'), y], { x: xs });
      expect(byName.shape).toEqual([1, 4, 4, 3]);
      expect(Array.from(byName.dataSync())).toEqual(Array.from(direct.dataSync()));
      expect(Array.from(byName.dataSync() as Float32Array).some((v) => v > 0)).toBe(true);
      expect(g.getOperationByName('filter').type).toBe('random_normal');
    });
  });

  it('names survive exportMetaGraph / importMetaGraph', async () => {
    const meta = inGraph(() => {
      const x = tf.placeholder('float32', [null, 3], 'input');
      const w = tf.constant([[1], [2], [3]], 'float32');
      tf.identity(tf.matmul(x, w, { name: 'scores' }), { name: 'output' });
      return tf.train.exportMetaGraph();
    });
    await inGraph(async (g) => {
      tf.train.importMetaGraph(meta);
      const sess = new tf.Session({ graph: g });
      const out = await sess.run(g.getTensorByName('output:0'), { input: [[1, 1, 1], [0, 1, 0]] });
      expect(Array.from(out.dataSync())).toEqual([6, 2]);
      expect(g.getOperationByName('scores').type).toBe('matmul');
    });
  });

  it('rejects a bad name with an Error naming the op, also eagerly; eagerly a good name is ignored', () => {
    inGraph(() => {
      const a = tf.placeholder('float32', [2], 'a');
      expect(() => tf.add(a, 1, { name: 'bad name' })).toThrow(/add: name must be .*got 'bad name'/);
      expect(() => tf.relu(a, { name: '_x' })).toThrow(/relu: name must be/);
      expect(() => tf.relu(a, { name: 'x/' })).toThrow(/relu: name must be/);
      expect(() => tf.reduceSum(a, 0, false, { name: 7 as unknown as string })).toThrow(/reduceSum: name must be .*got number/);
      // A call rejected for its arguments inside the named build gives the name back.
      expect(() => tf.reshape(a, [3], { name: 'r' })).toThrow(/reshape/);
      expect(() => tf.transpose(a, [0, 0], { name: 'r' })).toThrow(/transpose/);
      expect(tf.reshape(a, [2, 1], { name: 'r' }).op!.name).toBe('r');
      expect(tf.reshape(a, [1, 2], { name: 'r' }).op!.name).toBe('r_1');
    });
    tf.enableEagerExecution();
    try {
      expect(() => tf.add(tf.constant([1]), 1, { name: 'a b' })).toThrow(/add: name must be/);
      const y = tf.add(tf.constant([1, 2]), 1, { name: 'sum' });
      expect(Array.from(y.dataSync())).toEqual([2, 3]);
    } finally {
      tf.disableEagerExecution();
    }
  });
});
