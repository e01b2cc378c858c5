/**
 * compile / fit / evaluate / predict / trainOnBatch: learning a small problem to a stated
 * accuracy, the loss and metric values against JavaScript references, optimizers by name and as
 * objects (one SGD step checked exactly), several inputs and outputs, and the errors.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers/close.js';
import { freshGraph, randomArray, tensorOf } from './helpers.js';

beforeEach(freshGraph);

const L = tf.keras.layers;

/** Three well separated 2-D blobs: x [n, 2], class ids [n] and one-hot [n, 3]. */
function blobs(n: number, seed: number) {
  const noise = randomArray(2 * n, seed, -0.6, 0.6);
  const centers = [[2, 0], [-1, 1.7], [-1, -1.7]];
  const x = new Float32Array(2 * n);
  const ids = new Int32Array(n);
  const oneHot = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    ids[i] = c;
    oneHot[i * 3 + c] = 1;
    x[2 * i] = centers[c][0] + noise[2 * i];
    x[2 * i + 1] = centers[c][1] + noise[2 * i + 1];
  }
  return { x: { data: x, shape: [n, 2] }, ids, oneHot: { data: oneHot, shape: [n, 3] } };
}

function classifier(loss: string, metrics = ['accuracy']) {
  const m = new tf.keras.Sequential({ layers: [new L.Dense(8, { activation: 'tanh', inputShape: [2] }), new L.Dense(3, { activation: 'softmax' })] });
  m.compile({ optimizer: new tf.keras.optimizers.Adam(0.05), loss, metrics });
  return m;
}

describe('fit', () => {
  it('reduces the loss and reaches 95% accuracy on separable blobs; History as Keras', async () => {
    tf.setRandomSeed(7);
    const { x, oneHot } = blobs(150, 1);
    const model = classifier('categoricalCrossentropy', ['acc']);
    const history = await model.fit(x, oneHot, { epochs: 15, batchSize: 16, verbose: 0, validationSplit: 0.2 });
    expect(history).toBe(model.history);
    expect(Object.keys(history.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    expect(history.epoch).toEqual([...Array(15).keys()]);
    const loss = history.history.loss;
    expect(loss[14]).toBeLessThan(loss[0] / 4);
    expect(history.history.acc[14]).toBeGreaterThan(0.95);
    expect(history.history.val_acc[14]).toBeGreaterThan(0.95);
    const [l, acc] = (await model.evaluate(x, oneHot, { verbose: 0 })) as number[];
    expect(acc).toBeGreaterThan(0.95);
    expect(l).toBeLessThan(0.3);
  });

  it('sparse labels (int ids, [n] or [n, 1]) train as well; accuracy is the sparse one', async () => {
    tf.setRandomSeed(3);
    const { x, ids } = blobs(90, 2);
    const model = classifier('sparse_categorical_crossentropy');
    const h = await model.fit(x, ids, { epochs: 10, batchSize: 10, verbose: 0 });
    expect(h.history.accuracy[9]).toBeGreaterThan(0.95);
    const asColumn = { data: Float32Array.from(ids), shape: [90, 1] };
    const [, acc] = (await model.evaluate(x, asColumn, { verbose: 0 })) as number[];
    expect(acc).toBeCloseTo(h.history.accuracy[9], 1);
  });

  it('is reproducible under tf.setRandomSeed (initial weights and shuffling)', async () => {
    const run = async () => {
      freshGraph();
      tf.setRandomSeed(11);
      const { x, oneHot } = blobs(60, 3);
      const m = classifier('categoricalCrossentropy');
      return (await m.fit(x, oneHot, { epochs: 3, batchSize: 7, verbose: 0 })).history.loss;
    };
    expect(await run()).toEqual(await run());
  });

  it('validationData is evaluated after every epoch in inference mode', async () => {
    const { x, oneHot } = blobs(30, 4);
    const model = classifier('categoricalCrossentropy');
    const seen: number[] = [];
    const h = await model.fit(x, oneHot, {
      epochs: 2, batchSize: 8, verbose: 0, validationData: [x, oneHot],
      callbacks: [{ onEpochEnd: async () => {
        seen.push(((await model.evaluate(x, oneHot, { verbose: 0 })) as number[])[0]);
      } }],
    });
    expectClose(h.history.val_loss, seen, { atol: 1e-6 });
  });
});

describe('losses and metrics by name (values against references)', () => {
  /** An identity model: evaluate(pred, target) is the loss of pred against target. */
  const identity = (width: number, loss: tf.keras.losses.LossIdentifier, metrics: string[] = [], activation = 'linear') => {
    const m = new tf.keras.Sequential({ layers: [new L.Activation(activation as never, { inputShape: [width] })] });
    m.compile({ optimizer: 'sgd', loss, metrics });
    return m;
  };
  const pred = Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.1, 0.8);
  const onehot = Float32Array.of(1, 0, 0, 0, 1, 0);
  const data = (v: Float32Array, w: number) => ({ data: v, shape: [v.length / w, w] });

  it('categorical and sparse categorical cross-entropy, accuracies', async () => {
    const ce = (-Math.log(0.7) - Math.log(0.1)) / 2;
    const [l, acc] = (await identity(3, 'categorical_crossentropy', ['acc']).evaluate(data(pred, 3), data(onehot, 3), { verbose: 0 })) as number[];
    expect(l).toBeCloseTo(ce, 5);
    expect(acc).toBe(0.5);
    const [ls, accS] = (await identity(3, 'sparseCategoricalCrossentropy', ['accuracy']).evaluate(data(pred, 3), Int32Array.of(0, 1), { verbose: 0 })) as number[];
    expect(ls).toBeCloseTo(ce, 5);
    expect(accS).toBe(0.5);
  });

  it('uses the logits of a softmax output (no clipping at extreme logits), or fromLogits', async () => {
    const logits = Float32Array.of(100, -100, 0);
    const y = Float32Array.of(0, 1, 0);
    const viaSoftmax = (await identity(3, 'categoricalCrossentropy', [], 'softmax').evaluate(data(logits, 3), data(y, 3), { verbose: 0 })) as number;
    expect(viaSoftmax).toBeCloseTo(200, 3);
    const fromLogits = (await identity(3, new tf.keras.losses.CategoricalCrossentropy({ fromLogits: true })).evaluate(data(logits, 3), data(y, 3), { verbose: 0 })) as number;
    expect(fromLogits).toBeCloseTo(200, 3);
    // On probabilities the clipping caps the loss at -log(1e-7).
    const clipped = (await identity(3, 'categoricalCrossentropy').evaluate(data(Float32Array.of(1, 0, 0), 3), data(y, 3), { verbose: 0 })) as number;
    expect(clipped).toBeCloseTo(-Math.log(1e-7), 3);
  });

  it('binary cross-entropy (probabilities, sigmoid output, logits) and binary accuracy', async () => {
    const p = Float32Array.of(0.9, 0.3, 0.6, 0.2);
    const t = Float32Array.of(1, 0, 0, 0);
    const ref = [0, 1, 2, 3].reduce((s, i) => s - (t[i] * Math.log(p[i]) + (1 - t[i]) * Math.log(1 - p[i])), 0) / 4;
    const [l, acc] = (await identity(1, 'binaryCrossentropy', ['acc']).evaluate(data(p, 1), t, { verbose: 0 })) as number[];
    expect(l).toBeCloseTo(ref, 5);
    expect(acc).toBe(0.75);
    const z = Float32Array.from(p, (v) => Math.log(v / (1 - v)));
    const [ls, accs] = (await identity(1, 'binary_crossentropy', ['acc'], 'sigmoid').evaluate(data(z, 1), t, { verbose: 0 })) as number[];
    expect(ls).toBeCloseTo(ref, 4);
    expect(accs).toBe(0.75);
    const [ll, accl] = (await identity(1, new tf.keras.losses.BinaryCrossentropy({ fromLogits: true }), ['acc']).evaluate(data(z, 1), t, { verbose: 0 })) as number[];
    expect(ll).toBeCloseTo(ref, 4);
    expect(accl).toBe(0.75); // threshold 0 on logits
  });

  it('mse / mae (aliases), extra metrics and custom functions', async () => {
    const p = Float32Array.of(1, 2, 3, 4);
    const t = Float32Array.of(1.5, 2, 1, 4);
    const mse = (0.25 + 0 + 4 + 0) / 4;
    const mae = (0.5 + 0 + 2 + 0) / 4;
    const maxErr = function maxErr(yTrue: Tensor, yPred: Tensor) {
      return tf.reduceMax(tf.abs(tf.sub(yPred, yTrue)), -1);
    };
    const r = (await identity(2, 'mse', ['mae', maxErr as never]).evaluate(data(p, 2), data(t, 2), { verbose: 0 })) as number[];
    expectClose(r, [mse, mae, (0.5 + 2) / 2], { atol: 1e-6 });
    expect(await identity(2, 'meanAbsoluteError').evaluate(data(p, 2), data(t, 2), { verbose: 0 }))
      .toBeCloseTo(mae, 6);
    const custom = (yTrue: Tensor, yPred: Tensor) => tf.reduceSum(tf.square(tf.sub(yPred, yTrue)), -1);
    expect(await identity(2, custom).evaluate(data(p, 2), data(t, 2), { verbose: 0 }))
      .toBeCloseTo(mse * 2, 5);
  });

  it('unknown names fail at compile', () => {
    const m = new tf.keras.Sequential({ layers: [new L.Dense(1, { inputShape: [2] })] });
    expect(() => m.compile({ optimizer: 'adam', loss: 'hinge_loss' }))
      .toThrow(/unknown loss 'hinge_loss' \(known: categoricalCrossentropy/);
    expect(() => m.compile({ optimizer: 'adamw', loss: 'mse' }))
      .toThrow(/unknown optimizer 'adamw' \(known: sgd, adam, rmsprop, adagrad, adadelta/);
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['f1'] }))
      .toThrow(/unknown metric 'f1'/);
    expect(() => m.compile({ optimizer: 'adam' } as never)).toThrow(/loss is required/);
    expect(() => new tf.keras.optimizers.Adam({ learningRate: -1 }))
      .toThrow(/learningRate must be a non-negative number/);
    expect(() => new tf.keras.optimizers.SGD({ momentun: 0.9 } as never))
      .toThrow(/unknown option 'momentun'/);
  });
});

describe('optimizers', () => {
  /** y = x · w (one weight, no bias), mse. */
  const linear = (opt: tf.keras.optimizers.OptimizerIdentifier) => {
    const m = new tf.keras.Sequential({ layers: [new L.Dense(1, { inputShape: [1], useBias: false, kernelInitializer: 'ones' })] });
    m.compile({ optimizer: opt, loss: 'mse' });
    return m;
  };
  const x = Float32Array.of(1, 2, 3);
  const y = Float32Array.of(2, 4, 6);

  it('one SGD step is w − lr · dL/dw, through a Keras optimizer or a tf.train one', async () => {
    // L = mean((x w − y)²); at w = 1: dL/dw = 2/3 Σ x (x − y) = −28/3.
    for (const opt of [new tf.keras.optimizers.SGD(0.01), new tf.train.GradientDescentOptimizer(0.01)]) {
      freshGraph();
      const m = linear(opt);
      const before = (await m.trainOnBatch(x, y)) as number;
      expect(before).toBeCloseTo((1 + 4 + 9) / 3, 5);
      expect(m.getWeights()[0].item()).toBeCloseTo(1 + 0.01 * 28 / 3, 6);
      const st = m.optimizer!.state(m.graph!);
      expect(tf.keras.backend.getValue(st.iterations).item()).toBe(1);
    }
  });

  it('every optimizer by name trains the model down', async () => {
    for (const name of ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'Adam']) {
      freshGraph();
      const m = linear(name);
      const first = (await m.evaluate(x, y, { verbose: 0 })) as number;
      await m.fit(x, y, { epochs: 20, batchSize: 3, verbose: 0 });
      const last = (await m.evaluate(x, y, { verbose: 0 })) as number;
      expect(last, name).toBeLessThan(first);
      expect(m.optimizer!.className.toLowerCase()).toBe(name.toLowerCase());
    }
  });
});

describe('predict, evaluate, trainOnBatch, testOnBatch', () => {
  it('predict batches (n not a multiple of batchSize) and returns host tensors', async () => {
    const m = new tf.keras.Sequential({ layers: [new L.Dense(2, { inputShape: [3] })] });
    const xs = Float32Array.from(randomArray(7 * 3, 5));
    const all = (await m.predict(xs, { batchSize: 3 })) as Tensor;
    expect(all.shape).toEqual([7, 2]);
    expect(all.isSymbolic).toBe(false);
    const once = (await m.predictOnBatch(xs)) as Tensor;
    expect(Array.from(all.dataSync())).toEqual(Array.from(once.dataSync()));
    const nested = (await m.predict([[1, 2, 3]])) as Tensor;
    expect(nested.shape).toEqual([1, 2]);
    const fromTensor = (await m.predict(tensorOf(xs, 'float32', [7, 3]))) as Tensor;
    expect(Array.from(fromTensor.dataSync())).toEqual(Array.from(all.dataSync()));
  });

  it('trainOnBatch changes the weights and returns [loss, metric]; testOnBatch does not', async () => {
    const { x, oneHot } = blobs(12, 6);
    const m = classifier('categoricalCrossentropy');
    const w0 = Array.from(m.getWeights()[0].dataSync());
    const t = (await m.testOnBatch(x, oneHot)) as number[];
    expect(Array.from(m.getWeights()[0].dataSync())).toEqual(w0);
    const r = (await m.trainOnBatch(x, oneHot)) as number[];
    expect(r).toHaveLength(2);
    expect(r[0]).toBeCloseTo(t[0], 5);
    expect(Array.from(m.getWeights()[0].dataSync())).not.toEqual(w0);
    const after = (await m.testOnBatch(x, oneHot)) as number[];
    expect(after[0]).toBeLessThan(t[0]);
  });

  it('two inputs and two outputs: losses per output, lossWeights, names in History', async () => {
    const a = tf.keras.Input([2], { name: 'a' });
    const b = tf.keras.Input([1], { name: 'b' });
    const h = new L.Dense(4, { activation: 'tanh' }).apply(new L.Concatenate().apply([a, b]) as Tensor) as Tensor;
    const cls = new L.Dense(2, { activation: 'softmax', name: 'cls' }).apply(h) as Tensor;
    const reg = new L.Dense(1, { name: 'reg' }).apply(h) as Tensor;
    const m = new tf.keras.Model({ inputs: [a, b], outputs: [cls, reg] });
    m.compile({ optimizer: 'adam', loss: { cls: 'sparseCategoricalCrossentropy', reg: 'mse' }, metrics: { cls: ['acc'], reg: [] }, lossWeights: [1, 0.5] });
    const xa = Float32Array.from(randomArray(20, 1));
    const xb = Float32Array.from(randomArray(10, 2));
    const ids = Int32Array.from({ length: 10 }, (_, i) => i % 2);
    const target = Float32Array.from(xb, (v) => 2 * v);
    const hist = await m.fit({ a: xa, b: xb }, [ids, target], { epochs: 2, batchSize: 5, verbose: 0 });
    expect(Object.keys(hist.history)).toEqual(['loss', 'cls_loss', 'reg_loss', 'cls_acc']);
    const [total, lc, lr] = (await m.evaluate([xa, xb], { cls: ids, reg: target }, { verbose: 0 })) as number[];
    expect(total).toBeCloseTo(lc + 0.5 * lr, 5);
    expect(() => m.compile({ optimizer: 'adam', loss: ['mse'] }))
      .toThrow(/loss has 1 entries for a model with 2 output\(s\) \[cls, reg\]/);
  });

  it('kernel regularizers add to the loss (Keras l2: l · Σw², no ½)', async () => {
    const m = new tf.keras.Sequential({ layers: [new L.Dense(2, { inputShape: [2], kernelRegularizer: tf.keras.regularizers.l2(0.1), biasInitializer: 'ones' })] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const W = Float32Array.of(1, 2, -1, 0.5);
    m.setWeights([W, Float32Array.of(0, 0)]);
    const loss = (await m.evaluate(Float32Array.of(0, 0), Float32Array.of(1, 1), { verbose: 0 })) as number;
    expect(loss).toBeCloseTo(1 + 0.1 * (1 + 4 + 1 + 0.25), 5);
  });
});

describe('data errors', () => {
  it('compile first; shapes and sample counts are checked with Keras messages', async () => {
    const m = new tf.keras.Sequential({ layers: [new L.Dense(3, { inputShape: [2], activation: 'softmax' })] });
    await expect(m.fit(Float32Array.of(1, 2), Float32Array.of(1, 0, 0)))
      .rejects.toThrow(/you must compile a model before training\/testing/);
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    await expect(m.fit({ data: new Float32Array(6), shape: [2, 3] }, new Float32Array(6), { verbose: 0 }))
      .rejects.toThrow(/Error when checking input: expected dense_input to have shape \[\?,2\] but got array with shape \[2,3\]/);
    await expect(m.fit(new Float32Array(4), Int32Array.of(0, 2), { verbose: 0 }))
      .rejects.toThrow(/expected dense to have shape \[\?,3\] but got array with shape \[2\].*categoricalCrossentropy expects one-hot targets.*sparseCategoricalCrossentropy/);
    await expect(m.fit(new Float32Array(4), new Float32Array(9), { verbose: 0 }))
      .rejects.toThrow(/Found 2 input samples and 3 target samples/);
    await expect(m.fit(new Float32Array(4), new Float32Array(6), { verbose: 0, batchSize: 0 }))
      .rejects.toThrow(/batchSize must be a positive integer/);
    await expect(m.fit(new Float32Array(4), new Float32Array(6), { verbose: 0, validationSplit: 0.6 }))
      .rejects.toThrow(/validationSplit 0.6 leaves no training or no validation examples out of 2/);
  });
});
