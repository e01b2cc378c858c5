/**
 * The seeds' MNIST ConvNet on Fashion-MNIST with tf.layers (graph mode): conv 5x5x32 SAME + ReLU
 * + maxpool 2, conv 5x5x64 SAME + ReLU + maxpool 2, dense 1024 ReLU, dropout 0.5, dense 10
 * (examples/cnn_model.ts); Adam 1e-4, batch 50. Prints loss and accuracy as it trains.
 * It evaluates with the moving averages of the weights (tf.train.ExponentialMovingAverage, as
 * TF's image models do) and prints the accuracy of the last weights next to it.
 * Run: node dist/examples/cnn.js   (EPOCHS=5 by default; full data set when Debian's is installed)
 */
import * as tf from 'nodeflow';
import { convNet, pixelStats } from './cnn_model.js';

const data = await tf.datasets.fashionMnist({ oneHot: true, imageShape: 'nhwc' });
const x = tf.placeholder('float32', [null, 28, 28, 1], 'x');
const y = tf.placeholder('float32', [null, 10], 'y');
const training = tf.placeholderWithDefault(tf.constant(false), [], 'training');

const stats = pixelStats(data.train.images);
const logits = tf.variableScope('model', () => convNet(x, training, stats));

const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }));
const globalStep = tf.train.getOrCreateGlobalStep();
const step = new tf.train.AdamOptimizer(1e-4).minimize(loss, { globalStep });
// After each step, the averages move towards the new weights; numUpdates makes the decay
// min(0.999, (1 + step) / (10 + step)), so early averages are not stuck at the initial weights.
const ema = new tf.train.ExponentialMovingAverage(0.999, { numUpdates: globalStep });
const train = tf.controlDependencies([step], () => ema.apply());
// The same net again, reading the averaged weights (no new variables; dropout off).
const averaged = tf.variableScope('model', () => convNet(x, training, stats), { reuse: true, customGetter: ema.getter() });

const correct = (l: tf.Tensor) => tf.reduceSum(tf.cast(tf.equal(tf.argmax(l, 1), tf.argmax(y, 1)), 'float32'));
const [correctLast, correctAveraged] = [correct(logits), correct(averaged)];

const sess = new tf.Session();
await sess.run(tf.globalVariablesInitializer());

/** Test accuracy over the whole test split, in chunks (inference mode: no dropout), with the
 * averaged weights and with the last ones. */
async function testAccuracy(): Promise<[number, number]> {
  let [avg, last] = [0, 0];
  for (const [xs, ys] of data.test.batches(1000)) {
    const [a, l] = await sess.run([correctAveraged, correctLast], { x: xs, y: ys });
    avg += a.item() as number;
    last += l.item() as number;
  }
  return [avg / data.test.numExamples, last / data.test.numExamples];
}

const epochs = Number(process.env.EPOCHS ?? 5);
console.log(`Fashion-MNIST (${data.source}): ${data.train.numExamples} train, ${data.test.numExamples} test examples`);
for (let epoch = 1; epoch <= epochs; epoch++) {
  const t0 = performance.now();
  let step = 0;
  for (const [xs, ys] of data.train.batches(50, { shuffle: true })) {
    const [l] = await sess.run([loss, train], { x: xs, y: ys, training: true });
    if (++step % 200 === 0) console.log(`epoch ${epoch} step ${step}: loss ${(l.item() as number).toFixed(4)}`);
  }
  const secs = (performance.now() - t0) / 1000;
  const [avg, last] = await testAccuracy();
  const speed = `${(data.train.numExamples / secs).toFixed(0)} examples/s`;
  console.log(`epoch ${epoch}: test accuracy ${avg.toFixed(4)} (averaged weights; last weights ${last.toFixed(4)}) (${speed})`);
}
