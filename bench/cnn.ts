/**
 * The `cnn` workload of ../shared/bench (the seeds' MNIST ConvNet, Adam 1e-4, batch 50) in graph
 * mode with tf.layers, timed as the anchors time it: per training step (batch fetch + one
 * Session.run), median after the first 5; 300 steps as the PyTorch anchor's one-epoch run.
 */
import * as tf from 'nodeflow';
import { convNet, pixelStats } from '../examples/cnn_model.js';
import { anchorName, stepDone } from './device.js';

export async function benchCnn(steps = 300, batch = 50): Promise<void> {
  tf.disableEagerExecution();
  tf.resetDefaultGraph();
  const data = await tf.datasets.fashionMnist({ oneHot: true, imageShape: 'nhwc' });
  const x = tf.placeholder('float32', [null, 28, 28, 1], 'x');
  const y = tf.placeholder('float32', [null, 10], 'y');
  const training = tf.placeholderWithDefault(tf.constant(false), [], 'training');
  const logits = convNet(x, training, pixelStats(data.train.images));
  const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }));
  const train = new tf.train.AdamOptimizer(1e-4).minimize(loss);
  const correct = tf.reduceSum(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)), 'float32'));
  const sess = new tf.Session();
  await sess.run(tf.globalVariablesInitializer());

  const times: number[] = [];
  const it = data.train.batches(batch, { shuffle: true });
  while (times.length < steps) {
    const t = performance.now();
    const next = it.next();
    if (next.done) break;
    const [xs, ys] = next.value;
    await sess.run(train, { x: xs, y: ys, training: true });
    stepDone();
    times.push(performance.now() - t);
  }
  it.return(undefined);
  const t0 = performance.now();
  let hits = 0;
  for (const [xs, ys] of data.test.batches(1000)) hits += (await sess.run(correct, { x: xs, y: ys })).item() as number;
  const infer = (performance.now() - t0) / 1000;
  const sorted = times.slice(5).sort((a, b) => a - b);
  const ms = sorted[Math.floor(sorted.length / 2)];
  console.log(JSON.stringify({
    anchor: anchorName(),
    workload: 'cnn',
    batch,
    steps: times.length,
    ms_per_step: +ms.toFixed(3),
    train_examples_per_s: Math.round((batch / ms) * 1e3),
    test_acc: +(hits / data.test.numExamples).toFixed(4),
    infer_10k_s: +infer.toFixed(3),
    data: data.source,
  }));
  sess.close();
}
