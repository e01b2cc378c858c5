/**
 * Child process for test/train/meta_graph.test.ts (run with node_modules/.bin/vite-node, not a
 * test itself). `<dir> <steps> <more>`: builds the shared model, trains `steps` steps, saves a
 * checkpoint in <dir> and exports the meta graph to <dir>/model.meta.json, then trains `more`
 * steps and prints one JSON line with what each of those steps fetched (loss, logits of a fixed
 * batch, the merged summaries), for the parent to reproduce from the files alone.
 */
import { join } from 'node:path';
import * as tf from '../../lib/index.js';
import { batch, buildModel } from './meta_graph_model.js';

const [, , dir, stepsArg, moreArg] = process.argv;
tf.setRandomSeed(11);
const m = buildModel();
const sess = new tf.Session();
await sess.run(m.init);
const feeds = (step: number) => {
  const { xs, ys } = batch(step);
  return new Map<tf.Tensor, tf.FeedValue>([[m.x, xs], [m.y, ys], [m.training, true]]);
};
for (let s = 0; s < Number(stepsArg); s++) await sess.run(m.train, feeds(s));
const saver = new tf.train.Saver({ maxToKeep: 2 });
const prefix = await saver.save(sess, join(dir, 'model.ckpt'), { globalStep: m.globalStep });
tf.train.exportMetaGraph(join(dir, 'model.meta.json'), { saverDef: saver });

const merged = tf.summary.mergeAll()!;
const probe = batch(1000);
const steps = [];
for (let s = Number(stepsArg); s < Number(stepsArg) + Number(moreArg); s++) {
  const [loss] = await sess.run([m.loss, m.train], feeds(s));
  const logits = await sess.run(m.logits, { x: probe.xs });
  const summaries = await merged.values(sess, feeds(s));
  steps.push({ loss: loss.item(), logits: Array.from(logits.dataSync()), summaries });
}
const step = (await sess.run(m.globalStep)).item();
process.stdout.write(`${JSON.stringify({ prefix, step, steps })}\n`);
