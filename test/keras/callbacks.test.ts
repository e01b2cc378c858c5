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
const C = tf.keras.callbacks;
type Logs = tf.keras.callbacks.Logs;
const x = Float32Array.of(1, 2, 3, 4);
const y = Float32Array.of(2, 4, 6, 8);
const quiet = { verbose: 0 } as const;

/** y = w·x with w starting at 1 and SGD: the loss falls every epoch. */
function linear(lr = 0.01) {
  const layer = new L.Dense(1, { inputShape: [1], useBias: false, kernelInitializer: 'ones' });
  const m = new tf.keras.Sequential({ layers: [layer] });
  m.compile({ optimizer: new tf.keras.optimizers.SGD(lr), loss: 'mse' });
  return m;
}

/** A callback that puts fixed values for `key` into the epoch logs (listed before the others). */
const scripted = (key: string, values: number[]) => ({
  onEpochEnd: (epoch: number, logs: Logs) => {
    logs[key] = values[epoch];
  },
});

const weight = (m: tf.keras.Model) => m.getWeights()[0].item() as number;

describe('custom callbacks', () => {
  it('hooks run in order with Keras logs; subclasses and plain objects; stopTraining', async () => {
    const events: string[] = [];
    class Recorder extends C.Callback {
      override onTrainBegin() {
        events.push(`train_begin epochs=${this.params.epochs} steps=${this.params.steps}`);
      }
      override onEpochBegin(e: number) {
        events.push(`epoch_begin ${e}`);
      }
      override async onBatchEnd(b: number, logs: Logs) {
        await new Promise((r) => setTimeout(r, 1));
        events.push(`batch_end ${b} size=${logs.size} loss=${logs.loss > 0}`);
      }
      override onEpochEnd(e: number, logs: Logs) {
        events.push(`epoch_end ${e} ${Object.keys(logs).join(',')}`);
      }
      override onTrainEnd() {
        events.push('train_end');
      }
    }
    const m = linear();
    const begin = { onBatchBegin: (b: number) => void events.push(`batch_begin ${b}`) };
    const validationData = [x, y] as [unknown, unknown];
    const args = { epochs: 2, batchSize: 3, validationData, shuffle: false };
    await m.fit(x, y, { ...args, ...quiet, callbacks: [new Recorder(), begin] });
    const epoch = (e: number) => [
      `epoch_begin ${e}`,
      'batch_begin 0', 'batch_end 0 size=3 loss=true',
      'batch_begin 1', 'batch_end 1 size=1 loss=true',
      `epoch_end ${e} loss,val_loss`,
    ];
    expect(events).toEqual(['train_begin epochs=2 steps=2', ...epoch(0), ...epoch(1), 'train_end']);
    const stopper = {
      onBatchEnd(b: number) {
        if (b === 0) m.stopTraining = true;
      },
    };
    const h = await m.fit(x, y, { epochs: 5, batchSize: 1, ...quiet, callbacks: [stopper] });
    expect(h.epoch).toEqual([0]);
    const typo = { onEpochFinish: () => {} } as never;
    expect(() => new C.LambdaCallback(typo)).toThrow(/unknown hook 'onEpochFinish'/);
  });
});

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without an improvement larger than minDelta', async () => {
    const m = linear();
    const es = new C.EarlyStopping({ monitor: 'fake', patience: 2, minDelta: 0.1 });
    const callbacks = [scripted('fake', [5, 4, 3.95, 3.92, 1, 0]), es];
    const h = await m.fit(x, y, { epochs: 10, ...quiet, callbacks });
    // Best 4 at epoch 1; 3.95 and 3.92 improve by less than 0.1: stops at epoch 3.
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(es.stoppedEpoch).toBe(3);
  });

  it("mode 'auto' maximises accuracies; baseline must be beaten", async () => {
    const m = linear();
    const es = new C.EarlyStopping({ monitor: 'val_acc', patience: 1 });
    const callbacks = [scripted('val_acc', [0.5, 0.6, 0.55, 0.7]), es];
    expect((await m.fit(x, y, { epochs: 10, ...quiet, callbacks })).epoch).toEqual([0, 1, 2]);
    const b = new C.EarlyStopping({ monitor: 'loss', patience: 2, baseline: 0 });
    expect((await m.fit(x, y, { epochs: 10, ...quiet, callbacks: [b] })).epoch).toEqual([0, 1]);
  });

  it('restoreBestWeights puts back the weights of the best epoch', async () => {
    const m = linear();
    const seen: number[] = [];
    const record = { onEpochEnd: () => void seen.push(weight(m)) };
    const es = new C.EarlyStopping({ monitor: 'fake', patience: 2, restoreBestWeights: true });
    const callbacks = [scripted('fake', [3, 1, 2, 2.5]), record, es];
    await m.fit(x, y, { epochs: 10, batchSize: 4, ...quiet, callbacks });
    expect(seen).toHaveLength(4);
    expect(weight(m)).toBe(seen[1]);
    expect(seen[3]).not.toBe(seen[1]);
  });

  it('warns when the monitored key is missing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await linear().fit(x, y, { epochs: 1, ...quiet, callbacks: [new C.EarlyStopping()] });
    const message = /EarlyStopping conditioned on metric 'val_loss' which is not available.*: loss/;
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(message));
    warn.mockRestore();
  });
});

describe('ModelCheckpoint', () => {
  it('formats the path with the epoch and logs; saveBestOnly saves on improvements', async () => {
    const dir = fresh();
    const m = linear();
    const path = join(dir, 'm-{epoch:02d}-{fake:.2f}');
    const cb = new C.ModelCheckpoint(path, { monitor: 'fake', saveBestOnly: true });
    const callbacks = [scripted('fake', [3, 2.5, 2.7, 1.256]), cb];
    await m.fit(x, y, { epochs: 4, ...quiet, callbacks });
    expect(readdirSync(dir).sort()).toEqual(['m-01-3.00', 'm-02-2.50', 'm-04-1.26']);
    expect(existsSync(join(dir, 'm-04-1.26', 'model.json'))).toBe(true);
    const back = await tf.keras.models.loadModel(join(dir, 'm-04-1.26'));
    expect(weight(back)).toBe(weight(m));
    expect(() => new C.ModelCheckpoint('x-{epoch:%d}')).toThrow(/unsupported format '\{epoch:%d/);
  });

  it('saveWeightsOnly writes weights files every `period` epochs, for loadWeights', async () => {
    const dir = fresh();
    const m = linear();
    const opts = { saveWeightsOnly: true, period: 2 };
    const every2 = new C.ModelCheckpoint(join(dir, 'w{epoch}.st'), opts);
    await m.fit(x, y, { epochs: 4, ...quiet, callbacks: [every2] });
    expect(readdirSync(dir).sort()).toEqual(['w2.st', 'w4.st']);
    const other = linear();
    await other.loadWeights(join(dir, 'w4.st'));
    expect(weight(other)).toBe(weight(m));
    const unknown = new C.ModelCheckpoint(join(dir, '{nope}'));
    await expect(m.fit(x, y, { epochs: 1, ...quiet, callbacks: [unknown] }))
      .rejects.toThrow(/uses \{nope\}, which is not in the logs/);
  });
});

function expectLr(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 7));
}

describe('learning-rate callbacks', () => {
  it('ReduceLROnPlateau multiplies the rate the optimizer uses, after `patience`', async () => {
    const m = linear(0.01);
    const cb = new C.ReduceLROnPlateau({ monitor: 'fake', factor: 0.5, patience: 1, minLr: 0.003 });
    const weights: number[] = [];
    const record = { onEpochEnd: () => void weights.push(weight(m)) };
    const callbacks = [scripted('fake', [1, 1, 1, 1]), cb, record];
    const h = await m.fit(x, y, { epochs: 4, batchSize: 4, shuffle: false, ...quiet, callbacks });
    // 'lr' in the logs is the rate used during the epoch; the reduction applies from the next one.
    expectLr(h.history.lr, [0.01, 0.01, 0.005, 0.003]);
    // The last epoch's step used 0.003: Δw = −lr · dL/dw, dL/dw = 2/4 Σ x (x w − y).
    const w = weights[2];
    const grad = (2 / 4) * [1, 2, 3, 4].reduce((s, v) => s + v * (v * w - 2 * v), 0);
    expect(weights[3]).toBeCloseTo(w - 0.003 * grad, 5);
  });

  it('LearningRateScheduler sets the rate at each epoch; tf.train ones are refused', async () => {
    const m = linear(0.1);
    const schedule = new C.LearningRateScheduler((epoch, lr) => (epoch === 0 ? 0.02 : lr / 2));
    const h = await m.fit(x, y, { epochs: 3, ...quiet, callbacks: [schedule] });
    expectLr(h.history.lr, [0.02, 0.01, 0.005]);
    expect(tf.keras.utils.getLearningRate(m)).toBeCloseTo(0.005, 7);
    freshGraph();
    const t = new tf.keras.Sequential({ layers: [new L.Dense(1, { inputShape: [1] })] });
    t.compile({ optimizer: new tf.train.AdamOptimizer(0.1), loss: 'mse' });
    await expect(t.fit(x, y, { ...quiet, callbacks: [new C.ReduceLROnPlateau()] }))
      .rejects.toThrow(/learning rate is fixed in the graph; compile with a tf\.keras\.optimizers/);
    expect(() => new C.ReduceLROnPlateau({ factor: 1 })).toThrow(/factor must be in \[0, 1\)/);
  });
});

describe('CSVLogger, TerminateOnNaN, TensorBoard', () => {
  it('CSVLogger writes a header and one row per epoch; append continues the file', async () => {
    const file = join(fresh(), 'log.csv');
    const m = linear();
    const val = { validationData: [x, y] as [unknown, unknown], ...quiet };
    await m.fit(x, y, { epochs: 2, ...val, callbacks: [new C.CSVLogger(file)] });
    let rows = readFileSync(file, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('epoch,loss,val_loss');
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['0', '1']);
    expect(Number(rows[1].split(',')[1])).toBeCloseTo(m.history!.history.loss[0], 6);
    const append = new C.CSVLogger(file, { append: true, separator: ',' });
    await m.fit(x, y, { epochs: 1, ...val, callbacks: [append] });
    rows = readFileSync(file, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.startsWith('epoch'))).toHaveLength(1);
  });

  it('TerminateOnNaN stops at the first batch with a NaN loss', async () => {
    const m = linear(1e30);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const batches: number[] = [];
    const callbacks = [new C.TerminateOnNaN(), { onBatchEnd: (b: number) => void batches.push(b) }];
    const huge = new Float32Array(4).fill(1e30);
    const args = { epochs: 3, batchSize: 1, shuffle: false, ...quiet };
    const h = await m.fit(x, huge, { ...args, callbacks });
    expect(h.epoch).toEqual([0]);
    expect(batches.length).toBeLessThan(4);
    const message = /^Batch \d: Invalid loss, terminating training$/;
    expect(log).toHaveBeenCalledWith(expect.stringMatching(message));
    log.mockRestore();
  });

  it('TensorBoard writes the graph, epoch scalars, batch scalars and histograms', async () => {
    const dir = fresh();
    const m = linear();
    const tb = new C.TensorBoard({ logDir: dir, updateFreq: 'batch', histogramFreq: 1 });
    const val = { validationData: [x, y] as [unknown, unknown] };
    await m.fit(x, y, { epochs: 2, batchSize: 2, ...val, ...quiet, callbacks: [tb] });
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const events = [...tf.train.summaryIterator(join(dir, files[0]))];
    expect(events.some((e) => e.graphDef && e.graphDef.length > 100)).toBe(true);
    const values = events.flatMap((e) => {
      return (e.summary?.value ?? []).map((v) => ({ step: e.step, v }));
    });
    const scalars = (tag: string) => values.filter(({ v }) => v.tag === tag && 'simpleValue' in v);
    const loss = scalars('loss');
    expect(loss.map((s) => s.step)).toEqual([0, 1]);
    const last = loss[1].v as { simpleValue: number };
    expect(last.simpleValue).toBeCloseTo(m.history!.history.loss[1], 4);
    expect(scalars('val_loss')).toHaveLength(2);
    expect(scalars('batch_loss').map((s) => s.step)).toEqual([1, 2, 3, 4]);
    const histograms = values.filter(({ v }) => v.tag === 'dense/kernel' && 'histo' in v);
    expect(histograms).toHaveLength(2);
  });
});
