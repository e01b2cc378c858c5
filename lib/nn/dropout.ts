/** tf.nn.dropout: a fresh mask on every eager call and every Session.run. */
import { registerGrad } from '../grad_registry.js';
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import { Tensor } from '../tensor.js';
import { asTensor, checkFloat } from '../ops/checks.js';
import { mul, sub } from '../ops/binary.js';
import { randomStreamAttrs } from '../ops/random.js';

export interface DropoutOptions {
  /** Shape of the random mask, broadcast to x (1 = share the draw along that dim, -1 = x's size). */
  noiseShape?: number[];
  seed?: number;
  /** TF 2-style drop probability; alternative to keepProb (rate = 1 − keepProb). */
  rate?: number | Tensor;
}

/**
 * Keeps each element with probability keepProb, scaled by 1/keepProb; zero otherwise.
 * keepProb may be a number or a scalar tensor (e.g. a placeholder fed 1.0 at test time).
 *
 *   const h = tf.nn.dropout(hidden, keepProb);
 */
export function dropout(x: TensorLike, keepProb?: number | Tensor | null, opts: DropoutOptions & NameOption = {}): Tensor {
  const t = asTensor(x, 'x', 'dropout');
  checkFloat(t, 'x', 'dropout');
  if ((keepProb === undefined || keepProb === null) === (opts.rate === undefined)) {
    throw new Error('dropout: pass exactly one of keepProb and { rate }');
  }
  let keep: Tensor;
  if (opts.rate !== undefined) {
    if (typeof opts.rate === 'number' && !(opts.rate >= 0 && opts.rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${opts.rate}`);
    keep = typeof opts.rate === 'number' ? asTensor(1 - opts.rate, 'rate', 'dropout', t.dtype) : sub(1, opts.rate);
  } else {
    if (typeof keepProb === 'number' && !(keepProb > 0 && keepProb <= 1)) throw new Error(`dropout: keepProb must be in (0, 1], got ${keepProb}`);
    keep = asTensor(keepProb as number | Tensor, 'keepProb', 'dropout', t.dtype);
  }
  const attrs = { ...randomStreamAttrs(opts.seed), ...(opts.noiseShape ? { noise_shape: opts.noiseShape } : {}) };
  return named('dropout', opts.name, () => runOp('dropout', [t, keep], attrs)[0]);
}

// The mask (second output) holds 0 or 1/keepProb: the gradient is dy · mask.
registerGrad('dropout', (dys, { outputs }) => [mul(dys[0], outputs[1]), null]);
