/**
 * The examples run as users run them (top-level code importing 'nodeflow'), here on the shipped
 * Fashion-MNIST subset with one epoch, so CI keeps them working. Thresholds are for the subset;
 * the full-data targets are measured by running the examples themselves (see README).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fashionMnistSubsetDir } from '../../lib/datasets/index.js';

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  process.env.NODEFLOW_FASHION_MNIST_DIR = fashionMnistSubsetDir();
  process.env.EPOCHS = '3';
  vi.resetModules();
});
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.NODEFLOW_FASHION_MNIST_DIR;
  delete process.env.EPOCHS;
});

const lastNumber = (re: RegExp) => {
  const hits = lines.map((l) => re.exec(l)).filter((m): m is RegExpExecArray => !!m);
  expect(hits.length, `no line matching ${re} in:\n${lines.join('\n')}`).toBeGreaterThan(0);
  return Number(hits[hits.length - 1][1]);
};

describe('examples', { timeout: 120_000 }, () => {
  it('mlp (the issue’s program, verbatim) learns on the subset', async () => {
    await import('../../examples/mlp.js');
    expect(lines[0]).toMatch(/Fashion-MNIST \(subset\): 2000 train, 1000 test/);
    expect(lastNumber(/^test accuracy ([\d.]+)/)).toBeGreaterThan(0.7);
  });
  it('softmax regression learns on the subset', async () => {
    await import('../../examples/softmax_regression.js');
    expect(lastNumber(/test accuracy ([\d.]+)/)).toBeGreaterThan(0.65);
  });
  it('Boston regression fits (normalised test MSE)', async () => {
    await import('../../examples/boston_regression.js');
    expect(lastNumber(/test MSE \(normalised target\): ([\d.]+)/)).toBeLessThan(0.3);
  });
  it('ConvNet (tf.layers) learns on the subset', async () => {
    await import('../../examples/cnn.js');
    expect(lastNumber(/epoch 3: test accuracy ([\d.]+)/)).toBeGreaterThan(0.6);
  });
  it('matrix inverse converges', async () => {
    await import('../../examples/matrix_inverse.js');
    expect(lastNumber(/step 2000: loss ([\d.e+-]+)/)).toBeLessThan(1e-6);
  });
});
