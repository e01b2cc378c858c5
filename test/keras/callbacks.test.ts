/**
 * Every callback's behaviour: hook order and logs of custom callbacks, EarlyStopping (patience,
 * minDelta, restoreBestWeights, baseline), ModelCheckpoint (path formats, saveBestOnly,
 * saveWeightsOnly), ReduceLROnPlateau and LearningRateScheduler (the rate the optimizer really
 * uses), CSVLogger, TerminateOnNaN, TensorBoard (event file read back).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as tf from '../../lib/index.js';
import { freshGraph } from './helpers.js';

beforeEach(freshGraph);
const root = mkdtempSync(join(tmpdir(), 'nf-keras-cb-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `d${n++}`);

const L = tf.keras.layers;
const x = Float32Array.of(1, 2, 3, 4);
const y = Float32Array.of(2, 4, 6, 8);

/** y = w·x with w starting at 1 and SGD: the loss falls every epoch. */
function linear(lr = 0.01) {
  const m = new tf.keras.Sequential({ layers: [new L.Dense(1, { inputShape: [1], useBias: false, kernelInitializer: 'ones' })] });
  m.compile({ optimizer: new tf.keras.optimizers.SGD(lr), loss: 'mse' });
  return m;
}

/** A callback that feeds fixed values for `key` into the epoch logs (runs before the others). */
const scripted = (key: string, values: number[]) => ({
  onEpochEnd: (epoch: number, logs: tf.keras.callbacks.Logs) => {
    logs[key] = values[epoch];
  },
});

describe('custom callbacks', () => {
  it('hooks run in order with Keras logs; a subclass and a plain object both work; stopTraining', async () => {
    const events: string[] = [];
    class Recorder extends tf.keras.callbacks.Callback {
      override onTrainBegin() { events.push(`train_begin epochs=${this.params.epochs} steps=${this.params.steps}`); }
      override onEpochBegin(e: number) { events.push(`epoch_begin ${e}`); }
      override async onBatchEnd(b: number, logs: tf.keras.callbacks.Logs) {
        await new Promise((r) => setTimeout(r, 1));
        events.push(`batch_end ${b} size=${logs.size} loss=${logs.loss > 0}`);
      }
      override onEpochEnd(e: number, logs: tf.keras.callbacks.Logs) { events.push(`epoch_end ${e} ${Object.keys(logs).join(',')}`); }
      override onTrainEnd() { events.push('train_end'); }
    }
    const m = linear();
    await m.fit(x, y, { epochs: 2, batchSize: 3, verbose: 0, validationData: [x, y], shuffle: false, callbacks: [
      new Recorder(),
      { onBatchBegin: (b) => void events.push(`batch_begin ${b}`) },
    ] });
    expect(events).toEqual([
      'train_begin epochs=2 steps=2',
      'epoch_begin 0', 'batch_begin 0', 'batch_end 0 size=3 loss=true', 'batch_begin 1', 'batch_end 1 size=1 loss=true', 'epoch_end 0 loss,val_loss',
      'epoch_begin 1', 'batch_begin 0', 'batch_end 0 size=3 loss=true', 'batch_begin 1', 'batch_end 1 size=1 loss=true', 'epoch_end 1 loss,val_loss',
      'train_end',
    ]);
    const stopper = { onBatchEnd(this: unknown, b: number) { if (b === 0) m.stopTraining = true; } };
    const h = await m.fit(x, y, { epochs: 5, batchSize: 1, verbose: 0, callbacks: [stopper] });
    expect(h.epoch).toEqual([0]);
    expect(() => new tf.keras.callbacks.LambdaCallback({ onEpochFinish: () => {} } as never))
      .toThrow(/unknown hook 'onEpochFinish'/);
  });
});

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without an improvement larger than minDelta', async () => {
    const m = linear();
    const es = new tf.keras.callbacks.EarlyStopping({ monitor: 'fake', patience: 2, minDelta: 0.1 });
    const h = await m.fit(x, y, { epochs: 10, verbose: 0, callbacks: [scripted('fake', [5, 4, 3.95, 3.92, 1, 0]), es] });
    // Best 4 at epoch 1; 3.95 and 3.92 improve by less than 0.1: stops at epoch 3.
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(es.stoppedEpoch).toBe(3);
  });
  it("mode 'auto' maximises accuracies; baseline must be beaten", async () => {
    const m = linear();
    const es = new tf.keras.callbacks.EarlyStopping({ monitor: 'val_acc', patience: 1 });
    const h = await m.fit(x, y, { epochs: 10, verbose: 0, callbacks: [scripted('val_acc', [0.5, 0.6, 0.55, 0.7]), es] });
    expect(h.epoch).toEqual([0, 1, 2]);
    const b = new tf.keras.callbacks.EarlyStopping({ monitor: 'loss', patience: 2, baseline: 0 });
    expect((await m.fit(x, y, { epochs: 10, verbose: 0, callbacks: [b] })).epoch).toEqual([0, 1]);
  });
  it('restoreBestWeights puts back the weights of the best epoch', async () => {
    const m = linear();
    const seen: number[] = [];
    const record = { onEpochEnd: () => void seen.push(m.getWeights()[0].item() as number) };
    const es = new tf.keras.callbacks.EarlyStopping({ monitor: 'fake', patience: 2, restoreBestWeights: true });
    await m.fit(x, y, { epochs: 10, batchSize: 4, verbose: 0, callbacks: [scripted('fake', [3, 1, 2, 2.5]), record, es] });
    expect(seen).toHaveLength(4);
    expect(m.getWeights()[0].item()).toBe(seen[1]);
    expect(seen[3]).not.toBe(seen[1]);
  });
  it('warns when the monitored key is missing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await linear().fit(x, y, { epochs: 1, verbose: 0, callbacks: [new tf.keras.callbacks.EarlyStopping()] });
    expect(warn)
      .toHaveBeenCalledWith(expect.stringMatching(/EarlyStopping conditioned on metric 'val_loss' which is not available. Available metrics are: loss/));
    warn.mockRestore();
  });
});

describe('ModelCheckpoint', () => {
  it('formats the path with the epoch and logs; saveBestOnly saves on improvements only', async () => {
    const dir = fresh();
    const m = linear();
    const cb = new tf.keras.callbacks.ModelCheckpoint(join(dir, 'm-{epoch:02d}-{fake:.2f}'), { monitor: 'fake', saveBestOnly: true });
    await m.fit(x, y, { epochs: 4, verbose: 0, callbacks: [scripted('fake', [3, 2.5, 2.7, 1.256]), cb] });
    expect(readdirSync(dir).sort()).toEqual(['m-01-3.00', 'm-02-2.50', 'm-04-1.26']);
    expect(existsSync(join(dir, 'm-04-1.26', 'model.json'))).toBe(true);
    const back = await tf.keras.models.loadModel(join(dir, 'm-04-1.26'));
    expect(back.getWeights()[0].item()).toBe(m.getWeights()[0].item());
    expect(() => new tf.keras.callbacks.ModelCheckpoint('x-{epoch:%d}'))
      .toThrow(/unsupported format '\{epoch:%d\}'/);
  });
  it('saveWeightsOnly writes weights files every `period` epochs, loadable with loadWeights', async () => {
    const dir = fresh();
    const m = linear();
    await m.fit(x, y, { epochs: 4, verbose: 0, callbacks: [new tf.keras.callbacks.ModelCheckpoint(join(dir, 'w{epoch}.safetensors'), { saveWeightsOnly: true, period: 2 })] });
    expect(readdirSync(dir).sort()).toEqual(['w2.safetensors', 'w4.safetensors']);
    const other = linear();
    await other.loadWeights(join(dir, 'w4.safetensors'));
    expect(other.getWeights()[0].item()).toBe(m.getWeights()[0].item());
    await expect(m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new tf.keras.callbacks.ModelCheckpoint(join(dir, '{nope}'))] }))
      .rejects.toThrow(/uses \{nope\}, which is not in the logs/);
  });
});

describe('learning-rate callbacks', () => {
  it('ReduceLROnPlateau multiplies the optimizer\'s rate (as the update uses it) after `patience` epochs', async () => {
    const m = linear(0.01);
    const cb = new tf.keras.callbacks.ReduceLROnPlateau({ monitor: 'fake', factor: 0.5, patience: 1, minLr: 0.003 });
    const weights: number[] = [];
    const rec = { onEpochEnd: () => void weights.push(m.getWeights()[0].item() as number) };
    const h = await m.fit(x, y, { epochs: 4, batchSize: 4, verbose: 0, shuffle: false, callbacks: [scripted('fake', [1, 1, 1, 1]), cb, rec] });
    // 'lr' in the logs is the rate used during the epoch; the reduction applies from the next one.
    expectLr(h.history.lr, [0.01, 0.01, 0.005, 0.003]);
    // The step of the last epoch used the reduced rate: Δw = lr · (−dL/dw), dL/dw = 2/4 Σ x(xw − y).
    const w = weights[2];
    const grad = (2 / 4) * [1, 2, 3, 4].reduce((s, v) => s + v * (v * w - 2 * v), 0);
    expect(weights[3]).toBeCloseTo(w - 0.003 * grad, 5);
  });
  it('LearningRateScheduler sets the rate at each epoch start; tf.train optimizers are refused', async () => {
    const m = linear(0.1);
    const h = await m.fit(x, y, { epochs: 3, verbose: 0, callbacks: [new tf.keras.callbacks.LearningRateScheduler((epoch, lr) => (epoch === 0 ? 0.02 : lr / 2))] });
    expectLr(h.history.lr, [0.02, 0.01, 0.005]);
    expect(tf.keras.utils.getLearningRate(m)).toBeCloseTo(0.005, 7);
    freshGraph();
    const t = new tf.keras.Sequential({ layers: [new L.Dense(1, { inputShape: [1] })] });
    t.compile({ optimizer: new tf.train.AdamOptimizer(0.1), loss: 'mse' });
    await expect(t.fit(x, y, { verbose: 0, callbacks: [new tf.keras.callbacks.ReduceLROnPlateau()] }))
      .rejects.toThrow(/learning rate is fixed in the graph; compile with a tf\.keras\.optimizers optimizer/);
    expect(() => new tf.keras.callbacks.ReduceLROnPlateau({ factor: 1 }))
      .toThrow(/factor must be in \[0, 1\)/);
  });
});

function expectLr(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 7));
}

describe('CSVLogger, TerminateOnNaN, TensorBoard', () => {
  it('CSVLogger writes a header and one row per epoch; append continues the file', async () => {
    const file = join(fresh(), 'log.csv');
    const m = linear();
    await m.fit(x, y, { epochs: 2, verbose: 0, validationData: [x, y], callbacks: [new tf.keras.callbacks.CSVLogger(file)] });
    let rows = readFileSync(file, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('epoch,loss,val_loss');
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['0', '1']);
    expect(Number(rows[1].split(',')[1])).toBeCloseTo(m.history!.history.loss[0], 6);
    await m.fit(x, y, { epochs: 1, verbose: 0, validationData: [x, y], callbacks: [new tf.keras.callbacks.CSVLogger(file, { append: true, separator: ',' })] });
    rows = readFileSync(file, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.startsWith('epoch'))).toHaveLength(1);
  });
  it('TerminateOnNaN stops at the first batch with a NaN loss', async () => {
    const m = linear(1e30);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const batches: number[] = [];
    const h = await m.fit(x, Float32Array.of(1e30, 1e30, 1e30, 1e30), { epochs: 3, batchSize: 1, verbose: 0, shuffle: false, callbacks: [
      new tf.keras.callbacks.TerminateOnNaN(),
      { onBatchEnd: (b) => void batches.push(b) },
    ] });
    expect(h.epoch).toEqual([0]);
    expect(batches.length).toBeLessThan(4);
    expect(log)
      .toHaveBeenCalledWith(expect.stringMatching(/^Batch \d: Invalid loss, terminating training$/));
    log.mockRestore();
  });
  it('TensorBoard writes the graph and per-epoch scalars (and batch scalars and histograms on request)', async () => {
    const dir = fresh();
    const m = linear();
    await m.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0, validationData: [x, y], callbacks: [new tf.keras.callbacks.TensorBoard({ logDir: dir, updateFreq: 'batch', histogramFreq: 1 })] });
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const events = [...tf.train.summaryIterator(join(dir, files[0]))];
    expect(events.some((e) => e.graphDef && e.graphDef.length > 100)).toBe(true);
    const scalars = events.flatMap((e) => (e.summary?.value ?? []).map((v) => ({ step: e.step, tag: v.tag, v: 'simpleValue' in v ? v.simpleValue : 'histo' in v ? 'histo' : null })));
    const epochLoss = scalars.filter((s) => s.tag === 'loss');
    expect(epochLoss.map((s) => s.step)).toEqual([0, 1]);
    expect(epochLoss[1].v).toBeCloseTo(m.history!.history.loss[1], 4);
    expect(scalars.filter((s) => s.tag === 'val_loss')).toHaveLength(2);
    expect(scalars.filter((s) => s.tag === 'batch_loss').map((s) => s.step)).toEqual([1, 2, 3, 4]);
    expect(scalars.filter((s) => s.tag === 'dense/kernel' && s.v === 'histo')).toHaveLength(2);
  });
});
