/**
 * The `mlp` workload of ../shared/bench (784-300-10, ReLU, softmax cross-entropy, Adam 1e-3,
 * batch 100) in graph mode, timed as the anchors time it: per training step (fetching the batch
 * and one Session.run), median after the first 5 steps; then test accuracy and 10k inference.
 */
import * as tf from 'nodeflow';
import { anchorName, stepDone } from './device.js';

export async function benchMlp(epochs = 1): Promise<void> {
  tf.disableEagerExecution();
  tf.resetDefaultGraph();
  const data = await tf.datasets.fashionMnist({ oneHot: true });
  const x = tf.placeholder('float32', [null, 784], 'x');
  const y = tf.placeholder('float32', [null, 10], 'y');
  const W1 = new tf.Variable(tf.randomNormal([784, 300], { stddev: 0.03 }), { name: 'W1' });
  const b1 = new tf.Variable(tf.zeros([300]), { name: 'b1' });
  const W2 = new tf.Variable(tf.randomNormal([300, 10], { stddev: 0.03 }), { name: 'W2' });
  const b2 = new tf.Variable(tf.zeros([10]), { name: 'b2' });
  const logits = tf.add(tf.matmul(tf.nn.relu(tf.add(tf.matmul(x, W1), b1)), W2), b2);
  const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }));
  const train = new tf.train.AdamOptimizer(0.001).minimize(loss);
  const accuracy = tf.reduceMean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)), 'float32'));
  const sess = new tf.Session();
  await sess.run(tf.globalVariablesInitializer());

  const times: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const it = data.train.batches(100, { shuffle: true });
    for (;;) {
      const t = performance.now();
      const next = it.next();
      if (next.done) break;
      const [xs, ys] = next.value;
      await sess.run(train, new Map([[x, xs], [y, ys]]));
      stepDone();
      times.push(performance.now() - t);
    }
  }
  const t0 = performance.now();
  const acc = (await sess.run(accuracy, { x: data.test.images, y: data.test.labels })).item() as number;
  const infer = (performance.now() - t0) / 1000;
  const sorted = times.slice(5).sort((a, b) => a - b);
  const ms = sorted[Math.floor(sorted.length / 2)];
  console.log(JSON.stringify({
    anchor: anchorName(),
    workload: 'mlp',
    batch: 100,
    steps: times.length,
    ms_per_step: +ms.toFixed(3),
    train_examples_per_s: Math.round((100 / ms) * 1e3),
    test_acc: +acc.toFixed(4),
    infer_10k_s: +infer.toFixed(3),
    data: data.source,
  }));
  sess.close();
}
