/**
 * Models: the ways a Sequential builds, functional models with Concatenate and Add, models used
 * as layers, summary(), weights, and the errors (shapes between layers, unbuilt models, graph
 * disconnected, eager mode).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers/close.js';
import { freshGraph, randomArray } from './helpers.js';

beforeEach(freshGraph);

const L = tf.keras.layers;
const lines = (m: tf.keras.Model) => {
  const out: string[] = [];
  m.summary({ printFn: (l) => out.push(l) });
  return out;
};

describe('Sequential', () => {
  it('builds from the first layer\'s inputShape, add(), an Input, build() or the first data', async () => {
    const a = new tf.keras.Sequential({ layers: [new L.Dense(4, { inputShape: [3] }), new L.Dense(2)] });
    expect(a.built).toBe(true);
    expect(a.inputs[0].shape).toEqual([null, 3]);
    expect(a.outputs[0].shape).toEqual([null, 2]);
    expect(a.layers.map((l) => l.name)).toEqual(['dense', 'dense_1']);
    expect(a.inputs[0].name).toBe('dense_input:0');

    const b = new tf.keras.Sequential();
    b.add(tf.keras.Input([5], { batchSize: 8 }));
    b.add(new L.Dense(1));
    expect(b.outputs[0].shape).toEqual([8, 1]);

    const c = new tf.keras.Sequential({ layers: [new L.Dense(3), new L.Dense(1)] });
    expect(c.built).toBe(false);
    c.build([null, 7]);
    expect(c.countParams()).toBe(7 * 3 + 3 + 3 + 1);

    const d = new tf.keras.Sequential({ layers: [new L.Flatten(), new L.Dense(2)] });
    const y = (await d.predict([[[1, 2], [3, 4]]])) as Tensor;
    expect(y.shape).toEqual([1, 2]);
    expect(d.inputs[0].shape).toEqual([null, 2, 2]);

    d.pop();
    expect(d.layers.map((l) => l.className)).toEqual(['Flatten']);
    expect(d.outputs[0].shape).toEqual([null, 4]);
  });

  it('an incompatible layer fails at add(), naming the layer and the shapes', () => {
    const m = new tf.keras.Sequential({ layers: [new L.Dense(4, { inputShape: [3] })] });
    expect(() => m.add(new L.Conv2D(2, 3, { name: 'conv' })))
      .toThrow(/Conv2D layer 'conv' \(input shape \[\?,4\]\): expected NHWC input of rank 4, got shape \[\?,4\]/);
    expect(m.layers).toHaveLength(1);
    expect(() => new tf.keras.Sequential({ layers: [new L.Conv2D(2, 5, { inputShape: [4, 4, 1], name: 'big' })] }))
      .toThrow(/Conv2D layer 'big': conv2d: the window \(5, dilated to 5\) is larger than the input \(4\).*float32\[\?,4,4,1\]/);
  });
});

describe('functional models', () => {
  it('Concatenate and Add of branches; values equal the hand computation', async () => {
    const x = tf.keras.Input([3], { name: 'x' });
    const a = new L.Dense(2, { name: 'a', useBias: false }).apply(x) as Tensor;
    const b = new L.Dense(2, { name: 'b', useBias: false }).apply(x) as Tensor;
    const sum = new L.Add({ name: 'sum' }).apply([a, b]) as Tensor;
    const cat = new L.Concatenate({ name: 'cat' }).apply([sum, x]) as Tensor;
    const model = new tf.keras.Model({ inputs: x, outputs: cat, name: 'branches' });
    expect(cat.shape).toEqual([null, 5]);
    expect(model.layers.map((l) => l.name)).toEqual(['x', 'a', 'b', 'sum', 'cat']);
    const Wa = Float32Array.from(randomArray(6, 1));
    const Wb = Float32Array.from(randomArray(6, 2));
    model.setWeights([Wa, Wb]);
    const xv = Float32Array.of(1, -2, 0.5);
    const out = Array.from(((await model.predict(xv)) as Tensor).dataSync());
    const ref = [0, 1].map((j) => [0, 1, 2].reduce((s, k) => s + xv[k] * (Wa[k * 2 + j] + Wb[k * 2 + j]), 0));
    expectClose(out, [...ref, ...xv], { atol: 1e-5 });
    expect(() => new L.Add({ name: 'bad_add' }).apply([a, x]))
      .toThrow(/Add layer 'bad_add' \(input shapes \[\?,2\], \[\?,3\]\): an Add layer requires inputs of the same shape/);
    const y4 = tf.keras.Input([2, 2]);
    expect(() => new L.Concatenate({ name: 'bad_cat' }).apply([a, y4]))
      .toThrow(/Concatenate layer 'bad_cat'.*matching shapes except for the concat axis.*\[\?,2\], \[\?,2,2\]/);
    expect(() => new L.Concatenate().apply(a)).toThrow(/at least 2 inputs/);
  });

  it('two inputs, two outputs, and a model used as a layer (shared weights)', async () => {
    const u = tf.keras.Input([2], { name: 'u' });
    const v = tf.keras.Input([2], { name: 'v' });
    const shared = new L.Dense(1, { name: 'shared', kernelInitializer: 'ones' });
    const su = shared.apply(u) as Tensor;
    const sv = shared.apply(v) as Tensor;
    const m = new tf.keras.Model({ inputs: [u, v], outputs: [su, sv] });
    expect(m.outputNames()).toEqual(['shared', 'shared_1']);
    expect(m.weights).toHaveLength(2);
    const [pu, pv] = (await m.predict([Float32Array.of(1, 2), Float32Array.of(3, 4)])) as Tensor[];
    expect([pu.item(), pv.item()]).toEqual([3, 7]);
    const byName = (await m.predict({ u: Float32Array.of(1, 1), v: Float32Array.of(0, 0) })) as Tensor[];
    expect(byName.map((t) => t.item())).toEqual([2, 0]);

    // A Sequential inside a functional model reuses its weights.
    const inner = new tf.keras.Sequential({ name: 'inner', layers: [new L.Dense(2, { inputShape: [2], kernelInitializer: 'ones' })] });
    const z = tf.keras.Input([2]);
    const outer = new tf.keras.Model({ inputs: z, outputs: new L.Dense(1, { kernelInitializer: 'ones' }).apply(inner.apply(z) as Tensor) as Tensor });
    expect(outer.layers.map((l) => l.className)).toEqual(['InputLayer', 'Sequential', 'Dense']);
    expect((await outer.predict(Float32Array.of(1, 2)) as Tensor).item()).toBe(6);
    expect(outer.countParams()).toBe(6 + 3);
  });

  it('errors: graph disconnected, non-Input inputs, duplicate names, eager mode', () => {
    const x = tf.keras.Input([2]);
    const other = tf.keras.Input([2], { name: 'other' });
    const y = new L.Add().apply([x, other]) as Tensor;
    expect(() => new tf.keras.Model({ inputs: x, outputs: y }))
      .toThrow(/graph disconnected: cannot obtain value for tensor other:0 at layer 'other'/);
    const h = new L.Dense(2).apply(x) as Tensor;
    expect(() => new tf.keras.Model({ inputs: h, outputs: y }))
      .toThrow(/must come from tf\.keras\.Input/);
    expect(() => new tf.keras.Model({ inputs: x } as never)).toThrow(/pass \{ inputs, outputs \}/);
    const d1 = new L.Dense(2, { name: 'same' }).apply(x) as Tensor;
    expect(() => new L.Dense(2, { name: 'same' }).apply(d1))
      .toThrow(/Variable same\/kernel already exists/);
    expect(() => new L.Dense(2).apply(tf.getDefaultGraph().asDefault(() => tf.placeholder('float32', [null, 2]))))
      .not.toThrow();
    tf.enableEagerExecution();
    try {
      expect(() => new L.Dense(2))
        .toThrow(/tf\.keras in nodeflow works in graph mode only.*tf\.disableEagerExecution\(\)/);
      expect(() => tf.keras.Input([2])).toThrow(/graph mode only/);
    } finally {
      tf.disableEagerExecution();
    }
  });

  it('a built layer applied to an input of another width names the layer and both shapes', () => {
    const dense = new L.Dense(3, { name: 'fc' });
    dense.apply(tf.keras.Input([4]));
    expect(() => dense.apply(tf.keras.Input([5])))
      .toThrow(/Input 0 of Dense layer 'fc' is incompatible with the layer: expected axis -1 of the input to have value 4 \(it was built for shape \[\?,4\]\) but got shape \[\?,5\]/);
    expect(() => dense.apply(tf.getDefaultGraph().asDefault(() => tf.constant([[1, 2, 3, 4]]))))
      .not.toThrow();
  });
});

describe('summary', () => {
  it('prints the Keras table for a Sequential (shapes, params, totals)', () => {
    const m = new tf.keras.Sequential({ name: 'mlp', layers: [
      new L.Dense(32, { inputShape: [784], activation: 'relu' }),
      new L.BatchNormalization(),
      new L.Dense(10, { activation: 'softmax' }),
    ] });
    expect(lines(m)).toEqual([
      'Model: "mlp"',
      '_'.repeat(65),
      'Layer (type)                 Output Shape              Param #   ',
      '='.repeat(65),
      'dense (Dense)                (None, 32)                25120     ',
      '_'.repeat(65),
      'batch_normalization (BatchNo (None, 32)                128       ',
      '_'.repeat(65),
      'dense_1 (Dense)              (None, 10)                330       ',
      '='.repeat(65),
      'Total params: 25,578',
      'Trainable params: 25,514',
      'Non-trainable params: 64',
      '_'.repeat(65),
    ]);
  });
  it('adds "Connected to" for a functional model with branches', () => {
    const x = tf.keras.Input([4], { name: 'in' });
    const a = new L.Dense(2, { name: 'a' }).apply(x) as Tensor;
    const b = new L.Dense(2, { name: 'b' }).apply(x) as Tensor;
    const m = new tf.keras.Model({ inputs: x, outputs: new L.Concatenate({ name: 'cat' }).apply([a, b]) as Tensor, name: 'fn' });
    const out = lines(m);
    expect(out[2])
      .toBe('Layer (type)                    Output Shape         Param #     Connected to                     ');
    expect(out)
      .toContain('in (InputLayer)                 (None, 4)            0                                            ');
    expect(out)
      .toContain('a (Dense)                       (None, 2)            10          in[0][0]                         ');
    expect(out)
      .toContain('cat (Concatenate)               (None, 4)            0           a[0][0]                          ');
    expect(out)
      .toContain('                                                                 b[0][0]                          ');
    expect(out).toContain('Total params: 20');
  });
  it('unbuilt models: summary, weights and predict without layers fail with the Keras message', async () => {
    const m = new tf.keras.Sequential({ layers: [new L.Dense(2)] });
    expect(() => m.summary())
      .toThrow(/this model has not yet been built.*model\.build\(inputShape\)/);
    expect(() => m.getWeights()).toThrow(/not yet been built/);
    expect(() => m.countParams()).toThrow(/not yet been built/);
    await expect(new tf.keras.Sequential().predict([[1]]))
      .rejects.toThrow(/the model has no layers/);
    await expect(m.predict(Float32Array.of(1, 2)))
      .rejects.toThrow(/cannot infer the input shape from a bare TypedArray/);
    expect(() => new L.Dense(2).countParams()).toThrow(/isn't built/);
  });
});

describe('weights', () => {
  it('getWeights / setWeights round trip, with shape errors naming the variable', () => {
    const m = new tf.keras.Sequential({ layers: [new L.Dense(2, { inputShape: [3] })] });
    const w = m.getWeights();
    expect(w.map((t) => t.shape)).toEqual([[3, 2], [2]]);
    m.setWeights([new Float32Array(6).fill(1), Float32Array.of(5, 6)]);
    expect(Array.from(m.getWeights()[1].dataSync())).toEqual([5, 6]);
    expect(() => m.setWeights([new Float32Array(6)])).toThrow(/expected 2 values/);
    expect(() => m.setWeights([new Float32Array(4), new Float32Array(2)])).toThrow(/dense\/kernel/);
    m.layers[0].trainable = false;
    expect(m.trainableWeights).toHaveLength(0);
    expect(m.nonTrainableWeights).toHaveLength(2);
  });
});
