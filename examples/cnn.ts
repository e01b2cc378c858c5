/**
 * The seeds' MNIST ConvNet on Fashion-MNIST with tf.layers (graph mode): conv 5x5x32 SAME + ReLU
 * + maxpool 2, conv 5x5x64 SAME + ReLU + maxpool 2, dense 1024 ReLU, dropout 0.5, dense 10
 * (examples/cnn_model.ts); Adam 1e-4, batch 50. Prints loss and accuracy as it trains.
 * Run: node dist/examples/cnn.js   (EPOCHS=5 by default; full data set when Debian's is installed)
 */
import * as tf from 'nodeflow';
import { convNet, pixelStats } from './cnn_model.js';

const data = await tf.datasets.fashionMnist({ oneHot: true, imageShape: 'nhwc' });
const x = tf.placeholder('float32', [null, 28, 28, 1], 'x');
const y = tf.placeholder('float32', [null, 10], 'y');
const training = tf.placeholderWithDefault(tf.constant(false), [], 'training');

const logits = convNet(x, training, pixelStats(data.train.images));

const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }));
const train = new tf.train.AdamOptimizer(1e-4).minimize(loss);
const accuracy = tf.reduceMean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)), 'float32'));

const sess = new tf.Session();
await sess.run(tf.globalVariablesInitializer());

/** Test accuracy over the whole test split, in chunks (inference mode: no dropout). */
async function testAccuracy(): Promise<number> {
  let correct = 0;
  for (const [xs, ys] of data.test.batches(1000)) {
    correct += ((await sess.run(accuracy, { x: xs, y: ys })).item() as number) * xs.shape[0];
  }
  return correct / data.test.numExamples;
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
  console.log(`epoch ${epoch}: test accuracy ${(await testAccuracy()).toFixed(4)} (${(data.train.numExamples / secs).toFixed(0)} examples/s)`);
}
