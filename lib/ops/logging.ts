/**
 * tf.Print (TF 1.x): an identity of `input` that, each time it runs, writes `message` and a
 * summary of each tensor of `data` as one line to stderr (from the native kernel, so also in the
 * middle of a Session.run on its worker thread). Use its result in place of `input`, so that it
 * runs when `input` is needed:
 *
 *   h = tf.Print(h, [tf.reduceMean(h), tf.shape(h)], { message: 'h mean, shape: ' });
 *   // stderr, every step: h mean, shape: 0.4213[50 1024]
 */
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import { registerGrad } from '../grad_registry.js';
import type { Tensor } from '../tensor.js';
import { asTensor } from './checks.js';

export interface PrintOptions extends NameOption {
  /** Written before the tensors (default ''). */
  message?: string;
  /** Elements shown per tensor before "..." (default 3, as TF). */
  summarize?: number;
}

/** Returns `input` unchanged; prints `data` whenever it is computed (TF 1.x tf.Print). */
export function Print(input: TensorLike, data: TensorLike[] = [], opts: PrintOptions = {}): Tensor {
  const x = asTensor(input, 'input_', 'Print');
  if (!Array.isArray(data)) throw new Error(`Print: 'data' must be an array of tensors, got ${typeof data}`);
  const ts = data.map((d, i) => asTensor(d, `data[${i}]`, 'Print'));
  const message = opts.message ?? '';
  const summarize = opts.summarize ?? 3;
  if (typeof message !== 'string') throw new Error(`Print: message must be a string, got ${typeof message}`);
  if (!Number.isInteger(summarize) || summarize < 0) {
    throw new Error(`Print: summarize must be an integer >= 0, got ${summarize}`);
  }
  return named('Print', opts.name, () => runOp('print', [x, ...ts], { message, summarize })[0]);
}

// The gradient passes through to input; the printed data get none.
registerGrad('print', (dys, { inputs }) => [dys[0], ...inputs.slice(1).map(() => null)]);
