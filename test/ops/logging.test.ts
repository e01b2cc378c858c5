/** tf.Print: identity forward and gradient; what it writes to stderr (in a child process). */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/index.js';
import { checkOp, withEager } from '../helpers/check_op.js';

describe('tf.Print', () => {
  // The op under test prints one line (the message) per run to the test log.
  checkOp('print', {
    name: 'Print: identity of input (forward, gradient, graph)',
    fn: (x, d) => tf.Print(x, [d], { message: '(checkOp print test) ', summarize: 1 }),
    shapes: [[3, 4], [2]],
    ref: ([x]) => x,
    wrt: [0],
  });

  const viteNode = join(new URL('../../node_modules/.bin/vite-node', import.meta.url).pathname);
  const child = new URL('./logging_child.ts', import.meta.url).pathname;
  it.runIf(existsSync(viteNode))('writes the message and summarised tensors to stderr on every run, in graph and eager mode', () => {
    const r = spawnSync(viteNode, [child], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual([[2, 4, 6], [8, 10, 12]]);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('step: ') || l.startsWith('eager ') || l.startsWith('['));
    expect(lines).toEqual([
      'step: 3.5[2 3][[1 2 3][4 ...]][1 0]',
      'step: -0.166667[1 3][[0.5 -1 1e-07]][1 0]',
      'eager 7[[][]][...]',
      '[[1 2][3 ...]]',
    ]);
  });

  it('rejects bad options, naming the op', () =>
    withEager(() => {
      const x = tf.constant([1, 2]);
      expect(() => tf.Print(x, [x], { summarize: -1 })).toThrow(/Print: summarize must be an integer >= 0, got -1/);
      expect(() => tf.Print(x, [x], { message: 5 as unknown as string })).toThrow(/Print: message must be a string/);
      expect(() => tf.Print(x, x as unknown as tf.Tensor[])).toThrow(/Print: 'data' must be an array/);
    }));
});
