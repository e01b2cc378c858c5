/**
 * The ConvNet of examples/cnn.ts written with tf.keras: conv 5x5x32 'same' + ReLU + maxpool 2,
 * conv 5x5x64 'same' + ReLU + maxpool 2, dense 1024 ReLU, dropout 0.5, dense 10 (logits);
 * Adam 1e-4, batch 50; standardised input and He initialisation for the ReLU layers, as the
 * tf.layers version (examples/cnn_model.ts says why). fit() validates on the test split after each epoch, writes TensorBoard
 * logs and keeps the best model (by validation accuracy) with ModelCheckpoint.
 * Run: node dist/examples/keras_cnn.js   (EPOCHS=5 by default; LOGDIR=runs/keras_cnn)
 *      tensorboard --logdir runs/keras_cnn/tensorboard
 */
import { join } from 'node:path';
import * as tf from 'nodeflow';
import { pixelStats, standardized } from './cnn_model.js';

const { Conv2D, MaxPooling2D, Flatten, Dense, Dropout } = tf.keras.layers;

const data = await tf.datasets.fashionMnist({ oneHot: true, imageShape: 'nhwc' });
const stats = pixelStats(data.train.images);
const trainX = standardized(data.train.images, stats);
const testX = standardized(data.test.images, stats);
const he = { kernelInitializer: 'heNormal' } as const;
const model = new tf.keras.Sequential({
  name: 'convnet',
  layers: [
    new Conv2D(32, 5, { padding: 'same', activation: 'relu', inputShape: [28, 28, 1], ...he }),
    new MaxPooling2D(2),
    new Conv2D(64, 5, { padding: 'same', activation: 'relu', name: 'conv2', ...he }),
    new MaxPooling2D(2),
    new Flatten(),
    new Dense(1024, { activation: 'relu', name: 'fc1', ...he }),
    new Dropout(0.5),
    new Dense(10, { name: 'logits' }),
  ],
});
model.compile({
  optimizer: new tf.keras.optimizers.Adam(1e-4),
  loss: new tf.keras.losses.CategoricalCrossentropy({ fromLogits: true }),
  metrics: ['accuracy'],
});
model.summary();

const logDir = process.env.LOGDIR ?? join('runs', 'keras_cnn');
const epochs = Number(process.env.EPOCHS ?? 5);
console.log(
  `Fashion-MNIST (${data.source}): ${data.train.numExamples} train, ${data.test.numExamples} ` +
    `test examples`,
);
const t0 = performance.now();
const history = await model.fit(trainX, data.train.labels, {
  epochs,
  batchSize: 50,
  validationData: [testX, data.test.labels],
  callbacks: [
    new tf.keras.callbacks.TensorBoard({ logDir: join(logDir, 'tensorboard') }),
    new tf.keras.callbacks.ModelCheckpoint(join(logDir, 'best'), {
      monitor: 'val_accuracy',
      saveBestOnly: true,
    }),
  ],
});
const secs = (performance.now() - t0) / 1000;
history.epoch.forEach((e, i) => {
  const h = history.history;
  console.log(
    `epoch ${e + 1}: loss ${h.loss[i].toFixed(4)}, val_accuracy ` +
      `${h.val_accuracy[i].toFixed(4)}`,
  );
});
const test = [testX, data.test.labels] as const;
const [, accuracy] = (await model.evaluate(...test, { batchSize: 1000, verbose: 0 })) as number[];
console.log(
  `test accuracy ${accuracy.toFixed(4)} ` +
    `(${((epochs * data.train.numExamples) / secs).toFixed(0)} examples/s, validation included)`,
);
console.log(
  `TensorBoard logs in ${join(logDir, 'tensorboard')}; best model saved in ` +
    `${join(logDir, 'best')}`,
);
