/**
 * The progress bar, exactly, with an injected stream and clock: redrawn in place with '\r' on a
 * terminal (steps, ETA, metrics; time per step at the end), one line per epoch otherwise.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as tf from '../../lib/index.js';
import { formatValue } from '../../lib/keras/callbacks/progbar.js';
import { freshGraph, memoryStream } from './helpers.js';

beforeEach(freshGraph);
afterEach(() => vi.restoreAllMocks());

/** A clock that returns the given times (ms) in turn. */
const clock = (...times: number[]) => {
  let i = 0;
  return () => times[Math.min(i++, times.length - 1)];
};

describe('Progbar', () => {
  it('on a terminal: redraws with \\r, throttles, pads shorter lines, ends with a newline', () => {
    const out = memoryStream(true);
    // Times: construction, then one per update.
    const bar = new tf.keras.utils.Progbar({ target: 4, stream: out, now: clock(0, 1000, 1020, 2000, 4000) });
    bar.update(1, [['loss', 0.5], ['acc', 0.125]]);
    bar.update(2, [['loss', 0.4]]); // 20 ms later: skipped (interval 50 ms)
    bar.update(3, [['loss', 0.3]]);
    bar.update(4, [['loss', 0.25]]);
    bar.update(4, [['loss', 0.25]]); // after the end: nothing
    const first = '1/4 [======>.......................] - ETA: 3s - loss: 0.5000 - acc: 0.1250';
    const second = '3/4 [=====================>........] - ETA: 0s - loss: 0.3000';
    const last = '4/4 [==============================] - 4s 1s/step - loss: 0.2500';
    expect(out.text)
      .toBe(`\r${first}\r${second}${' '.repeat(first.length - second.length)}\r${last}\n`);
  });
  it('not on a terminal: a single line at the end; verbose 2 without the bar', () => {
    const out = memoryStream(false);
    const bar = new tf.keras.utils.Progbar({ target: 120, stream: out, now: clock(0, 10, 20, 61500) });
    bar.update(1);
    bar.update(60, [['loss', 2]]);
    expect(out.text).toBe('');
    bar.update(120, [['loss', 0.123456], ['lr', 0.00001234]]);
    expect(out.text)
      .toBe('120/120 [==============================] - 62s - loss: 0.1235 - lr: 1.2340e-05\n');
    const two = memoryStream(true);
    const b2 = new tf.keras.utils.Progbar({ target: 3, verbose: 2, stream: two, now: clock(0, 2400) });
    b2.update(3, [['loss', 1]]);
    expect(two.text).toBe('3/3 - 2s - loss: 1.0000\n');
  });
  it('ETA as m:ss and h:mm:ss, time per step in ms; Keras number formats', () => {
    const out = memoryStream(true);
    const bar = new tf.keras.utils.Progbar({ target: 1000, stream: out, now: clock(0, 2000, 100000, 190000) });
    bar.update(10);
    expect(out.text).toContain(' 10/1000 [..............................] - ETA: 3:18');
    bar.update(11);
    expect(out.text).toContain(' - ETA: 2:29:50');
    bar.update(1000);
    expect(out.text.endsWith('1000/1000 [==============================] - 190s 190ms/step\n'))
      .toBe(true);
    expect([formatValue(0.5), formatValue(0), formatValue(-2e-5), formatValue(12345.678)])
      .toEqual(['0.5000', '0.0000e+00', '-2.0000e-05', '12345.6780']);
  });
});

describe('ProgbarLogger in fit', () => {
  const model = () => {
    const m = new tf.keras.Sequential({ layers: [new tf.keras.layers.Dense(1, { inputShape: [1], kernelInitializer: 'ones', useBias: false })] });
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    return m;
  };
  const x = Float32Array.of(1, 2, 3, 4, 5);

  it('one line per epoch when the stream is not a terminal, with val_ metrics', async () => {
    const out = memoryStream(false);
    const m = model();
    const y = Float32Array.from(x, (v) => 2 * v);
    const h = await m.fit(x, y, { epochs: 2, batchSize: 2, validationData: [x, y], callbacks: [new tf.keras.callbacks.ProgbarLogger({ stream: out, now: () => 0 })] });
    const f = formatValue;
    const hh = h.history;
    expect(out.text).toBe([
      'Epoch 1/2',
      `3/3 [==============================] - 0s - loss: ${f(hh.loss[0])} - mae: ${f(hh.mae[0])} - val_loss: ${f(hh.val_loss[0])} - val_mae: ${f(hh.val_mae[0])}`,
      'Epoch 2/2',
      `3/3 [==============================] - 0s - loss: ${f(hh.loss[1])} - mae: ${f(hh.mae[1])} - val_loss: ${f(hh.val_loss[1])} - val_mae: ${f(hh.val_mae[1])}`,
      '',
    ].join('\n'));
  });
  it('on a terminal: running means per step, redrawn in place, then the epoch line', async () => {
    const out = memoryStream(true);
    let t = 0;
    const m = model();
    await m.fit(x, x, { epochs: 1, batchSize: 2, shuffle: false, callbacks: [new tf.keras.callbacks.ProgbarLogger({ stream: out, now: () => (t += 100) })] });
    const frames = out.text.split('\r');
    expect(frames[0]).toBe('Epoch 1/1\n');
    expect(frames[1])
      .toMatch(/^1\/3 \[=========>\.{20}\] - ETA: 0s - loss: 0\.0000e\+00 - mae: 0\.0000e\+00$/);
    expect(frames[2]).toMatch(/^2\/3 \[===================>\.{10}\] - ETA: 0s - loss: /);
    expect(frames[3]).toMatch(/^3\/3 \[={30}\] - 0s \d+ms\/step - loss: .* - mae: .*\n$/);
  });
  it('verbose 1 writes to process.stdout (one line per epoch off a terminal); verbose 0 writes nothing', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (writes.push(String(s)), true));
    const tty = process.stdout.isTTY;
    Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
    try {
      await model().fit(x, x, { epochs: 2 });
      expect(writes.join(''))
        .toMatch(/^Epoch 1\/2\n1\/1 \[={30}\] - \d+s - loss: [\d.e+-]+ - mae: [\d.e+-]+\nEpoch 2\/2\n1\/1 .*\n$/);
      writes.length = 0;
      await model().fit(x, x, { epochs: 2, verbose: 0 });
      expect(writes).toEqual([]);
      await model().fit(x, x, { epochs: 1, verbose: 2 });
      expect(writes.join('')).toMatch(/^Epoch 1\/1\n1\/1 - \d+s - loss: /);
    } finally {
      Object.defineProperty(process.stdout, 'isTTY', { value: tty, configurable: true });
    }
  });
});
