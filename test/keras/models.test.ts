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
const apply = (layer: tf.keras.layers.Layer, x: Tensor | Tensor[]) => layer.apply(x) as Tensor;
const inGraph = <T>(fn: () => T) => tf.getDefaultGraph().asDefault(fn);

/** summary() lines, without trailing spaces. */
function lines(m: tf.keras.Model): string[] {
  const out: string[] = [];
  m.summary({ printFn: (l) => out.push(l.trimEnd()) });
  return out;
}

describe('Sequential', () => {
  it("builds from the first layer's inputShape, an Input, build() or the first data", async () => {
    const layers = [new L.Dense(4, { inputShape: [3] }), new L.Dense(2)];
    const a = new tf.keras.Sequential({ layers });
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
    expect(((await d.predict([[[1, 2], [3, 4]]])) as Tensor).shape).toEqual([1, 2]);
    expect(d.inputs[0].shape).toEqual([null, 2, 2]);

    d.pop();
    expect(d.layers.map((l) => l.className)).toEqual(['Flatten']);
    expect(d.outputs[0].shape).toEqual([null, 4]);
  });

  it('an incompatible layer fails at add(), naming the layer and the shapes', () => {
    const m = new tf.keras.Sequential({ layers: [new L.Dense(4, { inputShape: [3] })] });
    expect(() => m.add(new L.Conv2D(2, 3, { name: 'conv' }))).toThrow(
      /Conv2D layer 'conv' \(input shape \[\?,4\]\): expected NHWC input of rank 4, got/,
    );
    expect(m.layers).toHaveLength(1);
    const big = new L.Conv2D(2, 5, { inputShape: [4, 4, 1], name: 'big' });
    expect(() => new tf.keras.Sequential({ layers: [big] })).toThrow(
      /Conv2D layer 'big': conv2d: the window .* is larger than the input \(4\).*\[\?,4,4,1\]/,
    );
  });
});

describe('functional models', () => {
  it('Concatenate and Add of branches; values equal the hand computation', async () => {
    const x = tf.keras.Input([3], { name: 'x' });
    const a = apply(new L.Dense(2, { name: 'a', useBias: false }), x);
    const b = apply(new L.Dense(2, { name: 'b', useBias: false }), x);
    const sum = apply(new L.Add({ name: 'sum' }), [a, b]);
    const cat = apply(new L.Concatenate({ name: 'cat' }), [sum, x]);
    const model = new tf.keras.Model({ inputs: x, outputs: cat, name: 'branches' });
    expect(cat.shape).toEqual([null, 5]);
    expect(model.layers.map((l) => l.name)).toEqual(['x', 'a', 'b', 'sum', 'cat']);
    const Wa = Float32Array.from(randomArray(6, 1));
    const Wb = Float32Array.from(randomArray(6, 2));
    model.setWeights([Wa, Wb]);
    const xv = Float32Array.of(1, -2, 0.5);
    const out = Array.from(((await model.predict(xv)) as Tensor).dataSync());
    const w = (k: number, j: number) => Wa[k * 2 + j] + Wb[k * 2 + j];
    const dot = (j: number) => [0, 1, 2].reduce((s, k) => s + xv[k] * w(k, j), 0);
    expectClose(out, [dot(0), dot(1), ...xv], { atol: 1e-5 });
    expect(() => apply(new L.Add({ name: 'bad_add' }), [a, x])).toThrow(
      /Add layer 'bad_add' \(input shapes \[\?,2\], \[\?,3\]\): an Add layer requires inputs/,
    );
    const y4 = tf.keras.Input([2, 2]);
    expect(() => apply(new L.Concatenate({ name: 'bad_cat' }), [a, y4])).toThrow(
      /Concatenate layer 'bad_cat'.*shapes except for the concat axis.*\[\?,2\], \[\?,2,2\]/,
    );
    expect(() => new L.Concatenate().apply(a)).toThrow(/at least 2 inputs/);
  });

  it('two inputs, two outputs, and a model used as a layer (shared weights)', async () => {
    const u = tf.keras.Input([2], { name: 'u' });
    const v = tf.keras.Input([2], { name: 'v' });
    const shared = new L.Dense(1, { name: 'shared', kernelInitializer: 'ones' });
    const m = new tf.keras.Model({ inputs: [u, v], outputs: [apply(shared, u), apply(shared, v)] });
    expect(m.outputNames()).toEqual(['shared', 'shared_1']);
    expect(m.weights).toHaveLength(2);
    const [pu, pv] = (await m.predict([Float32Array.of(1, 2), Float32Array.of(3, 4)])) as Tensor[];
    expect([pu.item(), pv.item()]).toEqual([3, 7]);
    const named = { u: Float32Array.of(1, 1), v: Float32Array.of(0, 0) };
    const byName = (await m.predict(named)) as Tensor[];
    expect(byName.map((t) => t.item())).toEqual([2, 0]);

    // A Sequential inside a functional model reuses its weights.
    const first = new L.Dense(2, { inputShape: [2], kernelInitializer: 'ones' });
    const inner = new tf.keras.Sequential({ name: 'inner', layers: [first] });
    const z = tf.keras.Input([2]);
    const top = apply(new L.Dense(1, { kernelInitializer: 'ones' }), apply(inner, z));
    const outer = new tf.keras.Model({ inputs: z, outputs: top });
    expect(outer.layers.map((l) => l.className)).toEqual(['InputLayer', 'Sequential', 'Dense']);
    expect(((await outer.predict(Float32Array.of(1, 2))) as Tensor).item()).toBe(6);
    expect(outer.countParams()).toBe(6 + 3);
  });

  it('errors: graph disconnected, non-Input inputs, duplicate names, eager mode', async () => {
    const x = tf.keras.Input([2]);
    const other = tf.keras.Input([2], { name: 'other' });
    const y = apply(new L.Add(), [x, other]);
    expect(() => new tf.keras.Model({ inputs: x, outputs: y }))
      .toThrow(/graph disconnected: cannot obtain value for tensor other:0 at layer 'other'/);
    const h = apply(new L.Dense(2), x);
    expect(() => new tf.keras.Model({ inputs: h, outputs: y })).toThrow(/must come from tf\.keras/);
    expect(() => new tf.keras.Model({ inputs: x } as never)).toThrow(/pass \{ inputs, outputs \}/);
    const d1 = apply(new L.Dense(2, { name: 'same' }), x);
    const twin = new L.Dense(2, { name: 'same' });
    expect(() => apply(twin, d1)).toThrow(/Variable same\/kernel already exists/);
    const model = new tf.keras.Model({ inputs: x, outputs: h });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    tf.enableEagerExecution();
    try {
      expect(() => new L.Dense(2)).toThrow(/tf\.keras in nodeflow works in graph mode only/);
      expect(() => tf.keras.Input([2])).toThrow(/graph mode only/);
      await expect(model.fit([[1, 2]], [[1, 2]])).rejects.toThrow(/\.fit: .* graph mode only/);
    } finally {
      tf.disableEagerExecution();
    }
  });

  it('a built layer applied to an input of another width names the layer and both shapes', () => {
    const dense = new L.Dense(3, { name: 'fc' });
    dense.apply(tf.keras.Input([4]));
    expect(() => dense.apply(tf.keras.Input([5]))).toThrow(
      /Input 0 of Dense layer 'fc' is incompatible with the layer: expected axis -1 of the/,
    );
    expect(() => dense.apply(tf.keras.Input([5]))).toThrow(
      /have value 4 \(it was built for shape \[\?,4\]\) but got shape \[\?,5\]/,
    );
    expect(() => dense.apply(inGraph(() => tf.constant([[1, 2, 3, 4]])))).not.toThrow();
  });
});

describe('summary', () => {
  it('prints the Keras table for a Sequential (shapes, params, totals)', () => {
    const m = new tf.keras.Sequential({
      name: 'mlp',
      layers: [
        new L.Dense(32, { inputShape: [784], activation: 'relu' }),
        new L.BatchNormalization(),
        new L.Dense(10, { activation: 'softmax' }),
      ],
    });
    expect(lines(m)).toEqual([
      'Model: "mlp"',
      '_'.repeat(65),
      'Layer (type)                 Output Shape              Param #',
      '='.repeat(65),
      'dense (Dense)                (None, 32)                25120',
      '_'.repeat(65),
      'batch_normalization (BatchNo (None, 32)                128',
      '_'.repeat(65),
      'dense_1 (Dense)              (None, 10)                330',
      '='.repeat(65),
      'Total params: 25,578',
      'Trainable params: 25,514',
      'Non-trainable params: 64',
      '_'.repeat(65),
    ]);
  });

  it('adds "Connected to" for a functional model with branches', () => {
    const x = tf.keras.Input([4], { name: 'in' });
    const a = apply(new L.Dense(2, { name: 'a' }), x);
    const b = apply(new L.Dense(2, { name: 'b' }), x);
    const cat = apply(new L.Concatenate({ name: 'cat' }), [a, b]);
    const out = lines(new tf.keras.Model({ inputs: x, outputs: cat, name: 'fn' }));
    expect(out[1]).toBe('_'.repeat(98));
    // Columns end at 32, 53, 65 and 98.
    const widths = [32, 21, 12];
    const row = (...cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('');
    expect(out[2]).toBe(row('Layer (type)', 'Output Shape', 'Param #', 'Connected to'));
    expect(out).toContain(row('in (InputLayer)', '(None, 4)', '0').trimEnd());
    expect(out).toContain(row('a (Dense)', '(None, 2)', '10', 'in[0][0]'));
    expect(out).toContain(row('cat (Concatenate)', '(None, 4)', '0', 'a[0][0]'));
    expect(out).toContain(`${' '.repeat(65)}b[0][0]`);
    expect(out).toContain('Total params: 20');
  });

  it('unbuilt models: summary, weights and empty predict fail with Keras messages', async () => {
    const m = new tf.keras.Sequential({ layers: [new L.Dense(2)] });
    expect(() => m.summary()).toThrow(/model has not yet been built.*model\.build\(inputShape\)/);
    expect(() => m.getWeights()).toThrow(/not yet been built/);
    expect(() => m.countParams()).toThrow(/not yet been built/);
    const empty = new tf.keras.Sequential();
    await expect(empty.predict([[1]])).rejects.toThrow(/the model has no layers/);
    await expect(m.predict(Float32Array.of(1, 2))).rejects.toThrow(/cannot infer the input shape/);
    expect(() => new L.Dense(2).countParams()).toThrow(/isn't built/);
  });
});

describe('weights', () => {
  it('getWeights / setWeights round trip, with shape errors naming the variable', () => {
    const m = new tf.keras.Sequential({ layers: [new L.Dense(2, { inputShape: [3] })] });
    expect(m.getWeights().map((t) => t.shape)).toEqual([[3, 2], [2]]);
    m.setWeights([new Float32Array(6).fill(1), Float32Array.of(5, 6)]);
    expect(Array.from(m.getWeights()[1].dataSync())).toEqual([5, 6]);
    expect(() => m.setWeights([new Float32Array(6)])).toThrow(/expected 2 values/);
    expect(() => m.setWeights([new Float32Array(4), new Float32Array(2)])).toThrow(/dense\/kernel/);
    m.layers[0].trainable = false;
    expect(m.trainableWeights).toHaveLength(0);
    expect(m.nonTrainableWeights).toHaveLength(2);
  });
});
