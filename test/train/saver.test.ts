import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { Saver, getCheckpointState, latestCheckpoint } from '../../lib/train/saver.js';

const root = mkdtempSync(join(tmpdir(), 'nf-saver-'));
let dirCount = 0;
const freshDir = () => join(root, `d${dirCount++}`);
afterAll(() => execFileSync('rm', ['-rf', root]));

// .ci/run installs python3-numpy and sets NODEFLOW_CI=1: in CI this check always runs.
const hasNumpy = process.env.NODEFLOW_CI === '1' ||
  spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

type Values = { W: number[]; b: number[]; n: number[]; mask: number[] };
const A: Values = { W: [0.1, -2.5, 3e-8, 4, 5.5, -6], b: [1 / 3, -1e300, 2 ** -1074], n: [2147483647, -2147483648], mask: [1, 0, 0, 1] };

/** A fresh graph with the test variables (initial values differ from A), and a session. */
function model(init = 0) {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const vars = {
      W: new tf.Variable(tf.fill([2, 3], init), { name: 'fc1/W' }),
      b: new tf.Variable(tf.fill([3], init, 'float64'), { name: 'fc1/b' }),
      n: new tf.Variable(tf.fill([2], init, 'int32'), { name: 'counter' }),
      mask: new tf.Variable(tf.fill([2, 2], init !== 0, 'bool'), { name: 'mask' }),
    };
    const sess = new tf.Session({ graph: g });
    return { g, sess, vars, init: tf.globalVariablesInitializer() };
  });
}

async function setValues(m: ReturnType<typeof model>, v: Values) {
  const ops = m.g.asDefault(() => [
    tf.assign(m.vars.W, tf.constant(v.W, 'float32', [2, 3])),
    tf.assign(m.vars.b, tf.constant(v.b, 'float64', [3])),
    tf.assign(m.vars.n, tf.constant(v.n, 'int32', [2])),
    tf.assign(m.vars.mask, tf.constant(v.mask.map(Boolean), 'bool', [2, 2])),
  ]);
  await m.sess.run(ops);
}

async function values(m: ReturnType<typeof model>) {
  const [W, b, n, mask] = await m.sess.run([m.vars.W, m.vars.b, m.vars.n, m.vars.mask]);
  return { W: Array.from(W.dataSync()), b: Array.from(b.dataSync()), n: Array.from(n.dataSync()), mask: Array.from(mask.dataSync()) };
}

/** A safetensors reader written from the format description, sharing no code with lib/. */
function readSafetensors(path: string) {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  const data = buf.subarray(8 + n);
  const out: Record<string, { dtype: string; shape: number[]; values: number[] }> = {};
  let covered = 0;
  for (const [k, e] of Object.entries<any>(header)) {
    if (k === '__metadata__') continue;
    const [b, end] = e.data_offsets;
    const raw = data.subarray(b, end);
    covered += end - b;
    const read = { F32: (i: number) => raw.readFloatLE(i * 4), F64: (i: number) => raw.readDoubleLE(i * 8), I32: (i: number) => raw.readInt32LE(i * 4), BOOL: (i: number) => raw[i] } as Record<string, (i: number) => number>;
    const size = { F32: 4, F64: 8, I32: 4, BOOL: 1 }[e.dtype as string] as number;
    const count = e.shape.reduce((x: number, y: number) => x * y, 1);
    expect(raw.length).toBe(count * size);
    out[k] = { dtype: e.dtype, shape: e.shape, values: Array.from({ length: count }, (_, i) => read[e.dtype](i)) };
  }
  expect(covered).toBe(data.length);
  return { header, tensors: out };
}

describe('Saver round trip', () => {
  it('save -> fresh graph + session -> restore gives identical values (float32/float64/int32/bool)', async () => {
    const dir = freshDir();
    const m1 = model();
    await m1.sess.run(m1.init);
    await setValues(m1, A);
    const expected = await values(m1);
    const saver1 = m1.g.asDefault(() => new Saver());
    const prefix = await saver1.save(m1.sess, join(dir, 'model.ckpt'), { globalStep: 100 });
    expect(prefix).toBe(join(dir, 'model.ckpt-100'));
    m1.sess.close();

    // "Another process": a new graph with different initial values, never initialized.
    const m2 = model(7);
    const saver2 = m2.g.asDefault(() => new Saver());
    await saver2.restore(m2.sess, latestCheckpoint(dir)!);
    expect(await values(m2)).toEqual(expected);
    expect(expected.W).toEqual(Array.from(Float32Array.from(A.W)));
    expect(expected.b).toEqual(A.b);

    // The bytes on disk, through the independent reader.
    const f = readSafetensors(`${prefix}.safetensors`);
    expect(Object.keys(f.tensors).sort()).toEqual(['counter', 'fc1/W', 'fc1/b', 'mask']);
    expect(f.tensors['fc1/W']).toEqual({ dtype: 'F32', shape: [2, 3], values: expected.W });
    expect(f.tensors['fc1/b']).toEqual({ dtype: 'F64', shape: [3], values: A.b });
    expect(f.tensors.counter).toEqual({ dtype: 'I32', shape: [2], values: A.n });
    expect(f.tensors.mask).toEqual({ dtype: 'BOOL', shape: [2, 2], values: A.mask });
    expect(f.header.__metadata__).toMatchObject({ format: 'nodeflow.checkpoint', format_version: '1', global_step: '100' });
    const json = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
    expect(json).toMatchObject({ formatVersion: 1, globalStep: 100, dataFile: 'model.ckpt-100.safetensors' });
    expect(json.variables).toContainEqual({ name: 'fc1/W', dtype: 'float32', shape: [2, 3] });
  });

  it.skipIf(!hasNumpy)('numpy (a tiny inline Python reader) reads the same values', async () => {
    const dir = freshDir();
    const m = model();
    await m.sess.run(m.init);
    await setValues(m, A);
    const prefix = await m.g.asDefault(() => new Saver()).save(m.sess, join(dir, 'model.ckpt'));
    const py = [
      'import json, struct, sys, numpy as np',
      'b = open(sys.argv[1], "rb").read(); n = struct.unpack("<Q", b[:8])[0]; h = json.loads(b[8:8 + n]); d = b[8 + n:]',
      'dt = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "BOOL": "?"}',
      'out = {k: np.frombuffer(d[e["data_offsets"][0]:e["data_offsets"][1]], dtype=dt[e["dtype"]]).reshape(e["shape"]).tolist() for k, e in h.items() if k != "__metadata__"}',
      'print(json.dumps(out))',
    ].join('\n');
    const res = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, `${prefix}.safetensors`], { encoding: 'utf8' }));
    expect(res['fc1/W'].flat()).toEqual(Array.from(Float32Array.from(A.W)));
    expect(res['fc1/b']).toEqual(A.b);
    expect(res.counter).toEqual(A.n);
    expect(res.mask).toEqual([[true, false], [false, true]]);
  });

  it('restores a safetensors file written by numpy, with varList keys', async () => {
    const g = new tf.Graph();
    const { sess, W, s } = g.asDefault(() => ({
      sess: new tf.Session({ graph: g }),
      W: new tf.Variable(tf.zeros([2, 3]), { name: 'weights' }),
      s: new tf.Variable(tf.zeros([2, 2], 'int32'), { name: 's' }),
    }));
    const fixture = new URL('../fixtures/numpy_written', import.meta.url).pathname;
    await new Saver({ varList: { 'fc1/W': W, step: s } }).restore(sess, fixture);
    const [w, st] = await sess.run([W, s]);
    expect(Array.from(w.dataSync())).toEqual([-1, -0.5, 0, 0.5, 1, 1.5]);
    expect(Array.from(st.dataSync())).toEqual([-5, 0, 7, 2147483647]);
  });

  it('takes globalStep from a tensor, and works in eager mode without a Session', async () => {
    const dir = freshDir();
    const m = model();
    await m.sess.run(m.init);
    const step = m.g.asDefault(() => tf.constant(42, 'int32'));
    expect(await m.g.asDefault(() => new Saver()).save(m.sess, join(dir, 'm'), { globalStep: step })).toBe(join(dir, 'm-42'));

    tf.enableEagerExecution();
    try {
      const v = new tf.Variable(tf.constant([1.5, -2], 'float64'), { name: 'ev' });
      const saver = new Saver({ varList: [v] });
      const p = await saver.save(null, join(dir, 'eager'));
      v.assign(tf.constant([0, 0], 'float64'));
      await saver.restore(null, p);
      expect(Array.from(v.dataSync())).toEqual([1.5, -2]);
    } finally {
      tf.disableEagerExecution();
    }
  });
});

describe('checkpoint state, maxToKeep and crash safety', () => {
  it('keeps the last maxToKeep checkpoints, also across a restarted Saver', async () => {
    const dir = freshDir();
    const m = model();
    await m.sess.run(m.init);
    const saver = m.g.asDefault(() => new Saver({ maxToKeep: 2 }));
    for (const step of [1, 2, 3, 4]) await saver.save(m.sess, join(dir, 'model.ckpt'), { globalStep: step });
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['checkpoint', 'model.ckpt-3.json', 'model.ckpt-3.safetensors', 'model.ckpt-4.json', 'model.ckpt-4.safetensors']);
    expect(latestCheckpoint(dir)).toBe(join(dir, 'model.ckpt-4'));
    expect(getCheckpointState(dir)).toEqual({
      modelCheckpointPath: join(dir, 'model.ckpt-4'),
      allModelCheckpointPaths: [join(dir, 'model.ckpt-3'), join(dir, 'model.ckpt-4')],
    });
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe(
      'model_checkpoint_path: "model.ckpt-4"\nall_model_checkpoint_paths: "model.ckpt-3"\nall_model_checkpoint_paths: "model.ckpt-4"\n',
    );
    // A restarted job: its new Saver continues the directory's history.
    const again = m.g.asDefault(() => new Saver({ maxToKeep: 2 }));
    await again.save(m.sess, join(dir, 'model.ckpt'), { globalStep: 5 });
    expect(existsSync(join(dir, 'model.ckpt-3.safetensors'))).toBe(false);
    expect(again.lastCheckpoints).toEqual([join(dir, 'model.ckpt-4'), join(dir, 'model.ckpt-5')]);
    // maxToKeep 0 keeps everything; saving the same prefix twice lists it once.
    const all = m.g.asDefault(() => new Saver({ maxToKeep: 0 }));
    for (const step of [6, 7, 7]) await all.save(m.sess, join(dir, 'model.ckpt'), { globalStep: step });
    expect(getCheckpointState(dir)!.allModelCheckpointPaths.map((p) => p.slice(dir.length + 1))).toEqual(['model.ckpt-4', 'model.ckpt-5', 'model.ckpt-6', 'model.ckpt-7']);
  });

  it('never picks a leftover temp file or a truncated newer checkpoint as the latest', async () => {
    const dir = freshDir();
    const m = model();
    await m.sess.run(m.init);
    await setValues(m, A);
    const saver = m.g.asDefault(() => new Saver());
    await saver.save(m.sess, join(dir, 'model.ckpt'), { globalStep: 1 });
    const p2 = await saver.save(m.sess, join(dir, 'model.ckpt'), { globalStep: 2 });
    // A crash while writing step 3: a temp file and a truncated file, state file not updated.
    writeFileSync(join(dir, '.model.ckpt-3.safetensors.tmp-999-deadbeef'), 'partial');
    writeFileSync(join(dir, 'model.ckpt-3.safetensors'), readFileSync(`${p2}.safetensors`).subarray(0, 40));
    expect(latestCheckpoint(dir)).toBe(p2);
    // Even if the state file's latest entry is later damaged, the newest complete one is used.
    const full = readFileSync(`${p2}.safetensors`);
    truncateSync(`${p2}.safetensors`, full.length - 3);
    expect(latestCheckpoint(dir)).toBe(join(dir, 'model.ckpt-1'));
    await expect(saver.restore(m.sess, p2)).rejects.toThrow(/checkpoint '.*model.ckpt-2' is corrupt or truncated: .*truncated/);
    expect(latestCheckpoint(freshDir())).toBeNull();
    expect(getCheckpointState(freshDir())).toBeNull();
  });

  it('reports a malformed state file', () => {
    const dir = freshDir();
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'checkpoint'), 'model_checkpoint_path: oops\n');
    expect(() => getCheckpointState(dir)).toThrow(/checkpoint line 1 is malformed/);
  });
});

describe('Saver errors', () => {
  it('restore names the variable and both shapes / dtypes; nothing changes on error', async () => {
    const dir = freshDir();
    const m = model();
    await m.sess.run(m.init);
    await setValues(m, A);
    const prefix = await m.g.asDefault(() => new Saver()).save(m.sess, join(dir, 'model.ckpt'));

    const g = new tf.Graph();
    const other = g.asDefault(() => ({
      sess: new tf.Session({ graph: g }),
      W: new tf.Variable(tf.fill([3, 2], 9), { name: 'fc1/W' }),
      b: new tf.Variable(tf.fill([3], 9), { name: 'fc1/b' }),
      extra: new tf.Variable(tf.fill([1], 9), { name: 'extra' }),
      init: () => tf.globalVariablesInitializer(),
    }));
    await other.sess.run(g.asDefault(other.init));
    const err = g.asDefault(() => new Saver()).restore(other.sess, prefix);
    await expect(err).rejects.toThrow(/variable 'fc1\/W' is float32 \[3,2\] in the graph but float32 \[2,3\] in the checkpoint/);
    await expect(g.asDefault(() => new Saver()).restore(other.sess, prefix)).rejects.toThrow(/variable 'fc1\/b' is float32 \[3\] in the graph but float64 \[3\]/);
    await expect(g.asDefault(() => new Saver()).restore(other.sess, prefix)).rejects.toThrow(/variable 'extra' \(float32 \[1\]\) is not in the checkpoint;.*\(the checkpoint holds: counter, fc1\/W, fc1\/b, mask\)/);
    expect(Array.from((await other.sess.run(other.W)).dataSync())).toEqual([9, 9, 9, 9, 9, 9]);
  });

  it('restore detects corruption, missing files and bad paths', async () => {
    const dir = freshDir();
    const m = model();
    await m.sess.run(m.init);
    const saver = m.g.asDefault(() => new Saver());
    const prefix = await saver.save(m.sess, join(dir, 'model.ckpt'));
    const bytes = readFileSync(`${prefix}.safetensors`);
    bytes[bytes.length - 1] ^= 0x40; // flip one data bit: same size, wrong checksum
    writeFileSync(`${prefix}.safetensors`, bytes);
    await expect(saver.restore(m.sess, prefix)).rejects.toThrow(/model.ckpt' is corrupt: data CRC-32C is [0-9a-f]{8}, the file says [0-9a-f]{8}/);
    writeFileSync(`${prefix}.safetensors`, 'garbage!garbage!');
    await expect(saver.restore(m.sess, prefix)).rejects.toThrow(/corrupt or truncated: .*implausible|corrupt or truncated: .*truncated/);
    await expect(saver.restore(m.sess, join(dir, 'nope'))).rejects.toThrow(/cannot read checkpoint '.*nope': .*nope.safetensors does not exist/);
    await expect(saver.restore(m.sess, null as unknown as string)).rejects.toThrow(/savePath must be a checkpoint prefix, got null/);
  });

  it('save and the constructor validate their arguments', async () => {
    const m = model();
    const saver = m.g.asDefault(() => new Saver());
    await expect(saver.save(m.sess, join(freshDir(), 'x'))).rejects.toThrow(/variable '(fc1\/W|fc1\/b|counter|mask)' is not initialized in this session/);
    await m.sess.run(m.init);
    await expect(saver.save(m.sess, '')).rejects.toThrow(/savePath must be a file prefix/);
    await expect(saver.save(m.sess, join(freshDir(), 'x'), { globalStep: 1.5 })).rejects.toThrow(/globalStep must be an integer, got 1.5/);
    const otherSess = new tf.Session({ graph: new tf.Graph() });
    await expect(saver.save(otherSess, join(freshDir(), 'x'))).rejects.toThrow(/variable '.*' is not in this Session's graph/);
    await expect(saver.save(null, join(freshDir(), 'x'))).rejects.toThrow(/is a graph variable: pass the Session/);
    expect(() => new tf.Graph().asDefault(() => new Saver())).toThrow(/no variables to save/);
    expect(() => new Saver({ varList: [1 as unknown as tf.Variable] })).toThrow(/varList entry '' is not a tf.Variable \(got number\)/);
    expect(() => new Saver({ varList: { a: m.vars.W, b: m.vars.W, c: m.vars.b }, maxToKeep: -1 })).toThrow(/maxToKeep must be a non-negative integer/);
  });
});

// ---------------------------------------------------------------- real processes

const viteNode = join(new URL('../../node_modules/.bin/vite-node', import.meta.url).pathname);
const child = new URL('./saver_child.ts', import.meta.url).pathname;

describe.skipIf(!existsSync(viteNode))('Saver across processes (child run with vite-node)', () => {
  /** Restores the child's variables into a fresh graph of this process. */
  async function restoreHere(prefix: string, n: number) {
    const g = new tf.Graph();
    const vars = g.asDefault(() => ({
      big: new tf.Variable(tf.fill([n], -1, 'float64'), { name: 'big' }),
      W: new tf.Variable(tf.zeros([1, 2]), { name: 'layer/W' }),
      ids: new tf.Variable(tf.zeros([3], 'int32'), { name: 'layer/ids' }),
      mask: new tf.Variable(tf.fill([2], false, 'bool'), { name: 'layer/mask' }),
    }));
    const sess = new tf.Session({ graph: g });
    await g.asDefault(() => new Saver()).restore(sess, prefix);
    const out = await sess.run([vars.big, vars.W, vars.ids, vars.mask]);
    return out.map((t: tf.Tensor) => Array.from(t.dataSync()));
  }

  it('a process saves and exits; this one restores identical values', async () => {
    const dir = freshDir();
    const r = spawnSync(viteNode, [child, 'save', join(dir, 'model.ckpt'), '2'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([`saved ${join(dir, 'model.ckpt-1')}`, `saved ${join(dir, 'model.ckpt-2')}`]);
    const [big, W, ids, mask] = await restoreHere(latestCheckpoint(dir)!, 4);
    expect(big).toEqual([2, 2, 2, 2]);
    expect(W).toEqual(Array.from(Float32Array.from([0.1, -0.2])));
    expect(ids).toEqual([7, -8, 2147483647]);
    expect(mask).toEqual([1, 0]);
    expect(readSafetensors(join(dir, 'model.ckpt-2.safetensors')).tensors.big.values).toEqual([2, 2, 2, 2]);
  });

  it('a process killed (SIGKILL) while saving leaves a complete, restorable latest checkpoint', async () => {
    const dir = freshDir();
    const n = 1 << 20; // 8 MB per checkpoint, so the kill usually lands inside a write
    const proc = (await import('node:child_process')).spawn(viteNode, [child, 'save', join(dir, 'model.ckpt'), '0', String(n)]);
    let saved = 0;
    await new Promise<void>((res, rej) => {
      proc.stdout.on('data', (d: Buffer) => {
        saved += d.toString().split('\n').filter((l) => l.startsWith('saved')).length;
        if (saved >= 3) setTimeout(() => proc.kill('SIGKILL'), Math.floor(Math.random() * 40));
      });
      proc.on('exit', () => res());
      proc.on('error', rej);
    });
    const latest = latestCheckpoint(dir)!;
    expect(latest).toMatch(/model\.ckpt-\d+$/);
    const step = Number(/-(\d+)$/.exec(latest)![1]);
    expect(step).toBeGreaterThanOrEqual(saved);
    const [big] = await restoreHere(latest, n);
    expect(big.every((v: number) => v === step)).toBe(true);
    expect(getCheckpointState(dir)!.allModelCheckpointPaths.length).toBeLessThanOrEqual(3);
  }, 120_000);
});

describe('Saver edge shapes', () => {
  it('round-trips scalar and size-0 variables', async () => {
    const dir = freshDir();
    const make = (v: number) => {
      const g = new tf.Graph();
      return g.asDefault(() => ({
        g,
        s: new tf.Variable(tf.constant(v, 'float64'), { name: 'scalar' }),
        e: new tf.Variable(tf.zeros([0, 3], 'int32'), { name: 'empty' }),
        sess: new tf.Session({ graph: g }),
        init: tf.globalVariablesInitializer(),
      }));
    };
    const a = make(-0.125);
    await a.sess.run(a.init);
    const prefix = await a.g.asDefault(() => new Saver()).save(a.sess, join(dir, 'edge'));
    expect(readSafetensors(`${prefix}.safetensors`).tensors).toEqual({
      empty: { dtype: 'I32', shape: [0, 3], values: [] },
      scalar: { dtype: 'F64', shape: [], values: [-0.125] },
    });
    const b = make(9);
    await b.g.asDefault(() => new Saver()).restore(b.sess, prefix);
    const [s, e] = await b.sess.run([b.s, b.e]);
    expect([s.shape, s.item(), e.shape]).toEqual([[], -0.125, [0, 3]]);
  });
});
