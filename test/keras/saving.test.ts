/**
 * Model files: save in a child process → load here → predict gives the same bits, and fit
 * continues from the restored optimizer state; round trips of functional models and of every
 * layer's config; corrupt or mismatched files and unknown custom objects fail clearly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { freshGraph, randomArray } from './helpers.js';
import { allWeights, convModel, imageData } from './save_data.js';

beforeEach(freshGraph);
const root = mkdtempSync(join(tmpdir(), 'nf-keras-save-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(root, `d${count++}`);

const L = tf.keras.layers;
/** The bit patterns of a float32 tensor (for exact comparisons). */
const bits = (t: Tensor | Tensor[]) => {
  const values = (t as Tensor).dataSync() as Float32Array;
  return Array.from(new Uint32Array(values.slice().buffer));
};
/** A file's bytes in an ArrayBuffer of their own (small reads share Node's buffer pool). */
const own = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);

const viteNode = new URL('../../node_modules/.bin/vite-node', import.meta.url).pathname;
const child = new URL('./save_child.ts', import.meta.url).pathname;

describe.skipIf(!existsSync(viteNode))('save in one process, load in another', () => {
  const title = 'predict gives identical outputs bit for bit; fit continues from the Adam state';
  it(title, { timeout: 120_000 }, async () => {
    const dir = fresh();
    const out = execFileSync(viteNode, [child, dir], { encoding: 'utf8', timeout: 100_000 });
    expect(out).toContain('saved');
    const model = await tf.keras.models.loadModel(join(dir, 'model'));
    expect(model.className).toBe('Sequential');
    expect(model.layers.map((l) => l.className))
      .toEqual(['Conv2D', 'BatchNormalization', 'MaxPooling2D', 'Flatten', 'Dense']);
    const { x, y } = imageData();
    const childPred = Array.from(new Uint32Array(own(readFileSync(join(dir, 'pred.bin')))));
    expect(bits((await model.predict(x)) as Tensor)).toEqual(childPred);
    // Optimizer state came back: 2 epochs × 5 batches.
    const st = model.optimizer!.state(model.graph!);
    expect(tf.keras.backend.getValue(st.iterations).item()).toBe(10);
    expect(model.optimizer!.className).toBe('Adam');
    // One more epoch here equals the child's extra epoch (same data order, same state).
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
    const childCont = new Float32Array(own(readFileSync(join(dir, 'cont.bin'))));
    const here = allWeights(model);
    expect(here.length).toBe(childCont.length);
    let worst = 0;
    here.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - childCont[i]))));
    expect(worst).toBeLessThan(1e-6);
    // Without the optimizer state the same epoch ends elsewhere (so the check above can fail).
    const bare = await tf.keras.models.loadModel(join(dir, 'model'), { compile: false });
    const adam = new tf.keras.optimizers.Adam(0.01);
    bare.compile({ optimizer: adam, loss: 'categoricalCrossentropy' });
    await bare.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
    let diff = 0;
    allWeights(bare).forEach((v, i) => (diff = Math.max(diff, Math.abs(v - childCont[i]))));
    expect(diff).toBeGreaterThan(1e-3);
  });
});

describe('round trips in one process', () => {
  it('a functional model with branches, shared layers, dropout and every layer kind', async () => {
    const ids = tf.keras.Input([4], { name: 'ids', dtype: 'int32' });
    const img = tf.keras.Input([4, 4, 2], { name: 'img' });
    // Each layer applied in turn: chain(x, a, b) = b.apply(a.apply(x)).
    const chain = (x: Tensor | Tensor[], ...layers: tf.keras.layers.Layer[]) =>
      layers.reduce<Tensor | Tensor[]>((t, l) => l.apply(t), x) as Tensor;
    const e = chain(ids, new L.Embedding(10, 3, { name: 'emb' }), new L.Flatten());
    const h = chain(
      img,
      new L.Conv2D(3, 3, { padding: 'same', activation: tf.nn.relu, name: 'c1' }),
      new L.AveragePooling2D(2),
      new L.ZeroPadding2D(1),
      new L.UpSampling2D(),
      new L.Conv2DTranspose(2, 2, { strides: 2, name: 'up' }),
      new L.LeakyReLU(0.2),
      new L.GlobalAveragePooling2D(),
      new L.Dense(12, { kernelRegularizer: tf.keras.regularizers.l2(0.01) }),
    );
    const shared = new L.Dense(5, { name: 'shared', activation: 'elu' });
    const both = [chain(e, shared), chain(h, shared)];
    const merged = chain(both, new L.Concatenate(), new L.Reshape([10]));
    const out = chain(
      [merged, merged],
      new L.Add(),
      new L.BatchNormalization(),
      new L.Dropout(0.3),
      new L.Dense(2),
      new L.Activation('softmax'),
    );
    const model = new tf.keras.Model({ inputs: [ids, img], outputs: out, name: 'everything' });
    const loss = 'sparseCategoricalCrossentropy';
    model.compile({ optimizer: 'rmsprop', loss, metrics: ['acc'] });
    const xi = Int32Array.from({ length: 24 }, (_, i) => i % 10);
    const xm = Float32Array.from(randomArray(6 * 32, 3));
    const yv = Int32Array.from({ length: 6 }, (_, i) => i % 2);
    await model.fit([xi, xm], yv, { epochs: 2, batchSize: 3, verbose: 0 });
    const dir = fresh();
    await model.save(dir);
    const back = await tf.keras.models.loadModel(dir);
    expect(back.name).toBe('everything');
    expect(back.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(back.getConfig()).toEqual(model.getConfig());
    const p1 = (await model.predict([xi, xm])) as Tensor;
    const p2 = (await back.predict([xi, xm])) as Tensor;
    expect(bits(p2)).toEqual(bits(p1));
    expect(back.graph).not.toBe(model.graph);
    // Both continue identically (no dropout randomness in evaluate).
    expect(await back.evaluate([xi, xm], yv, { verbose: 0 }))
      .toEqual(await model.evaluate([xi, xm], yv, { verbose: 0 }));
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const config = { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false };
    expect(json.trainingConfig.optimizer).toEqual({ className: 'RMSprop', config });
    expect(json.optimizerWeights.map((w: { role: string }) => w.role)).toContain('slot');
  });

  it('tf.train optimizers, custom functions (customObjects), weights files', async () => {
    const swish = function swish(t: Tensor) {
      return tf.mul(t, tf.sigmoid(t));
    };
    const myLoss = function myLoss(yt: Tensor, yp: Tensor) {
      return tf.reduceMean(tf.abs(tf.sub(yp, yt)), -1);
    };
    const mlp = () => [new L.Dense(3, { inputShape: [2], activation: swish }), new L.Dense(1)];
    const m = new tf.keras.Sequential({ layers: mlp() });
    m.compile({ optimizer: new tf.train.MomentumOptimizer(0.01, 0.9), loss: myLoss });
    const x = Float32Array.from(randomArray(8, 4));
    const y = Float32Array.from(randomArray(4, 5));
    await m.fit(x, y, { epochs: 2, verbose: 0 });
    const dir = fresh();
    await m.save(dir);
    // (The test transform may rename the functions: the file uses their .name.)
    const load = (customObjects: Record<string, unknown>) => {
      return tf.keras.models.loadModel(dir, { customObjects });
    };
    await expect(load({})).rejects.toThrow(
      new RegExp(`'dense' uses the activation '${swish.name}', which is not built in; pass`),
    );
    const noLoss = new RegExp(`unknown loss '${myLoss.name}'`);
    await expect(load({ [swish.name]: swish })).rejects.toThrow(noLoss);
    const back = await load({ [swish.name]: swish, [myLoss.name]: myLoss });
    expect(bits((await back.predict(x)) as Tensor)).toEqual(bits((await m.predict(x)) as Tensor));
    expect((back.optimizer as tf.keras.optimizers.TFOptimizer).tfClassName)
      .toBe('MomentumOptimizer');
    const wfile = join(fresh(), 'w.safetensors');
    await m.saveWeights(wfile);
    const twin = new tf.keras.Sequential({ layers: mlp() });
    await twin.loadWeights(wfile);
    expect(bits((await twin.predict(x)) as Tensor)).toEqual(bits((await m.predict(x)) as Tensor));
    const layers = [new L.Dense(4, { inputShape: [2] }), new L.Dense(1)];
    const other = new tf.keras.Sequential({ layers });
    await expect(other.loadWeights(wfile)).rejects.toThrow(
      /'dense_4\/kernel' is float32 \[2,4\] in the model but 'dense\/kernel' is float32 \[2,3\]/,
    );
  });

  it('corrupt, mismatched or missing files fail with a clear Error', async () => {
    const m = convModel();
    const dir = fresh();
    await m.save(dir);
    await expect(tf.keras.models.loadModel(join(root, 'nothing')))
      .rejects.toThrow(/cannot read .*model\.json: no such file/);
    const w = readFileSync(join(dir, 'weights.safetensors'));
    const flipped = Uint8Array.from(w);
    flipped[flipped.length - 1] ^= 0xff;
    writeFileSync(join(dir, 'weights.safetensors'), flipped);
    await expect(tf.keras.models.loadModel(dir))
      .rejects.toThrow(/does not match \(data CRC-32C .*\): the file is corrupt, or a save was/);
    writeFileSync(join(dir, 'weights.safetensors'), w);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    json.modelConfig.config.layers[0].className = 'Conv3D';
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    await expect(tf.keras.models.loadModel(dir))
      .rejects.toThrow(/unknown layer class 'Conv3D' \(a custom layer\? pass it in customObjects/);
    writeFileSync(join(dir, 'model.json'), '{"format": "other"}');
    await expect(tf.keras.models.loadModel(dir))
      .rejects.toThrow(/is not a nodeflow Keras model file/);
  });

  it('custom layers round trip through customObjects', async () => {
    class Scale extends tf.keras.layers.Layer {
      static override className = 'Scale';
      factor: number;
      constructor(args: tf.keras.layers.LayerArgs & { factor?: number } = {}) {
        super(args);
        this.factor = args.factor ?? 2;
      }
      override build(): void {
        this.addWeight('bias', [1], { initializer: tf.onesInitializer() });
      }
      override call(x: Tensor | Tensor[]): Tensor {
        return tf.add(tf.mul(x as Tensor, this.factor), this.weights[0]);
      }
      override getConfig() {
        return { ...super.getConfig(), factor: this.factor };
      }
    }
    const m = new tf.keras.Sequential({ layers: [new Scale({ factor: 3, inputShape: [2] })] });
    expect(lines(m)).toContain('scale (Scale)                (None, 2)                 1         ');
    const dir = fresh();
    await m.save(dir);
    await expect(tf.keras.models.loadModel(dir)).rejects.toThrow(/unknown layer class 'Scale'/);
    const back = await tf.keras.models.loadModel(dir, { customObjects: { Scale } });
    expect(Array.from(((await back.predict(Float32Array.of(1, 2))) as Tensor).dataSync()))
      .toEqual([4, 7]);
  });
});

function lines(m: tf.keras.Model): string[] {
  const out: string[] = [];
  m.summary({ printFn: (l) => out.push(l) });
  return out;
}
