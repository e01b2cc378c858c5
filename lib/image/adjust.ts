/**
 * tf.image flips and standardization, composed from ops (gradients come with them). Images are
 * [height, width, channels] or a batch [batch, height, width, channels], as in TF.
 */
import { shapeString } from '../dtype.js';
import type { TensorLike } from '../convert.js';
import { div, less, maximum, sub, where } from '../ops/binary.js';
import { asTensor, checkFloat } from '../ops/checks.js';
import { reduceMean } from '../ops/reduce.js';
import { randomUniform } from '../ops/random.js';
import { reverse } from '../ops/shape.js';
import { sqrt, square } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';

function image(x: TensorLike, what: string): Tensor {
  const t = asTensor(x, 'image', what);
  if (t.shape.length !== 3 && t.shape.length !== 4) {
    throw new Error(`${what}: image must be [height, width, channels] or [batch, height, width, channels], got ${shapeString(t.shape)}`);
  }
  return t;
}

/** The image mirrored left to right (TF's tf.image.flip_left_right). */
export function flipLeftRight(x: TensorLike): Tensor {
  const t = image(x, 'flipLeftRight');
  return reverse(t, [t.shape.length - 2]);
}

/** The image upside down (TF's tf.image.flip_up_down). */
export function flipUpDown(x: TensorLike): Tensor {
  const t = image(x, 'flipUpDown');
  return reverse(t, [t.shape.length - 3]);
}

/** Each image flipped with probability 1/2, drawn anew on each run (a batch needs its size known). */
function randomFlip(x: TensorLike, what: string, flip: (t: Tensor) => Tensor, seed?: number): Tensor {
  const t = image(x, what);
  const batch = t.shape.length === 4 ? t.shape[0] : 1;
  if (batch === null) throw new Error(`${what}: the batch size must be known, got ${shapeString(t.shape)}`);
  const draw = randomUniform(t.shape.length === 4 ? [batch, 1, 1, 1] : [1, 1, 1], { seed });
  return where(less(draw, 0.5), flip(t), t);
}

/** TF's tf.image.random_flip_left_right. */
export function randomFlipLeftRight(x: TensorLike, opts: { seed?: number } = {}): Tensor {
  return randomFlip(x, 'randomFlipLeftRight', flipLeftRight, opts.seed);
}

/** TF's tf.image.random_flip_up_down. */
export function randomFlipUpDown(x: TensorLike, opts: { seed?: number } = {}): Tensor {
  return randomFlip(x, 'randomFlipUpDown', flipUpDown, opts.seed);
}

/**
 * (x − mean) / max(stddev, 1/√N) per image, over its N = height·width·channels values (TF's
 * tf.image.per_image_standardization).
 */
export function perImageStandardization(x: TensorLike): Tensor {
  const t = image(x, 'perImageStandardization');
  checkFloat(t, 'image', 'perImageStandardization');
  const axes = t.shape.length === 4 ? [1, 2, 3] : [0, 1, 2];
  const n = t.shape.slice(-3).reduce<number | null>((a, d) => (a === null || d === null ? null : a * d), 1);
  if (n === null) throw new Error(`perImageStandardization: the image size must be known, got ${shapeString(t.shape)}`);
  const mean = reduceMean(t, axes, true);
  const centered = sub(t, mean);
  const std = sqrt(reduceMean(square(centered), axes, true));
  return div(centered, maximum(std, 1 / Math.sqrt(n)));
}
