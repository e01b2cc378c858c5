/**
 * The model the meta graph and resume tests share (not a test itself): a small graph-mode
 * classifier using every graph node kind the public API makes (placeholders with and without
 * default, constants, variables with random and constant initializers, assign ops, no-ops and
 * control dependencies, a device scope, tf.layers dense / batch norm (UPDATE_OPS) / dropout,
 * tf.losses (LOSSES), Adam with a global step, summaries), and data that depends only on
 * (seed, step).
 */
import * as tf from '../../lib/index.js';

export const FEATURES = 6;
export const CLASSES = 3;
export const BATCH = 8;

/**
 * Batch `step` as feedable TypedArrays ([BATCH, FEATURES] and [BATCH]): a pure function of
 * (seed, step), so a resumed run sees the same data.
 */
export function batch(step: number, seed = 1): { xs: Float32Array; ys: Int32Array } {
  let s = (seed * 1000003 + step * 7919) >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const xs = new Float32Array(BATCH * FEATURES);
  const ys = new Int32Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    ys[i] = Math.floor(rand() * CLASSES);
    // Feature j leans towards class j mod CLASSES, so the classes can be learnt.
    for (let j = 0; j < FEATURES; j++) {
      xs[i * FEATURES + j] = rand() * 2 - 1 + (j % CLASSES === ys[i] ? 1 : 0);
    }
  }
  return { xs, ys };
}

export interface Model {
  x: tf.Tensor;
  y: tf.Tensor;
  training: tf.Tensor;
  loss: tf.Tensor;
  accuracy: tf.Tensor;
  logits: tf.Tensor;
  train: tf.Operation;
  globalStep: tf.Variable;
  init: tf.Operation;
}

/** Builds the model in the default graph (call tf.setRandomSeed first for repeatable inits). */
export function buildModel(): Model {
  const x = tf.placeholder('float32', [null, FEATURES], 'x');
  const y = tf.placeholder('int32', [null], 'y');
  const training = tf.placeholderWithDefault(tf.constant(false), [], 'training');
  const h = tf.device('cpu', () =>
    tf.layers.dense(x, { units: 16, activation: 'relu', name: 'fc1' }));
  const bn = tf.layers.batchNormalization(h, { training, name: 'bn' });
  const d = tf.layers.dropout(bn, { rate: 0.4, training, seed: 3 });
  const logits = tf.layers.dense(d, { units: CLASSES, name: 'fc2' });
  const loss = tf.losses.sparseSoftmaxCrossEntropy(y, logits);
  const globalStep = tf.train.getOrCreateGlobalStep();
  // A counter bumped by its own assign op, run with the train op through a group.
  const seen = new tf.Variable(tf.constant(0, 'int32'), {
    name: 'examples_seen',
    trainable: false,
  });
  const count = tf.assignAdd(seen, tf.size(y));
  const updates = tf.getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
  const minimize = tf.controlDependencies(updates, () =>
    new tf.train.AdamOptimizer(0.02).minimize(loss, { globalStep }));
  const train = tf.group([minimize, count], 'train');
  tf.addToCollection('train_op', train);
  const accuracy = tf.reduceMean(tf.cast(tf.equal(tf.argmax(logits, 1), y), 'float32'));
  tf.addToCollection('outputs', logits);
  tf.addToCollection('notes', 'a string in a collection');
  tf.summary.scalar('loss', loss);
  tf.summary.scalar('accuracy', accuracy);
  tf.summary.histogram('fc1/kernel', tf.getDefaultGraph().getTensorByName('fc1/kernel:0'));
  tf.summary.text('about', 'meta graph test model');
  const init = tf.globalVariablesInitializer();
  return { x, y, training, loss, accuracy, logits, train, globalStep, init };
}
