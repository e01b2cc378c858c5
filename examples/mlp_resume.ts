/**
 * A graph-mode MLP (784-300-10, dropout, Adam) on Fashion-MNIST that writes TensorBoard
 * summaries and resumes from its latest checkpoint when run again.
 *
 *   node dist/examples/mlp_resume.js              # trains up to EPOCHS (default 5) epochs
 *   EPOCHS=8 node dist/examples/mlp_resume.js     # run again: continues from the last epoch
 *   tensorboard --logdir runs/mlp_resume          # loss, accuracy, weight histograms
 *
 * RUN_DIR (default runs/mlp_resume) holds the event files, the checkpoints (one per epoch, the
 * last 3 kept) and model.meta.json. Stopped at any point and restarted, it continues exactly
 * where the last checkpoint left it: the same losses as a run that was never stopped, because
 * the data order depends only on (seed, epoch), and the checkpoint holds every variable (Adam's
 * slots, the global step) and the position of dropout's random stream.
 */
import { join } from 'node:path';
import * as tf from 'nodeflow';

const runDir = process.env.RUN_DIR ?? join('runs', 'mlp_resume');
const epochs = Number(process.env.EPOCHS ?? 5);
const SEED = 42;
const BATCH = 100;

tf.setRandomSeed(SEED);
const data = await tf.datasets.fashionMnist({ oneHot: true });
const x = tf.placeholder('float32', [null, 784], 'x');
const y = tf.placeholder('float32', [null, 10], 'y');
const keepProb = tf.placeholderWithDefault(tf.constant(1), [], 'keep_prob');
const W1 = new tf.Variable(tf.randomNormal([784, 300], { stddev: 0.03 }), { name: 'W1' });
const b1 = new tf.Variable(tf.zeros([300]), { name: 'b1' });
const W2 = new tf.Variable(tf.randomNormal([300, 10], { stddev: 0.03 }), { name: 'W2' });
const b2 = new tf.Variable(tf.zeros([10]), { name: 'b2' });
const hidden = tf.nn.dropout(tf.nn.relu(tf.add(tf.matmul(x, W1), b1)), keepProb);
const logits = tf.add(tf.matmul(hidden, W2), b2);
const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }));
const globalStep = tf.train.getOrCreateGlobalStep();
const train = new tf.train.AdamOptimizer(0.001).minimize(loss, { globalStep });
const correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1));
const accuracy = tf.reduceMean(tf.cast(correct, 'float32'));
tf.summary.scalar('loss', loss);
tf.summary.scalar('accuracy', accuracy);
// Named apart from the variables: a summary named like an op gets a "_1" tag, as in TF.
tf.summary.histogram('weights/W1', W1);
tf.summary.histogram('weights/W2', W2);
const summaries = tf.summary.mergeAll()!;
const saver = new tf.train.Saver({ maxToKeep: 3 });

const sess = new tf.Session();
await sess.run(tf.globalVariablesInitializer());
const latest = tf.train.latestCheckpoint(runDir);
if (latest) await saver.restore(sess, latest);
let step = (await sess.run(globalStep)).item() as number;
console.log(`Fashion-MNIST (${data.source}): ${data.train.numExamples} train, ` +
  `${data.test.numExamples} test examples`);
console.log(latest ? `resumed from ${latest} at step ${step}` : `starting at step 0 in ${runDir}`);
tf.train.exportMetaGraph(join(runDir, 'model.meta.json'), { saverDef: saver });
const writer = new tf.summary.FileWriter(runDir, sess.graph);
const testFeeds = { x: data.test.images, y: data.test.labels };

const stepsPerEpoch = Math.ceil(data.train.numExamples / BATCH);
for (let epoch = Math.floor(step / stepsPerEpoch); epoch < epochs; epoch++) {
  // Batches already trained in this epoch (none when the checkpoint ends an epoch) are skipped.
  const done = step - epoch * stepsPerEpoch;
  let i = 0;
  for (const [xs, ys] of data.train.batches(BATCH, { shuffle: true, seed: SEED + epoch })) {
    if (i++ < done) continue;
    await sess.run(train, new Map<tf.Tensor, tf.FeedValue>([[x, xs], [y, ys], [keepProb, 0.8]]));
  }
  step = (await sess.run(globalStep)).item() as number;
  writer.addSummary(await summaries.run(sess, testFeeds), step);
  const [l, a] = await sess.run([loss, accuracy], testFeeds);
  const prefix = await saver.save(sess, join(runDir, 'model.ckpt'), { globalStep: step });
  console.log(`epoch ${epoch + 1} (step ${step}): test loss ${l.item()}, ` +
    `test accuracy ${(a.item() as number).toFixed(4)}, saved ${prefix}`);
}
writer.close();
const acc = await sess.run(accuracy, testFeeds);
console.log(`step ${step}: test accuracy ${acc.item()}`);
