/** Graph mode and Session: TF 1.x semantics, feeds, fetches, plans, variables and errors. */
import { beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';

beforeEach(() => {
  tf.disableEagerExecution();
  tf.resetDefaultGraph();
});

const arr = (t: tf.Tensor) => t.arraySync();

describe('graph construction', () => {
  it('records nodes with unique, scoped names and static shapes with null', () => {
    const x = tf.placeholder('float32', [null, 3], 'x');
    const y = tf.nameScope('layer', () => tf.add(tf.matmul(x, tf.ones([3, 2])), 1));
    const z = tf.nameScope('layer', () => tf.relu(y));
    expect(x.shape).toEqual([null, 3]);
    expect(y.shape).toEqual([null, 2]);
    expect(y.name).toMatch(/^layer\/add:0$/);
    expect(z.name).toBe('layer_1/relu:0');   // a scope opened again gets a new name, as in TF
    expect(tf.getDefaultGraph().getTensorByName('layer/add:0')).toBe(y);
    expect(() => tf.getDefaultGraph().getTensorByName('nope:0')).toThrow(/no operation named 'nope'/);
    expect(tf.add(x, x).name).toBe('add:0');
    expect(tf.add(x, x).name).toBe('add_1:0');
    // A name taken explicitly is skipped, and an explicit name that is taken gets a suffix too.
    expect(tf.placeholder('float32', [], 'add_2').name).toBe('add_2:0');
    expect(tf.add(x, x).name).toBe('add_3:0');
    expect(tf.placeholder('float32', [], 'add_1').name).toBe('add_1_1:0');
    const ops = tf.getDefaultGraph().getOperations();
    expect(ops.map((o) => o.name).slice(-4)).toEqual(['add_1', 'add_2', 'add_3', 'add_1_1']);
    ops.pop();
    expect(tf.getDefaultGraph().getOperations().length).toBe(ops.length + 1);
  });
  it('shape errors are found at build time and name the node', () => {
    const x = tf.placeholder('float32', [null, 3], 'x');
    expect(() => tf.matmul(x, tf.ones([4, 2]), {})).toThrow(/matmul: inner dimensions do not match.*\[node 'matmul'\]/);
    expect(() => tf.add(x, tf.ones([2]))).toThrow(/add: incompatible shapes for broadcasting \[\?,3\] and \[2\]/);
  });
  it('graphs are separate; asDefault switches; device placement is recorded', () => {
    const g = new tf.Graph();
    const a = g.asDefault(() => tf.device('cpu', () => tf.constant(1)));
    expect((a.op as tf.Operation).graph).toBe(g);
    expect((a.op as tf.Operation).device).toBe('cpu');
    expect(() => tf.add(a, tf.constant(2))).toThrow(/belongs to a different graph/);
    expect(() => tf.device('tpu:0', () => 0)).toThrow(/unknown device 'tpu:0'/);
  });
});

describe('Session.run', () => {
  it('feeds: Map by tensor, object by name, TypedArrays, nested arrays, numbers', async () => {
    const x = tf.placeholder('float32', [null, 2], 'x');
    const s = tf.placeholder('float32', [], 's');
    const y = tf.mul(x, s);
    const sess = new tf.Session();
    expect(arr(await sess.run(y, new Map<tf.Tensor, tf.FeedValue>([[x, [[1, 2]]], [s, 3]])))).toEqual([[3, 6]]);
    expect(arr(await sess.run(y, { x: new Float32Array([1, 2, 3, 4]), 's:0': 2 }))).toEqual([[2, 4], [6, 8]]);
    expect(arr(sess.runSync(y, { x: [[1, 1]], s: 0.5 }))).toEqual([[0.5, 0.5]]);
    // Tensors converted from array feeds are freed when the run ends; a fetched feed keeps its value.
    const before = tf.memory().numTensors;
    const [fx, fy] = await sess.run([x, y], { x: new Float32Array([5, 6]), s: 2 });
    expect(tf.memory().numTensors - before).toBe(2);
    expect([arr(fx), arr(fy)]).toEqual([[[5, 6]], [[10, 12]]]);
    arr(sess.runSync(y, { x: fx, s: 1 }));
    expect(arr(fx)).toEqual([[5, 6]]); // a Tensor feed is the caller's, never disposed
    await expect(sess.run(y, { x: [[1, 2]], s: [1, 2] })).rejects.toThrow(/cannot feed value of shape \[2\]/);
    expect(tf.memory().numTensors - before).toBe(3);
  });
  it('fetch structures: arrays, objects, names, ops (null)', async () => {
    const a = tf.constant(2, 'float32', [], 'a');
    const b = tf.add(a, 1);
    const init = tf.noOp('init');
    const sess = new tf.Session();
    const r = await sess.run({ pair: [a, 'add:0'], op: init, nested: { b } });
    expect(r.pair.map((t: tf.Tensor) => t.item())).toEqual([2, 3]);
    expect(r.op).toBeNull();
    expect(r.nested.b.item()).toBe(3);
    expect(await sess.run('init')).toBeNull();
  });
  it('checks feeds against the placeholder and names it', async () => {
    const x = tf.placeholder('float32', [null, 3], 'x');
    const y = tf.identity(x);
    const sess = new tf.Session();
    expect(() => sess.runSync(y)).toThrow(/You must feed a value for placeholder tensor 'x' with dtype float32 and shape \[\?,3\]/);
    expect(() => sess.runSync(y, { x: [[1, 2]] })).toThrow(/cannot feed value of shape \[1,2\] for tensor 'x:0', which has shape \[\?,3\]/);
    expect(() => sess.runSync(y, { x: new Float32Array(4) })).toThrow(/4 values cannot fill shape \[\?,3\]/);
    expect(() => sess.runSync(y, { nope: 1 })).toThrow(/no operation named 'nope'/);
    await expect(sess.run(y, { x: [[1, 2, 3]] })).resolves.toBeTruthy();
    expect(() => sess.runSync(tf.constant(1) as never)).not.toThrow();
    expect(() => sess.runSync(5 as never)).toThrow(/cannot fetch number/);
  });
  it('any tensor can be fed, overriding its computation', async () => {
    const a = tf.constant(1);
    const b = tf.add(a, 1);
    const c = tf.mul(b, 10);
    const sess = new tf.Session();
    expect((await sess.run(c, new Map([[b, 5]]))).item()).toBe(50);
  });
  it('placeholderWithDefault, controlDependencies, group', async () => {
    const d = tf.placeholderWithDefault(tf.constant(3), [], 'd');
    const v = new tf.Variable(tf.constant(0), { name: 'v' });
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    expect((await sess.run(d)).item()).toBe(3);
    expect((await sess.run(d, { d: 7 })).item()).toBe(7);
    const inc = tf.assignAdd(v, 1);
    const read = tf.controlDependencies([inc], () => tf.identity(v));
    expect((await sess.run(read)).item()).toBe(1);
    expect((await sess.run(read)).item()).toBe(2);
    await sess.run(tf.group([inc, tf.assignAdd(v, 10)]));
    expect((await sess.run(v)).item()).toBe(13);
  });
  it('runs off the JavaScript thread: the event loop turns during a long step', async () => {
    const x = tf.placeholder('float32', [null, 512], 'x');
    let y: tf.Tensor = x;
    for (let i = 0; i < 20; i++) y = tf.tanh(tf.matmul(y, tf.ones([512, 512])));
    const sess = new tf.Session();
    const feed = { x: new Float32Array(512 * 512) };
    const t0 = performance.now();
    sess.runSync(y, feed);
    const syncMs = performance.now() - t0;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await sess.run(y, feed);
    clearInterval(timer);
    // A step of `syncMs` milliseconds leaves room for several timer ticks unless it blocks.
    if (syncMs > 20) expect(ticks).toBeGreaterThan(1);
  });
  it('random ops draw afresh on every run; seeds make runs reproducible across sessions', async () => {
    tf.setRandomSeed(5);
    const r = tf.randomUniform([4]);
    const s1 = new tf.Session();
    const a = arr(await s1.run(r));
    const b = arr(await s1.run(r));
    expect(a).not.toEqual(b);
    const s2 = new tf.Session();
    expect(arr(await s2.run(r))).toEqual(a);
    tf.setRandomSeed(null);
  });
  it('a closed session cannot run; errors inside a run reject the promise', async () => {
    const x = tf.placeholder('int32', [null], 'idx');
    const g = tf.gather(tf.constant([1, 2, 3]), x);
    const sess = new tf.Session();
    await expect(sess.run(g, { idx: new Int32Array([5]) })).rejects.toThrow(/gather: indices\[0\] = 5 is out of range/);
    sess.close();
    expect(() => sess.runSync(g, { idx: new Int32Array([0]) })).toThrow(/closed Session/);
  });
});

describe('memory in the steady state', () => {
  it('a ConvNet training step takes no host block from the system once its sizes are cached', async () => {
    const x = tf.placeholder('float32', [null, 8, 8, 2], 'x');
    const labels = tf.placeholder('int32', [null], 'labels');
    const training = tf.placeholderWithDefault(tf.constant(false), [], 'training');
    const conv = tf.layers.conv2d(x, { filters: 4, kernelSize: 3, padding: 'same', activation: tf.nn.relu });
    const pool = tf.layers.maxPooling2d(conv, { poolSize: 2, strides: 2 });
    const fc = tf.layers.dense(tf.layers.flatten(pool), { units: 16, activation: tf.nn.relu });
    const logits = tf.layers.dense(tf.layers.dropout(fc, { rate: 0.5, training }), { units: 3 });
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }));
    const train = new tf.train.AdamOptimizer(1e-3).minimize(loss);
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const pixels = Float32Array.from({ length: 6 * 8 * 8 * 2 }, (_, i) => Math.sin(i));
    const feeds = { x: pixels, labels: Int32Array.from([0, 1, 2, 0, 1, 2]), training: true };
    const step = async () => {
      const [l] = await sess.run([loss, train], feeds);
      l.dispose();
    };
    const start = tf.memory().cpu.numSystemAllocations;
    for (let i = 0; i < 3; i++) await step();
    const warm = tf.memory().cpu.numSystemAllocations;
    expect(warm).toBeGreaterThan(start); // the first steps find sizes the cache has not seen
    for (let i = 0; i < 10; i++) await step();
    expect(tf.memory().cpu.numSystemAllocations - warm).toBe(0);
    sess.close();
  });
});

describe('variables', () => {
  it('uninitialized reads name the variable; initializers; assign; values live per session', async () => {
    const v = new tf.Variable(tf.constant([1, 2]), { name: 'weights' });
    const s1 = new tf.Session();
    await expect(s1.run(v)).rejects.toThrow(/uninitialized value weights/);
    await s1.run(v.initializer!);
    await s1.run(tf.assign(v, [5, 6]));
    expect(arr(await s1.run(v))).toEqual([5, 6]);
    const s2 = new tf.Session();
    await s2.run(tf.variablesInitializer([v]));
    expect(arr(await s2.run(v))).toEqual([1, 2]);
    expect(() => tf.assign(v, [1, 2, 3])).toThrow(/assign: value of shape \[3\] does not match variable weights of shape \[2\]/);
    expect(() => tf.assign(tf.constant(1), 2)).toThrow(/'ref' must be a tf.Variable/);
  });
  it('a fetched value does not change when the variable is updated later', async () => {
    const v = new tf.Variable(tf.constant([1]), { name: 'v' });
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const before = await sess.run(v);
    await sess.run(tf.assignAdd(v, [1]));
    expect(arr(before)).toEqual([1]);
    expect(arr(await sess.run(v))).toEqual([2]);
  });
  it('collections: global and trainable', () => {
    const a = new tf.Variable(tf.zeros([2]), { name: 'a' });
    const b = new tf.Variable(tf.zeros([2]), { name: 'b', trainable: false });
    expect(tf.globalVariables()).toEqual([a, b]);
    expect(tf.trainableVariables()).toEqual([a]);
  });
  it('getVariable and variableScope follow TF reuse rules', () => {
    const w = tf.variableScope('fc1', () => tf.getVariable('W', { shape: [3, 2] }));
    // The initializer sits beside its variable, as in TF ("fc1/W/Assign", not "fc1/fc1/W/Assign").
    expect(w.initializer!.name).toBe('fc1/W/Assign');
    expect(w.name).toBe('fc1/W:0');
    expect(() => tf.variableScope('fc1', () => tf.getVariable('W', { shape: [3, 2] }))).toThrow(/Variable fc1\/W already exists, disallowed/);
    expect(tf.variableScope('fc1', () => tf.getVariable('W'), { reuse: true })).toBe(w);
    expect(() => tf.variableScope('fc1', () => tf.getVariable('b'), { reuse: true })).toThrow(/Variable fc1\/b does not exist/);
    expect(tf.variableScope('fc1', () => tf.getVariable('W', { shape: [3, 2] }), { reuse: tf.AUTO_REUSE })).toBe(w);
    expect(() => tf.variableScope('fc1', () => tf.getVariable('W', { shape: [4, 2] }), { reuse: true })).toThrow(/specified shape \[4,2\] and found shape \[3,2\]/);
    const nested = tf.variableScope('outer', () => tf.variableScope('inner', () => tf.getVariable('v', { shape: [1], initializer: tf.onesInitializer() })));
    expect(nested.name).toBe('outer/inner/v:0');
    expect(() => tf.getVariable('x')).toThrow(/shape of a new variable \(x\) must be fully defined/);
  });
  it('initializers produce the documented statistics', async () => {
    tf.setRandomSeed(3);
    const g = tf.getVariable('g', { shape: [200, 300], initializer: tf.glorotUniformInitializer() });
    const c = tf.getVariable('c', { shape: [2, 2], initializer: tf.constantInitializer(7) });
    const t = tf.getVariable('t', { shape: [10000], initializer: tf.truncatedNormalInitializer({ stddev: 2 }) });
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    const limit = Math.sqrt(6 / 500);
    const gv = (await sess.run(g)).dataSync();
    expect(Math.max(...gv)).toBeLessThanOrEqual(limit);
    expect(Math.min(...gv)).toBeGreaterThanOrEqual(-limit);
    expect(arr(await sess.run(c))).toEqual([[7, 7], [7, 7]]);
    const tv = (await sess.run(t)).dataSync();
    expect(Math.max(...tv.map(Math.abs))).toBeLessThanOrEqual(4);
    tf.setRandomSeed(null);
  });
});

describe('tf.gradients', () => {
  it('differentiates the graph; null for unconnected inputs; sums reused tensors', async () => {
    const x = tf.placeholder('float64', [3], 'x');
    const u = tf.placeholder('float64', [3], 'u');
    const y = tf.reduceSum(tf.add(tf.mul(x, x), x));
    const [dx, du] = tf.gradients(y, [x, u]);
    expect(du).toBeNull();
    const sess = new tf.Session();
    expect(arr(await sess.run(dx!, { x: new Float64Array([1, 2, 3]) }))).toEqual([3, 5, 7]);
    expect(dx!.name.startsWith('gradients/')).toBe(true);
  });
  it('gradYs seed the ys; eager mode refuses tf.gradients', () => {
    const x = tf.placeholder('float32', [2], 'x');
    const [g] = tf.gradients(tf.mul(x, 3), x, [tf.constant([1, 2])]);
    expect(new tf.Session().runSync(g!, { x: [0, 0] }).arraySync()).toEqual([3, 6]);
    tf.enableEagerExecution();
    expect(() => tf.gradients(tf.constant(1), tf.constant(1))).toThrow(/not supported when eager execution is enabled/);
    tf.disableEagerExecution();
  });
});

describe('InteractiveSession', () => {
  it('t.eval() and op.run() use the default session', () => {
    const v = new tf.Variable(tf.constant(2), { name: 'v' });
    const sess = new tf.InteractiveSession();
    tf.globalVariablesInitializer().run();
    expect(tf.mul(v, 3).eval().item()).toBe(6);
    sess.close();
    expect(() => tf.mul(v, 3).eval()).toThrow(/no default session/);
  });
});
