/**
 * "Training resumed from a checkpoint continues the same loss curve as uninterrupted training
 * with the same seed": exact equality, with dropout, batch norm and Adam in the model. What makes
 * it exact: data depends only on (seed, step); variables (Adam slots, beta powers, BN moving
 * statistics, the global step) are all checkpointed; and the Session's random counter (the
 * stream position of dropout) is saved with the checkpoint and restored.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { batch, buildModel } from './meta_graph_model.js';
import type { Model } from './meta_graph_model.js';

const root = mkdtempSync(join(tmpdir(), 'nf-resume-'));
let dirCount = 0;
const freshDir = () => join(root, `d${dirCount++}`);
afterAll(() => execFileSync('rm', ['-rf', root]));

const SEED = 3;
const N = 6; // steps before the interruption
const M = 5; // steps after it

/** A fresh graph with the model, a session and a saver, as a training script starts. */
async function start() {
  const g = new tf.Graph();
  const { m, saver } = g.asDefault(() => {
    tf.setRandomSeed(SEED);
    return { m: buildModel(), saver: new tf.train.Saver({ maxToKeep: 2 }) };
  });
  const sess = new tf.Session({ graph: g });
  await sess.run(m.init);
  return { g, m, saver, sess };
}

const feeds = (m: Pick<Model, 'x' | 'y' | 'training'>, step: number) => {
  const { xs, ys } = batch(step, SEED);
  return new Map<tf.Tensor, tf.FeedValue>([[m.x, xs], [m.y, ys], [m.training, true]]);
};

/** Trains from the session's global step for `n` steps; returns each step's loss. */
type Trainable = Pick<Model, 'x' | 'y' | 'training' | 'loss' | 'globalStep'> & {
  train: tf.Operation;
};
async function train(sess: tf.Session, m: Trainable, n: number) {
  const first = (await sess.run(m.globalStep)).item() as number;
  const losses: number[] = [];
  for (let s = first; s < first + n; s++) {
    const [loss] = await sess.run([m.loss, m.train], feeds(m, s));
    losses.push(loss.item() as number);
  }
  return losses;
}

async function uninterrupted() {
  const { m, sess } = await start();
  return train(sess, m, N + M);
}

describe('resuming from a checkpoint', () => {
  it('continues exactly the loss curve of uninterrupted training (rebuilt graph)', async () => {
    const expected = await uninterrupted();
    const dir = freshDir();
    const a = await start();
    expect(await train(a.sess, a.m, N)).toEqual(expected.slice(0, N));
    await a.saver.save(a.sess, join(dir, 'model.ckpt'), { globalStep: a.m.globalStep });
    a.sess.close();

    // A new "process": same script, fresh graph and session, init, then restore.
    const b = await start();
    await b.saver.restore(b.sess, tf.train.latestCheckpoint(dir)!);
    expect((await b.sess.run(b.m.globalStep)).item()).toBe(N); // a fetch without random ops
    expect(await train(b.sess, b.m, M)).toEqual(expected.slice(N));
    // The dropout masks matter: with them, no two steps give the same loss.
    expect(new Set(expected).size).toBe(N + M);
  });

  it('continues exactly from an imported meta graph as well', async () => {
    const expected = await uninterrupted();
    const dir = freshDir();
    const a = await start();
    await train(a.sess, a.m, N);
    await a.saver.save(a.sess, join(dir, 'model.ckpt'), { globalStep: a.m.globalStep });
    const file = join(dir, 'model.meta.json');
    a.g.asDefault(() => tf.train.exportMetaGraph(file, { saverDef: a.saver }));

    const g = new tf.Graph();
    const saver = g.asDefault(() => tf.train.importMetaGraph(file))!;
    const sess = new tf.Session({ graph: g });
    await saver.restore(sess, tf.train.latestCheckpoint(dir)!);
    const m = {
      x: g.getTensorByName('x:0'),
      y: g.getTensorByName('y:0'),
      training: g.getTensorByName('training:0'),
      loss: g.getCollection<tf.Tensor>(tf.GraphKeys.LOSSES)[0],
      globalStep: tf.train.getGlobalStep(g)!,
      train: g.getCollection<tf.Operation>('train_op')[0],
    };
    expect(await train(sess, m, M)).toEqual(expected.slice(N));
  });

  it('differs when the random stream is not where the checkpoint left it', async () => {
    const expected = await uninterrupted();
    const dir = freshDir();
    const a = await start();
    await train(a.sess, a.m, N);
    await a.saver.save(a.sess, join(dir, 'model.ckpt'), { globalStep: a.m.globalStep });
    const b = await start();
    await b.saver.restore(b.sess, tf.train.latestCheckpoint(dir)!);
    await b.sess.run(b.m.loss, feeds(b.m, 0)); // one extra run through dropout: the stream moves on
    const losses = await train(b.sess, b.m, M);
    expect(losses).not.toEqual(expected.slice(N));
    // The same model with other dropout masks: close, not equal.
    expect(losses.every((l, i) => Math.abs(l - expected[N + i]) < 0.5)).toBe(true);
  });
});

describe('the Session random counter', () => {
  it('counts only runs that draw random numbers', async () => {
    const g = new tf.Graph();
    const { r, c, keep } = g.asDefault(() => {
      const keep = tf.placeholderWithDefault(tf.constant(0.5), [], 'keep');
      const r = tf.nn.dropout(tf.ones([64]), keep, { seed: 1 });
      return { r, c: tf.add(tf.constant(1), 2), keep };
    });
    const sess = new tf.Session({ graph: g });
    expect(sess.randomCounter).toBe(0);
    await sess.run(c);
    expect(sess.randomCounter).toBe(0);
    const first = Array.from((await sess.run(r)).dataSync());
    expect(sess.randomCounter).toBe(1);
    await sess.run(r, new Map([[keep, 1]])); // keep 1 still runs the dropout node
    expect(sess.randomCounter).toBe(2);
    sess.randomCounter = 0;
    expect(Array.from((await sess.run(r)).dataSync())).toEqual(first);
    expect(() => (sess.randomCounter = -1))
      .toThrow(/storeSetCounter: the counter must be an integer in \[0, 9e15\), got -1/);
  });

  it('is in the checkpoint (safetensors metadata, JSON); a corrupt value is an Error', async () => {
    const dir = freshDir();
    const a = await start();
    await train(a.sess, a.m, 2);
    const prefix = await a.saver.save(a.sess, join(dir, 'model.ckpt'), { globalStep: 2 });
    const counter = a.sess.randomCounter;
    expect(counter).toBe(3); // init (random initial values) + 2 training steps
    expect(JSON.parse(readFileSync(`${prefix}.json`, 'utf8')).randomCounter).toBe(3);
    const file = `${prefix}.safetensors`;
    const bytes = readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(JSON.parse(bytes.subarray(8, 8 + n).toString()).__metadata__.random_counter).toBe('3');

    const b = await start();
    await b.saver.restore(b.sess, prefix);
    expect(b.sess.randomCounter).toBe(3);
    // Same length, so the header stays valid: only the counter is wrong.
    const text = bytes.toString('latin1').replace('"random_counter":"3"', '"random_counter":"-"');
    writeFileSync(file, Buffer.from(text, 'latin1'));
    await expect(b.saver.restore(b.sess, prefix)).rejects
      .toThrow(/from '.*model\.ckpt-2': its random_counter "-" is not an integer in \[0, 9e15\)/);
  });
});
