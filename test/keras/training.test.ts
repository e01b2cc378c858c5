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
const quiet = { verbose: 0 } as const;

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
  const hidden = new L.Dense(8, { activation: 'tanh', inputShape: [2] });
  const out = new L.Dense(3, { activation: 'softmax' });
  const m = new tf.keras.Sequential({ layers: [hidden, out] });
  m.compile({ optimizer: new tf.keras.optimizers.Adam(0.05), loss, metrics });
  return m;
}

describe('fit', () => {
  it('reduces the loss and reaches 95% accuracy on separable blobs; History as Keras', async () => {
    tf.setRandomSeed(7);
    const { x, oneHot } = blobs(150, 1);
    const model = classifier('categoricalCrossentropy', ['acc']);
    const args = { epochs: 15, batchSize: 16, validationSplit: 0.2, ...quiet };
    const history = await model.fit(x, oneHot, args);
    expect(history).toBe(model.history);
    expect(Object.keys(history.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    expect(history.epoch).toEqual([...Array(15).keys()]);
    const loss = history.history.loss;
    expect(loss[14]).toBeLessThan(loss[0] / 4);
    expect(history.history.acc[14]).toBeGreaterThan(0.95);
    expect(history.history.val_acc[14]).toBeGreaterThan(0.95);
    const [l, acc] = (await model.evaluate(x, oneHot, quiet)) as number[];
    expect(acc).toBeGreaterThan(0.95);
    expect(l).toBeLessThan(0.3);
  });

  it('sparse labels (int ids, [n] or [n, 1]) train too; accuracy is the sparse one', async () => {
    tf.setRandomSeed(3);
    const { x, ids } = blobs(90, 2);
    const model = classifier('sparse_categorical_crossentropy');
    const h = await model.fit(x, ids, { epochs: 10, batchSize: 10, ...quiet });
    expect(h.history.accuracy[9]).toBeGreaterThan(0.95);
    const asColumn = { data: Float32Array.from(ids), shape: [90, 1] };
    const [, acc] = (await model.evaluate(x, asColumn, quiet)) as number[];
    expect(acc).toBeCloseTo(h.history.accuracy[9], 1);
  });

  it('is reproducible under tf.setRandomSeed (initial weights and shuffling)', async () => {
    const run = async () => {
      freshGraph();
      tf.setRandomSeed(11);
      const { x, oneHot } = blobs(60, 3);
      const m = classifier('categoricalCrossentropy');
      return (await m.fit(x, oneHot, { epochs: 3, batchSize: 7, ...quiet })).history.loss;
    };
    expect(await run()).toEqual(await run());
  });

  it('validationData is evaluated after every epoch in inference mode', async () => {
    const { x, oneHot } = blobs(30, 4);
    const model = classifier('categoricalCrossentropy');
    const seen: number[] = [];
    const record = async () => {
      seen.push(((await model.evaluate(x, oneHot, quiet)) as number[])[0]);
    };
    const args = { epochs: 2, batchSize: 8, validationData: [x, oneHot] as [unknown, unknown] };
    const callbacks = [{ onEpochEnd: record }];
    const h = await model.fit(x, oneHot, { ...args, ...quiet, callbacks });
    expectClose(h.history.val_loss, seen, { atol: 1e-6 });
  });
});

describe('fit on a tf.data Dataset', () => {
  const datasetOf = (n: number, seed: number) => {
    const { x, oneHot } = blobs(n, seed);
    return tf.data.Dataset.fromTensorSlices([tensorOf(x.data, 'float32', x.shape), tensorOf(oneHot.data, 'float32', oneHot.shape)]);
  };

  it('trains from [x, y] elements, stepsPerEpoch batches per epoch, with validation data', async () => {
    tf.setRandomSeed(7);
    const ds = datasetOf(150, 1).shuffle(150).batch(16).repeat();
    const model = classifier('categoricalCrossentropy', ['acc']);
    const { x: vx, oneHot: vy } = blobs(60, 2);
    const seen: number[] = [];
    const count = new (class extends tf.keras.callbacks.Callback {
      override onBatchEnd(_b: number, logs: Record<string, number>) {
        seen.push(logs.size);
      }
    })();
    const history = await model.fit(ds, { epochs: 12, stepsPerEpoch: 10, validationData: [vx, vy], callbacks: [count], ...quiet });
    expect(history.epoch).toEqual([...Array(12).keys()]);
    expect(seen.length).toBe(120);
    // One pass across epochs: 150 examples are 9 batches of 16 and one of 6, then it repeats.
    expect(seen.slice(0, 11)).toEqual([16, 16, 16, 16, 16, 16, 16, 16, 16, 6, 16]);
    expect(history.history.loss[11]).toBeLessThan(history.history.loss[0] / 4);
    expect(history.history.val_acc[11]).toBeGreaterThan(0.95);
  });

  it('evaluate runs over a Dataset to its end, or for `steps` batches, weighting batches by size', async () => {
    tf.setRandomSeed(3);
    const model = classifier('categoricalCrossentropy', ['acc']);
    const { x, oneHot } = blobs(50, 4);
    const onArrays = (await model.evaluate(x, oneHot, { batchSize: 50, ...quiet })) as number[];
    const onDataset = (await model.evaluate(datasetOf(50, 4).batch(16), quiet)) as number[];
    expectClose(onDataset, onArrays, { atol: 1e-6, rtol: 1e-5 });
    const firstBatch = (await model.evaluate(datasetOf(50, 4).batch(16), { steps: 1, ...quiet })) as number[];
    const { x: x16, oneHot: y16 } = { x: { data: x.data.slice(0, 32), shape: [16, 2] }, oneHot: { data: oneHot.data.slice(0, 48), shape: [16, 3] } };
    expectClose(firstBatch, (await model.evaluate(x16, y16, { batchSize: 16, ...quiet })) as number[], { atol: 1e-6, rtol: 1e-5 });
    await expect(model.evaluate(datasetOf(50, 4).batch(16), { steps: 0, ...quiet })).rejects.toThrow(/evaluate: steps must be a positive integer/);
  });

  it('predict on a Dataset of inputs (or of [x, y], y ignored) matches predict on arrays; a Dataset as validationData', async () => {
    tf.setRandomSeed(5);
    const model = classifier('categoricalCrossentropy', ['acc']);
    const { x, oneHot } = blobs(40, 6);
    const want = (await model.predict(x, { batchSize: 40 })) as tf.Tensor;
    const xs = tf.data.Dataset.fromTensorSlices(tensorOf(x.data, 'float32', x.shape)).batch(16);
    for (const ds of [xs, datasetOf(40, 6).batch(7)]) {
      const got = (await model.predict(ds)) as tf.Tensor;
      expect(got.shape).toEqual([40, 3]);
      expectClose(got.dataSync(), want.dataSync(), { atol: 1e-6, rtol: 1e-5 });
    }
    expect(((await model.predict(xs, { steps: 1 })) as tf.Tensor).shape).toEqual([16, 3]);
    const unbuilt = new tf.keras.Sequential({ layers: [new L.Dense(3)] });
    await expect(unbuilt.predict(xs)).rejects.toThrow(/predict: the model is not built yet/);
    // Validation runs at the end of the epoch, with the weights evaluate then sees.
    const h = await model.fit(x, oneHot, { epochs: 1, validationData: datasetOf(40, 6).batch(9), ...quiet });
    const [loss, acc] = (await model.evaluate(x, oneHot, { batchSize: 40, ...quiet })) as number[];
    expectClose([h.history.val_loss[0], h.history.val_acc[0]], [loss, acc], { atol: 1e-6, rtol: 1e-5 });
    const half = await model.fit(x, oneHot, { epochs: 1, validationData: datasetOf(40, 6).batch(20), validationSteps: 1, ...quiet });
    const [firstHalf] = (await model.evaluate({ data: x.data.slice(0, 40), shape: [20, 2] }, { data: oneHot.data.slice(0, 60), shape: [20, 3] }, quiet)) as number[];
    expectClose([half.history.val_loss[0]], [firstHalf], { atol: 1e-6, rtol: 1e-5 });
    await expect(model.fit(x, oneHot, { validationData: xs, ...quiet })).rejects.toThrow(/fit \(validationData\): each element of the Dataset must be an array \[inputs…, targets…\] of 2 tensors/);
  });

  it('stops with a warning when the dataset runs out, and rejects what it cannot use', async () => {
    const model = classifier('categoricalCrossentropy');
    const history = await model.fit(datasetOf(30, 1).batch(10), { epochs: 3, stepsPerEpoch: 2, ...quiet });
    expect(history.epoch).toEqual([0, 1]);   // 3 batches: the second epoch ends early
    await expect(model.fit(datasetOf(30, 1).batch(10), { epochs: 1, ...quiet })).rejects.toThrow(/fitting a Dataset needs stepsPerEpoch/);
    await expect(model.fit(datasetOf(30, 1).batch(10), { stepsPerEpoch: 1, validationSplit: 0.1, ...quiet })).rejects.toThrow(/validationSplit cannot split a Dataset/);
    const xOnly = tf.data.Dataset.fromTensorSlices(tensorOf(new Float32Array(20), 'float32', [10, 2])).batch(5);
    await expect(model.fit(xOnly, { stepsPerEpoch: 1, ...quiet })).rejects.toThrow(/each element of the Dataset must be an array \[inputs…, targets…\] of 2 tensors/);
  });
});

describe('losses and metrics by name (values against references)', () => {
  /** An identity model: evaluate(pred, target) is the loss of pred against target. */
  type LossId = tf.keras.losses.LossIdentifier;
  function identity(width: number, loss: LossId, metrics: string[] = [], act = 'linear') {
    const layer = new L.Activation(act as never, { inputShape: [width] });
    const m = new tf.keras.Sequential({ layers: [layer] });
    m.compile({ optimizer: 'sgd', loss, metrics });
    return m;
  }
  const data = (v: Float32Array, w: number) => ({ data: v, shape: [v.length / w, w] });
  const evaluate = async (m: tf.keras.Model, x: tf.keras.ModelData, y: tf.keras.ModelData) => {
    return m.evaluate(x, y, quiet);
  };
  const pred = data(Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.1, 0.8), 3);
  const onehot = data(Float32Array.of(1, 0, 0, 0, 1, 0), 3);

  it('categorical and sparse categorical cross-entropy, accuracies', async () => {
    const ce = (-Math.log(0.7) - Math.log(0.1)) / 2;
    const cce = identity(3, 'categorical_crossentropy', ['acc']);
    const [l, acc] = (await evaluate(cce, pred, onehot)) as number[];
    expect(l).toBeCloseTo(ce, 5);
    expect(acc).toBe(0.5);
    const sparse = identity(3, 'sparseCategoricalCrossentropy', ['accuracy']);
    const [ls, accS] = (await evaluate(sparse, pred, Int32Array.of(0, 1))) as number[];
    expect(ls).toBeCloseTo(ce, 5);
    expect(accS).toBe(0.5);
  });

  it('uses the logits of a softmax output (no clipping at extreme logits)', async () => {
    const logits = data(Float32Array.of(100, -100, 0), 3);
    const y = data(Float32Array.of(0, 1, 0), 3);
    const softmax = identity(3, 'categoricalCrossentropy', [], 'softmax');
    const viaSoftmax = await evaluate(softmax, logits, y);
    expect(viaSoftmax).toBeCloseTo(200, 3);
    const fromLogits = new tf.keras.losses.CategoricalCrossentropy({ fromLogits: true });
    expect(await evaluate(identity(3, fromLogits), logits, y)).toBeCloseTo(200, 3);
    // On probabilities the clipping caps the loss at -log(1e-7).
    const certain = data(Float32Array.of(1, 0, 0), 3);
    const clipped = await evaluate(identity(3, 'categoricalCrossentropy'), certain, y);
    expect(clipped).toBeCloseTo(-Math.log(1e-7), 3);
  });

  it('binary cross-entropy (probabilities, sigmoid, logits) and binary accuracy', async () => {
    const p = Float32Array.of(0.9, 0.3, 0.6, 0.2);
    const t = Float32Array.of(1, 0, 0, 0);
    const bce = (i: number) => -(t[i] * Math.log(p[i]) + (1 - t[i]) * Math.log(1 - p[i]));
    const ref = [0, 1, 2, 3].reduce((s, i) => s + bce(i), 0) / 4;
    const bceModel = identity(1, 'binaryCrossentropy', ['acc']);
    const [l, acc] = (await evaluate(bceModel, data(p, 1), t)) as number[];
    expect(l).toBeCloseTo(ref, 5);
    expect(acc).toBe(0.75);
    const z = data(Float32Array.from(p, (v) => Math.log(v / (1 - v))), 1);
    const sigmoid = identity(1, 'binary_crossentropy', ['acc'], 'sigmoid');
    const [ls, accs] = (await evaluate(sigmoid, z, t)) as number[];
    expect(ls).toBeCloseTo(ref, 4);
    expect(accs).toBe(0.75);
    const logitsLoss = new tf.keras.losses.BinaryCrossentropy({ fromLogits: true });
    const onLogits = identity(1, logitsLoss, ['acc']);
    const [ll, accl] = (await evaluate(onLogits, z, t)) as number[];
    expect(ll).toBeCloseTo(ref, 4);
    expect(accl).toBe(0.75); // threshold 0 on logits
  });

  it('mse / mae (aliases), extra metrics and custom functions', async () => {
    const p = data(Float32Array.of(1, 2, 3, 4), 2);
    const t = data(Float32Array.of(1.5, 2, 1, 4), 2);
    const mse = (0.25 + 0 + 4 + 0) / 4;
    const mae = (0.5 + 0 + 2 + 0) / 4;
    const maxErr = function maxErr(yTrue: Tensor, yPred: Tensor) {
      return tf.reduceMax(tf.abs(tf.sub(yPred, yTrue)), -1);
    };
    const r = (await evaluate(identity(2, 'mse', ['mae', maxErr as never]), p, t)) as number[];
    expectClose(r, [mse, mae, (0.5 + 2) / 2], { atol: 1e-6 });
    expect(await evaluate(identity(2, 'meanAbsoluteError'), p, t)).toBeCloseTo(mae, 6);
    const sse = (yTrue: Tensor, yPred: Tensor) => tf.reduceSum(tf.square(tf.sub(yPred, yTrue)), -1);
    expect(await evaluate(identity(2, sse), p, t)).toBeCloseTo(mse * 2, 5);
  });

  it('unknown names fail at compile', () => {
    const m = new tf.keras.Sequential({ layers: [new L.Dense(1, { inputShape: [2] })] });
    expect(() => m.compile({ optimizer: 'adam', loss: 'hinge_loss' }))
      .toThrow(/unknown loss 'hinge_loss' \(known: categoricalCrossentropy/);
    expect(() => m.compile({ optimizer: 'adamw', loss: 'mse' }))
      .toThrow(/unknown optimizer 'adamw' \(known: sgd, adam, rmsprop, adagrad, adadelta/);
    const f1 = { optimizer: 'adam', loss: 'mse', metrics: ['f1'] };
    expect(() => m.compile(f1)).toThrow(/unknown metric 'f1'/);
    expect(() => m.compile({ optimizer: 'adam' } as never)).toThrow(/loss is required/);
    const O = tf.keras.optimizers;
    expect(() => new O.Adam({ learningRate: -1 })).toThrow(/learningRate must be a non-negative/);
    expect(() => new O.SGD({ momentun: 0.9 } as never)).toThrow(/unknown option 'momentun'/);
  });
});

describe('optimizers', () => {
  /** y = x · w (one weight, no bias), mse. */
  const linear = (optimizer: tf.keras.optimizers.OptimizerIdentifier) => {
    const layer = new L.Dense(1, { inputShape: [1], useBias: false, kernelInitializer: 'ones' });
    const m = new tf.keras.Sequential({ layers: [layer] });
    m.compile({ optimizer, loss: 'mse' });
    return m;
  };
  const x = Float32Array.of(1, 2, 3);
  const y = Float32Array.of(2, 4, 6);

  it('one SGD step is w − lr · dL/dw, through a Keras optimizer or a tf.train one', async () => {
    // L = mean((x w − y)²); at w = 1: dL/dw = 2/3 Σ x (x − y) = −28/3.
    const keras = new tf.keras.optimizers.SGD(0.01);
    const optimizers = [keras, new tf.train.GradientDescentOptimizer(0.01)];
    for (const opt of optimizers) {
      freshGraph();
      const m = linear(opt);
      const before = (await m.trainOnBatch(x, y)) as number;
      expect(before).toBeCloseTo((1 + 4 + 9) / 3, 5);
      expect(m.getWeights()[0].item()).toBeCloseTo(1 + (0.01 * 28) / 3, 6);
      const st = m.optimizer!.state(m.graph!);
      expect(tf.keras.backend.getValue(st.iterations).item()).toBe(1);
    }
  });

  it('every optimizer by name trains the model down', async () => {
    for (const name of ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'Adam']) {
      freshGraph();
      const m = linear(name);
      const first = (await m.evaluate(x, y, quiet)) as number;
      await m.fit(x, y, { epochs: 20, batchSize: 3, ...quiet });
      const last = (await m.evaluate(x, y, quiet)) as number;
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
    const values = (t: Tensor | Tensor[]) => Array.from((t as Tensor).dataSync());
    expect(all.shape).toEqual([7, 2]);
    expect(all.isSymbolic).toBe(false);
    expect(values(await m.predictOnBatch(xs))).toEqual(values(all));
    expect(((await m.predict([[1, 2, 3]])) as Tensor).shape).toEqual([1, 2]);
    expect(values(await m.predict(tensorOf(xs, 'float32', [7, 3])))).toEqual(values(all));
  });

  it('trainOnBatch changes the weights, returns [loss, metric]; testOnBatch does not', async () => {
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
    const joined = new L.Concatenate().apply([a, b]) as Tensor;
    const h = new L.Dense(4, { activation: 'tanh' }).apply(joined) as Tensor;
    const cls = new L.Dense(2, { activation: 'softmax', name: 'cls' }).apply(h) as Tensor;
    const reg = new L.Dense(1, { name: 'reg' }).apply(h) as Tensor;
    const m = new tf.keras.Model({ inputs: [a, b], outputs: [cls, reg] });
    m.compile({
      optimizer: 'adam',
      loss: { cls: 'sparseCategoricalCrossentropy', reg: 'mse' },
      metrics: { cls: ['acc'], reg: [] },
      lossWeights: [1, 0.5],
    });
    const xa = Float32Array.from(randomArray(20, 1));
    const xb = Float32Array.from(randomArray(10, 2));
    const ids = Int32Array.from({ length: 10 }, (_, i) => i % 2);
    const target = Float32Array.from(xb, (v) => 2 * v);
    const args = { epochs: 2, batchSize: 5, ...quiet };
    const hist = await m.fit({ a: xa, b: xb }, [ids, target], args);
    expect(Object.keys(hist.history)).toEqual(['loss', 'cls_loss', 'reg_loss', 'cls_acc']);
    const y = { cls: ids, reg: target };
    const [total, lc, lr] = (await m.evaluate([xa, xb], y, quiet)) as number[];
    expect(total).toBeCloseTo(lc + 0.5 * lr, 5);
    expect(() => m.compile({ optimizer: 'adam', loss: ['mse'] }))
      .toThrow(/loss has 1 entries for a model with 2 output\(s\) \[cls, reg\]/);
  });

  it('kernel regularizers add to the loss (Keras l2: l · Σw², no ½)', async () => {
    const regularizer = tf.keras.regularizers.l2(0.1);
    const layer = new L.Dense(2, { inputShape: [2], kernelRegularizer: regularizer });
    const m = new tf.keras.Sequential({ layers: [layer] });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    m.setWeights([Float32Array.of(1, 2, -1, 0.5), Float32Array.of(0, 0)]);
    const loss = (await m.evaluate(Float32Array.of(0, 0), Float32Array.of(1, 1), quiet)) as number;
    expect(loss).toBeCloseTo(1 + 0.1 * (1 + 4 + 1 + 0.25), 5);
  });
});

describe('data errors', () => {
  it('compile first; shapes and sample counts are checked with Keras messages', async () => {
    const layer = new L.Dense(3, { inputShape: [2], activation: 'softmax' });
    const m = new tf.keras.Sequential({ layers: [layer] });
    await expect(m.fit(Float32Array.of(1, 2), Float32Array.of(1, 0, 0)))
      .rejects.toThrow(/you must compile a model before training\/testing/);
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const wide = { data: new Float32Array(6), shape: [2, 3] };
    await expect(m.fit(wide, new Float32Array(6), quiet)).rejects.toThrow(
      /Error when checking input: expected dense_input to have shape \[\?,2\] but got .* \[2,3\]/,
    );
    const ids = m.fit(new Float32Array(4), Int32Array.of(0, 2), quiet);
    await expect(ids).rejects.toThrow(/expected dense to have shape \[\?,3\] but got .* \[2\]/);
    await expect(m.fit(new Float32Array(4), Int32Array.of(0, 2), quiet))
      .rejects.toThrow(/categoricalCrossentropy expects one-hot targets.*sparseCategorical/);
    await expect(m.fit(new Float32Array(4), new Float32Array(9), quiet))
      .rejects.toThrow(/Found 2 input samples and 3 target samples/);
    await expect(m.fit(new Float32Array(4), new Float32Array(6), { batchSize: 0, ...quiet }))
      .rejects.toThrow(/batchSize must be a positive integer/);
    const split = { validationSplit: 0.6, ...quiet };
    await expect(m.fit(new Float32Array(4), new Float32Array(6), split))
      .rejects.toThrow(/validationSplit 0.6 leaves no training or no validation examples out of 2/);
  });
});
