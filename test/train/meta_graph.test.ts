import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Operation } from '../../lib/graph/graph.js';
import type { MetaGraphDef } from '../../lib/train/meta_graph.js';
import { SummaryOp } from '../../lib/summary/ops.js';
import { batch, buildModel } from './meta_graph_model.js';

const root = mkdtempSync(join(tmpdir(), 'nf-meta-'));
let dirCount = 0;
const freshDir = () => join(root, `d${dirCount++}`);
afterAll(() => execFileSync('rm', ['-rf', root]));

/** Builds the model in a fresh graph; returns the graph, the model and its meta graph. */
function built(seed = 5) {
  const g = new tf.Graph();
  return g.asDefault(() => {
    tf.setRandomSeed(seed);
    const m = buildModel();
    const saver = new tf.train.Saver({ maxToKeep: 3 });
    return { g, m, saver, meta: tf.train.exportMetaGraph(null, { saverDef: saver }) };
  });
}

function importFresh(meta: MetaGraphDef | string, opts = {}) {
  const g = new tf.Graph();
  const saver = g.asDefault(() => tf.train.importMetaGraph(meta, opts));
  return { g, saver };
}

/** Everything that defines a node, for comparing graphs (names without `scope`). */
const describeOp = (o: Operation, scope = '') => ({
  name: o.name.slice(scope.length),
  type: o.type,
  inputs: o.inputs.map((t) => t.name.slice(scope.length)),
  control: o.controlInputs.map((c) => c.name.slice(scope.length)),
  device: o.device,
  attrs: o.attrs,
  outputs: o.outputs.map((t) => [t.dtype, t.shape]),
  value: o.extra.value ? Array.from(o.extra.value.dataSync()) : undefined,
});
const describeAll = (g: tf.Graph) => g.operations.map((o) => describeOp(o));

type Inputs = { x: tf.Tensor; y: tf.Tensor; training: tf.Tensor };
const inputsOf = (g: tf.Graph): Inputs => ({
  x: g.getTensorByName('x:0'),
  y: g.getTensorByName('y:0'),
  training: g.getTensorByName('training:0'),
});
const feeds = (m: Inputs, step: number) => {
  const { xs, ys } = batch(step);
  return new Map<tf.Tensor, tf.FeedValue>([[m.x, xs], [m.y, ys], [m.training, true]]);
};

describe('exportMetaGraph / importMetaGraph in one process', () => {
  it('recreates every node, variable, collection and summary; re-export is identical', () => {
    const a = built();
    const b = importFresh(a.meta);
    expect(describeAll(b.g)).toEqual(describeAll(a.g));
    expect(tf.train.exportMetaGraph(null, { graph: b.g, saverDef: b.saver })).toEqual(a.meta);

    // Variables: same names, trainable flags, initializers; the same collections.
    const globals = (g: tf.Graph) => g.getCollection<tf.Variable>(tf.GraphKeys.GLOBAL_VARIABLES);
    const vars = (g: tf.Graph) => globals(g).map((v) => [v.opName, v.trainable, v.dtype, v.shape,
      v.initializer?.name, v.initializer?.inputs[0].name, v instanceof tf.Variable]);
    expect(vars(b.g)).toEqual(vars(a.g));
    expect(vars(b.g).length).toBeGreaterThan(10); // kernels, biases, BN stats, Adam slots, step…
    for (const v of globals(b.g)) expect(v.initialValue).toBe(v.initializer!.inputs[0]);
    expect(b.g.getAllCollectionKeys()).toEqual(a.g.getAllCollectionKeys());
    expect(b.g.getAllCollectionKeys()).toEqual(expect.arrayContaining(['variables',
      'trainable_variables', 'global_step', 'update_ops', 'losses', 'summaries', 'train_op',
      'outputs', 'notes']));
    const names = (g: tf.Graph, key: string) =>
      g.getCollection<{ name: string }>(key).map((x) => (typeof x === 'string' ? x : x.name));
    for (const key of a.g.getAllCollectionKeys()) expect(names(b.g, key)).toEqual(names(a.g, key));
    expect(tf.train.getGlobalStep(b.g)!.opName).toBe('global_step');
    expect(b.g.getCollection('train_op')[0]).toBe(b.g.getOperationByName('train'));
    const specs = (g: tf.Graph) => g.getCollection<SummaryOp>(tf.GraphKeys.SUMMARIES)
      .map((s) => (s instanceof SummaryOp ? s.parts.map((p) => p.spec) : 'not a SummaryOp'));
    expect(specs(b.g)).toEqual(specs(a.g));
    // Imported variables are new objects with their own ids, bound to the assign ops.
    const w = b.g.getTensorByName('fc1/kernel:0') as tf.Variable;
    expect(w).toBeInstanceOf(tf.Variable);
    expect(w.varId).not.toBe((a.g.getTensorByName('fc1/kernel:0') as tf.Variable).varId);
    // A summary tag stays taken, so a new summary of that name is renamed as in the original.
    const again = (g: tf.Graph) => g.asDefault(() => tf.summary.scalar('loss', 1).name);
    expect([again(b.g), again(a.g)]).toEqual(['loss_1', 'loss_1']);
  });

  it('the imported graph computes exactly what the original does', async () => {
    const a = built();
    const b = importFresh(a.meta);
    const sa = new tf.Session({ graph: a.g });
    const sb = new tf.Session({ graph: b.g });
    await sa.run(a.m.init);
    await sb.run('init');
    const mb = inputsOf(b.g);
    const lossB = b.g.getCollection<tf.Tensor>(tf.GraphKeys.LOSSES)[0];
    const trainB = b.g.getCollection<tf.Operation>('train_op')[0];
    for (let s = 0; s < 4; s++) {
      const [la] = await sa.run([a.m.loss, a.m.train], feeds(a.m, s));
      const [lb] = await sb.run([lossB, trainB], feeds(mb, s));
      expect(lb.item()).toBe(la.item());
    }
    const fetch = ['global_step:0', 'examples_seen:0', 'bn/moving_mean:0', 'fc2/kernel:0'];
    const values = async (s: tf.Session) =>
      (await s.run(fetch)).map((t: tf.Tensor) => Array.from(t.dataSync()));
    const va = await values(sa);
    expect(await values(sb)).toEqual(va);
    expect(va[0]).toEqual([4]);
    expect(va[1]).toEqual([32]);
    const summaries = (g: tf.Graph, s: tf.Session, m: Inputs) =>
      g.asDefault(() => tf.summary.mergeAll()!.values(s, feeds(m, 9)));
    expect(await summaries(b.g, sb, mb)).toEqual(await summaries(a.g, sa, a.m));
  });

  it('writes the file atomically, imports it from the path; importScope prefixes', async () => {
    const dir = freshDir();
    const a = built();
    const file = join(dir, 'sub', 'model.meta.json');
    const meta = a.g.asDefault(() => tf.train.exportMetaGraph(file, { saverDef: a.saver }));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(meta);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['model.meta.json']);
    expect(meta).toMatchObject({ format: 'nodeflow.meta_graph', version: 1 });
    expect(meta.saver!.maxToKeep).toBe(3);

    // A checkpoint of the original restores into a scoped import (keys are the original names).
    const sa = new tf.Session({ graph: a.g });
    await sa.run(a.m.init);
    await sa.run(a.m.train, feeds(a.m, 0));
    const prefix = await a.saver.save(sa, join(dir, 'model.ckpt'));
    const g = new tf.Graph();
    g.asDefault(() => tf.constant(1, 'float32', [], 'x')); // 'x' is taken: the scope avoids it
    const opts = { importScope: 'copy', clearDevices: true };
    const saver = g.asDefault(() => tf.train.importMetaGraph(file, opts))!;
    expect(g.operations.slice(1).map((o) => describeOp(o, 'copy/')))
      .toEqual(a.g.operations.map((o) => ({ ...describeOp(o), device: null })));
    const trainable = g.getCollection<tf.Variable>('trainable_variables');
    expect(trainable[0].opName).toBe('copy/fc1/kernel');
    const sb = new tf.Session({ graph: g });
    await saver.restore(sb, prefix);
    const [wa, wb] = [await sa.run('fc1/kernel:0'), await sb.run('copy/fc1/kernel:0')];
    expect(Array.from(wb.dataSync())).toEqual(Array.from(wa.dataSync()));
  });

  it('round-trips NaN, ±Infinity and -0 in constants and attrs, and large values', async () => {
    const g = new tf.Graph();
    const big = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i) * 1e-300 + i);
    const fetches = g.asDefault(() => [
      tf.constant([NaN, Infinity, -Infinity, -0, 1.5], 'float32', [5], 'specials'),
      tf.constant(big, 'float64', [10, 10], 'big'),
      tf.constant([true, false, true], 'bool', [3], 'flags'),
      tf.constant([-2147483648, 2147483647], 'int32', [2], 'ints'),
      tf.fill([2], Infinity),
      tf.fill([2], -0),
      tf.oneHot(tf.constant([0, 1], 'int32'), 2, { onValue: NaN, offValue: -Infinity }),
    ].map((t) => t.name));
    const meta = tf.train.exportMetaGraph(null, { graph: g });
    const back = importFresh(JSON.parse(JSON.stringify(meta)) as MetaGraphDef).g;
    const bits = async (gr: tf.Graph) => (await new tf.Session({ graph: gr }).run(fetches))
      .map((t: tf.Tensor) => Array.from(new Uint8Array(t.dataSync().buffer)));
    expect(await bits(back)).toEqual(await bits(g));
    const node = (name: string) => meta.graph.node.find((n) => n.name === name)!;
    expect(node('specials').value!.values).toBeUndefined();
    expect(node('big').value!.base64).toBeDefined();
    expect(node('ints').value!.values).toEqual([-2147483648, 2147483647]);
    expect(node('fill').attr!.value).toEqual({ $number: 'Infinity' });
  });
});

describe('node kinds across the public API', () => {
  /** A CNN with every optimizer, clipping, a decayed rate, getVariable and random ops. */
  function zoo() {
    tf.setRandomSeed(9);
    const x = tf.placeholder('float32', [null, 6, 6, 1], 'images');
    const labels = tf.placeholder('int32', [null], 'labels');
    const conv = { filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' } as const;
    const c = tf.layers.conv2d(x, conv);
    const p = tf.layers.maxPooling2d(tf.layers.batchNormalization(c, { training: true }),
      { poolSize: 2, strides: 2 });
    const t = tf.layers.conv2dTranspose(p, { filters: 2, kernelSize: 2, strides: 2 });
    const a = tf.layers.averagePooling2d(t, { poolSize: 3, strides: 3 });
    const flat = tf.layers.flatten(a);
    const extra = tf.variableScope('head', () => tf.getVariable('scale', { shape: [8] }));
    const logits = tf.layers.dense(tf.mul(flat, tf.slice(extra, [0], [flat.shape[1] as number])),
      { units: 3, kernelRegularizer: tf.contrib.layers.l2Regularizer(0.01) });
    const loss = tf.add(tf.losses.sparseSoftmaxCrossEntropy(labels, logits),
      tf.getCollection<tf.Tensor>(tf.GraphKeys.REGULARIZATION_LOSSES)[0]);
    const step = tf.train.getOrCreateGlobalStep();
    const lr = tf.train.exponentialDecay(0.1, step, 2, 0.5, { staircase: true });
    const opts = [
      new tf.train.GradientDescentOptimizer(lr),
      new tf.train.MomentumOptimizer(0.01, 0.9, { useNesterov: true }),
      new tf.train.AdagradOptimizer(0.01),
      new tf.train.AdadeltaOptimizer(1),
      new tf.train.RMSPropOptimizer(0.01, { momentum: 0.5, centered: true }),
      new tf.train.AdamOptimizer(),
    ];
    const gv = opts[0].computeGradients(loss);
    const [clipped] = tf.clipByGlobalNorm(gv.map(([g]) => g), 1);
    const trains = opts.map((o, i) => i === 0
      ? o.applyGradients(gv.map(([, v], j) => [clipped[j], v]), { globalStep: step })!
      : o.minimize(loss));
    tf.addToCollection('trains', tf.group(trains, 'all_trains'));
    tf.addToCollection('probes', tf.truncatedNormal([3], { seed: 1 }));
    tf.addToCollection('probes', tf.randomShuffle(tf.range(0, 5, 1, 'int32')));
    tf.addToCollection('probes', tf.multinomial(tf.log(tf.constant([[0.2, 0.8]])), 4));
    tf.addToCollection('probes', tf.randomUniform([2], { minval: -1, maxval: 1, seed: 2 }));
    tf.addToCollection('probes', loss);
    return { x, labels };
  }

  it('conv layers, every optimizer, clipping, decay, random ops round-trip and agree', async () => {
    const g = new tf.Graph();
    const { x, labels } = g.asDefault(zoo);
    const meta = tf.train.exportMetaGraph(null, { graph: g });
    const back = importFresh(JSON.parse(JSON.stringify(meta)) as MetaGraphDef);
    expect(describeAll(back.g)).toEqual(describeAll(g));
    expect(back.saver).not.toBeNull();
    const xs = Float32Array.from({ length: 2 * 36 }, (_, i) => Math.sin(i));
    const run = async (gr: tf.Graph) => {
      const sess = new tf.Session({ graph: gr });
      await sess.run(gr.getOperationByName('init'));
      const feeds = { [x.name]: xs, [labels.name]: Int32Array.from([0, 2]) };
      const out: number[][] = [];
      for (let i = 0; i < 3; i++) {
        await sess.run(gr.getCollection<tf.Operation>('trains')[0], feeds);
        const probes = await sess.run(gr.getCollection<tf.Tensor>('probes'), feeds);
        out.push(...probes.map((t: tf.Tensor) => Array.from(t.dataSync())));
      }
      return out;
    };
    g.asDefault(() => tf.globalVariablesInitializer());
    back.g.asDefault(() => tf.globalVariablesInitializer());
    expect(await run(back.g)).toEqual(await run(g));
  });
});

describe('meta graph errors', () => {
  const base = built().meta;
  const edit = (fn: (m: MetaGraphDef) => void) => {
    const m = structuredClone(base);
    fn(m);
    return m;
  };
  /** Expects the import to fail with `re` and to leave the graph unchanged. */
  function rejects(meta: MetaGraphDef, re: RegExp, prepare?: () => void) {
    const g = new tf.Graph();
    if (prepare) g.asDefault(prepare);
    const before = g.operations.length;
    const keys = g.getAllCollectionKeys();
    expect(() => g.asDefault(() => tf.train.importMetaGraph(meta))).toThrow(re);
    expect(g.operations.length).toBe(before);
    expect(g.getAllCollectionKeys()).toEqual(keys);
  }

  it('names a clashing node; a second import needs importScope', () => {
    const clash = /importMetaGraph: node 'x' already exists in the graph \(import into a fresh/;
    rejects(base, clash, () => tf.placeholder('float32', [1], 'x'));
    const g = new tf.Graph();
    g.asDefault(() => tf.train.importMetaGraph(base));
    expect(() => g.asDefault(() => tf.train.importMetaGraph(base))).toThrow(clash);
    g.asDefault(() => tf.train.importMetaGraph(base, { importScope: 'second' }));
    expect(g.getOperationByName('second/train').type).toBe('no_op');
  });

  it('rejects unknown ops, bad versions and formats, dangling inputs, bad values', () => {
    const mm = base.graph.node.findIndex((n) => n.op === 'matmul');
    const c = base.graph.node.findIndex((n) => n.op === 'const');
    const name = base.graph.node[mm].name;
    rejects(edit((m) => (m.graph.node[mm].op = 'frobnicate')),
      new RegExp(`node '${name}': unknown op 'frobnicate'`));
    rejects(edit((m) => (m.version = 2)),
      /meta graph version 2 is not supported \(this nodeflow reads version 1\)/);
    rejects(edit((m) => ((m as { format: string }).format = 'tf.MetaGraphDef')),
      /not a nodeflow meta graph \(format "tf.MetaGraphDef"/);
    rejects(edit((m) => m.graph.node.reverse()),
      /refers to '.*', which is not a node defined before it/);
    rejects(edit((m) => (m.graph.node[mm].input = ['x:3', 'fc1/kernel'])),
      /input 'x:3': 'x' has 1 output\(s\)/);
    rejects(edit((m) => (m.graph.node[mm].output[0].shape = [null, 17])),
      /recorded outputs \[float32 \[\?,17\]\] do not match the op's shape rule \[float32 \[\?,16/);
    rejects(edit((m) => (m.graph.node[c].value = { dtype: 'float32', shape: [3], base64: 'AAAA' })),
      /base64 data holds 3 bytes, a float32 \[3\] value needs 12/);
    rejects(edit((m) => (m.collections.outputs = [{ operation: 'nope' }])),
      /collection 'outputs' item 0: no node 'nope'/);
    rejects(edit((m) => (m.summaries[0].parts[0].tag = '')),
      /summary 0 \('loss'\): bad summary part/);
    rejects(edit((m) => (m.saver!.variables.extra = 'x')),
      /the saver's variable 'x' is not a variable node/);
    expect(() => tf.train.importMetaGraph(join(root, 'missing.json')))
      .toThrow(/importMetaGraph: cannot read .*missing\.json/);
  });

  it('export names what it cannot write; collectionList leaves a collection out', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      tf.addToCollection('odd', { some: 'object' });
      tf.constant(1);
    });
    expect(() => tf.train.exportMetaGraph(null, { graph: g })).toThrow(
      /collection 'odd' item 0 is a Object, which a meta graph cannot hold \(leave the collection/);
    const only = { graph: g, collectionList: [] };
    expect(tf.train.exportMetaGraph(null, only).graph.node).toHaveLength(1);
    g.addOp('mystery', [], {}, { name: 'strange', outputs: [] });
    expect(() => tf.train.exportMetaGraph(null, only))
      .toThrow(/node 'strange' has type 'mystery', which is neither a native op nor a graph/);
    const v = new tf.Graph().asDefault(() => new tf.Variable(1, { name: 'v' }));
    const saverDef = { maxToKeep: 1, variables: { v: v.opName } };
    expect(() => tf.train.exportMetaGraph(null, { graph: new tf.Graph(), saverDef }))
      .toThrow(/the saver's variable 'v' \(key 'v'\) is not in this graph/);
  });
});

// ---------------------------------------------------------------- real processes

const viteNode = join(new URL('../../node_modules/.bin/vite-node', import.meta.url).pathname);
const child = new URL('./meta_graph_child.ts', import.meta.url).pathname;

describe.runIf(existsSync(viteNode))('a meta graph built in another process', () => {
  it('imports, restores, and continues with exactly the outputs the child printed', async () => {
    const dir = freshDir();
    const r = spawnSync(viteNode, [child, dir, '5', '3'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.prefix).toBe(join(dir, 'model.ckpt-5'));
    expect(out.step).toBe(8);

    const g = new tf.Graph();
    const saver = g.asDefault(() => tf.train.importMetaGraph(join(dir, 'model.meta.json')))!;
    expect(saver.maxToKeep).toBe(2);
    const sess = new tf.Session({ graph: g });
    await saver.restore(sess, tf.train.latestCheckpoint(dir)!);
    const m = inputsOf(g);
    const loss = g.getCollection<tf.Tensor>(tf.GraphKeys.LOSSES)[0];
    const train = g.getCollection<tf.Operation>('train_op')[0];
    const logits = g.getCollection<tf.Tensor>('outputs')[0];
    const merged = g.asDefault(() => tf.summary.mergeAll()!);
    const probe = batch(1000);
    const steps = [];
    for (let s = 5; s < 8; s++) {
      const [l] = await sess.run([loss, train], feeds(m, s));
      const lg = await sess.run(logits, { x: probe.xs });
      const summaries = await merged.values(sess, feeds(m, s));
      steps.push({ loss: l.item(), logits: Array.from(lg.dataSync()), summaries });
    }
    expect(JSON.parse(JSON.stringify(steps))).toEqual(out.steps);
    expect((await sess.run(tf.train.getGlobalStep(g)!)).item()).toBe(8);
  }, 120_000);
});
