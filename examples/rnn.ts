/**
 * An LSTM reads each Fashion-MNIST image as a sequence: 28 rows of 28 pixels, one row per time
 * step (tf.nn.dynamicRnn with tf.nn.rnnCell.BasicLSTMCell, one tf.whileLoop in the graph); the
 * last output is classified by a dense layer. Adam 1e-3, batch 100, gradients clipped by global
 * norm 5, as RNNs are usually trained. Prints loss and test accuracy as it trains.
 * Run: node dist/examples/rnn.js   (EPOCHS=3 by default; full data set when Debian's is installed)
 */
import * as tf from 'nodeflow';

const data = await tf.datasets.fashionMnist({ oneHot: true });
const [steps, inputs, units] = [28, 28, 128];
const x = tf.placeholder('float32', [null, steps * inputs], 'x');
const y = tf.placeholder('float32', [null, 10], 'y');

const rows = tf.reshape(x, [-1, steps, inputs]);
const [, [, h]] = tf.nn.dynamicRnn(new tf.nn.rnnCell.BasicLSTMCell(units), rows) as [tf.Tensor, tf.Tensor[]];
const logits = tf.layers.dense(h, { units: 10, name: 'classifier' });

const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }));
const optimizer = new tf.train.AdamOptimizer(1e-3);
const pairs = optimizer.computeGradients(loss);
const [clipped] = tf.clipByGlobalNorm(pairs.map(([g]) => g!), 5);
const train = optimizer.applyGradients(pairs.map(([, v], i) => [clipped[i], v]))!;
const correct = tf.reduceSum(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)), 'float32'));

const sess = new tf.Session();
await sess.run(tf.globalVariablesInitializer());

async function testAccuracy(): Promise<number> {
  let right = 0;
  for (const [xs, ys] of data.test.batches(1000)) right += (await sess.run(correct, { x: xs, y: ys })).item() as number;
  return right / data.test.numExamples;
}

const epochs = Number(process.env.EPOCHS ?? 3);
console.log(`Fashion-MNIST (${data.source}): ${data.train.numExamples} train, ${data.test.numExamples} test examples`);
for (let epoch = 1; epoch <= epochs; epoch++) {
  const t0 = performance.now();
  let step = 0;
  for (const [xs, ys] of data.train.batches(100, { shuffle: true })) {
    const [l] = await sess.run([loss, train], { x: xs, y: ys });
    if (++step % 100 === 0) console.log(`epoch ${epoch} step ${step}: loss ${(l.item() as number).toFixed(4)}`);
  }
  const speed = `${(data.train.numExamples / ((performance.now() - t0) / 1000)).toFixed(0)} sequences/s`;
  console.log(`epoch ${epoch}: test accuracy ${(await testAccuracy()).toFixed(4)} (${speed})`);
}
