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
const { Progbar } = tf.keras.utils;

describe('Progbar', () => {
  it('on a terminal: redraws with \\r, throttles, pads shorter lines, ends with a newline', () => {
    const out = memoryStream(true);
    // Times: construction, then one per update.
    const now = clock(0, 1000, 1020, 2000, 4000);
    const bar = new Progbar({ target: 4, stream: out, now });
    bar.update(1, [['loss', 0.5], ['acc', 0.125]]);
    bar.update(2, [['loss', 0.4]]); // 20 ms later: skipped (interval 50 ms)
    bar.update(3, [['loss', 0.3]]);
    bar.update(4, [['loss', 0.25]]);
    bar.update(4, [['loss', 0.25]]); // after the end: nothing
    const first = '1/4 [======>.......................] - ETA: 3s - loss: 0.5000 - acc: 0.1250';
    const second = '3/4 [=====================>........] - ETA: 0s - loss: 0.3000';
    const last = '4/4 [==============================] - 4s 1s/step - loss: 0.2500';
    const pad = ' '.repeat(first.length - second.length);
    expect(out.text).toBe(`\r${first}\r${second}${pad}\r${last}\n`);
  });

  it('not on a terminal: a single line at the end; verbose 2 without the bar', () => {
    const out = memoryStream(false);
    const bar = new Progbar({ target: 120, stream: out, now: clock(0, 10, 20, 61500) });
    bar.update(1);
    bar.update(60, [['loss', 2]]);
    expect(out.text).toBe('');
    bar.update(120, [['loss', 0.123456], ['lr', 0.00001234]]);
    const full = `120/120 [${'='.repeat(30)}]`;
    expect(out.text).toBe(`${full} - 62s - loss: 0.1235 - lr: 1.2340e-05\n`);
    const two = memoryStream(true);
    const b2 = new Progbar({ target: 3, verbose: 2, stream: two, now: clock(0, 2400) });
    b2.update(3, [['loss', 1]]);
    expect(two.text).toBe('3/3 - 2s - loss: 1.0000\n');
  });

  it('ETA as m:ss and h:mm:ss, time per step in ms; Keras number formats', () => {
    const out = memoryStream(true);
    const now = clock(0, 2000, 100000, 190000);
    const bar = new Progbar({ target: 1000, stream: out, now });
    bar.update(10);
    expect(out.text).toContain(' 10/1000 [..............................] - ETA: 3:18');
    bar.update(11);
    expect(out.text).toContain(' - ETA: 2:29:50');
    bar.update(1000);
    expect(out.text.endsWith(`1000/1000 [${'='.repeat(30)}] - 190s 190ms/step\n`)).toBe(true);
    const formatted = [0.5, 0, -2e-5, 12345.678].map(formatValue);
    expect(formatted).toEqual(['0.5000', '0.0000e+00', '-2.0000e-05', '12345.6780']);
  });
});

describe('ProgbarLogger in fit', () => {
  const model = () => {
    const args = { inputShape: [1], kernelInitializer: 'ones', useBias: false };
    const layer = new tf.keras.layers.Dense(1, args);
    const m = new tf.keras.Sequential({ layers: [layer] });
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    return m;
  };
  const x = Float32Array.of(1, 2, 3, 4, 5);

  it('one line per epoch when the stream is not a terminal, with val_ metrics', async () => {
    const out = memoryStream(false);
    const m = model();
    const y = Float32Array.from(x, (v) => 2 * v);
    const logger = new tf.keras.callbacks.ProgbarLogger({ stream: out, now: () => 0 });
    const validationData = [x, y] as [unknown, unknown];
    const h = await m.fit(x, y, { epochs: 2, batchSize: 2, validationData, callbacks: [logger] });
    const line = (e: number) => {
      const hh = h.history;
      const f = formatValue;
      const values = `loss: ${f(hh.loss[e])} - mae: ${f(hh.mae[e])}`;
      const val = `val_loss: ${f(hh.val_loss[e])} - val_mae: ${f(hh.val_mae[e])}`;
      return `3/3 [==============================] - 0s - ${values} - ${val}`;
    };
    expect(out.text).toBe(['Epoch 1/2', line(0), 'Epoch 2/2', line(1), ''].join('\n'));
  });

  it('on a terminal: running means per step, redrawn in place, then the epoch line', async () => {
    const out = memoryStream(true);
    let t = 0;
    const logger = new tf.keras.callbacks.ProgbarLogger({ stream: out, now: () => (t += 100) });
    await model().fit(x, x, { epochs: 1, batchSize: 2, shuffle: false, callbacks: [logger] });
    const frames = out.text.split('\r');
    expect(frames[0]).toBe('Epoch 1/1\n');
    const zero = '0\\.0000e\\+00';
    const head = '^1/3 \\[={9}>\\.{20}\\] - ETA: 0s';
    expect(frames[1]).toMatch(new RegExp(`${head} - loss: ${zero} - mae: ${zero}$`));
    expect(frames[2]).toMatch(/^2\/3 \[===================>\.{10}\] - ETA: 0s - loss: /);
    expect(frames[3]).toMatch(/^3\/3 \[={30}\] - 0s \d+ms\/step - loss: .* - mae: .*\n$/);
  });

  it('verbose 1 writes process.stdout, a line per epoch off a terminal; 0 is silent', async () => {
    const writes: string[] = [];
    const write = (s: string | Uint8Array) => (writes.push(String(s)), true);
    vi.spyOn(process.stdout, 'write').mockImplementation(write);
    const tty = process.stdout.isTTY;
    Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
    try {
      await model().fit(x, x, { epochs: 2 });
      const num = '[\\d.e+-]+';
      const bar = '1/1 \\[={30}\\] - \\d+s';
      const epoch = (e: number) => `Epoch ${e}/2\n${bar} - loss: ${num} - mae: ${num}\n`;
      expect(writes.join('')).toMatch(new RegExp(`^${epoch(1)}${epoch(2)}$`));
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
