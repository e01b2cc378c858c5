/**
 * tf.keras.metrics: per-example metric functions (yTrue, yPred) → [batch], averaged over each
 * batch and then over the epoch (weighted by batch size). 'accuracy' / 'acc' picks binary,
 * sparse categorical or categorical accuracy from the loss and the output shape, as Keras does.
 */
import type { Tensor } from '../tensor.js';
import { equal, greater } from '../ops/binary.js';
import { cast } from '../ops/index_ops.js';
import { argmax, reduceMean } from '../ops/reduce.js';
import type { Loss } from './losses.js';
import {
  binaryCrossentropy, categoricalCrossentropy, meanAbsoluteError, meanSquaredError,
  sparseCategoricalCrossentropy,
} from './losses.js';

export type MetricFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Fraction of entries where (yPred > threshold) equals yTrue, per example. */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Tensor {
  const hit = equal(yTrue, cast(greater(yPred, threshold), yTrue.dtype));
  return reduceMean(cast(hit, yPred.dtype), -1);
}

/** 1 where argmax(yPred) equals argmax(yTrue) (one-hot targets), else 0. */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  return cast(equal(argmax(yTrue, -1), argmax(yPred, -1)), yPred.dtype);
}

/** 1 where argmax(yPred) equals the class id yTrue, else 0. */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const ids = yTrue.dtype === 'int32' ? yTrue : cast(yTrue, 'int32');
  return cast(equal(ids, argmax(yPred, -1)), yPred.dtype);
}

const BY_NAME: Record<string, MetricFunction> = {
  binaryaccuracy: binaryAccuracy,
  categoricalaccuracy: categoricalAccuracy,
  sparsecategoricalaccuracy: sparseCategoricalAccuracy,
  meansquarederror: meanSquaredError,
  mse: meanSquaredError,
  meanabsoluteerror: meanAbsoluteError,
  mae: meanAbsoluteError,
  categoricalcrossentropy: (t, p) => categoricalCrossentropy(t, p),
  sparsecategoricalcrossentropy: (t, p) => sparseCategoricalCrossentropy(t, p),
  binarycrossentropy: (t, p) => binaryCrossentropy(t, p),
};

/** A metric given to compile: a name or a function (yTrue, yPred) → [batch]. */
export type MetricIdentifier = string | MetricFunction;

/**
 * The metric function and its name in logs/History (the user's spelling: 'acc' stays 'acc').
 * `outputShape` and `loss` choose what 'accuracy' means.
 */
export function getMetric(
  id: MetricIdentifier,
  loss: Loss,
  outputShape: (number | null)[],
  what = 'compile',
): { name: string; fn: MetricFunction } {
  if (typeof id === 'function') return { name: id.name || 'metric', fn: id };
  if (typeof id !== 'string') {
    throw new Error(
      `${what}: a metric must be a name or a function (yTrue, yPred) => Tensor, got ` +
        `${id === null ? 'null' : typeof id}`,
    );
  }
  const key = id.replace(/_/g, '').toLowerCase();
  if (key === 'accuracy' || key === 'acc') {
    const last = outputShape[outputShape.length - 1];
    if (loss.kind === 'binary' || last === 1) {
      // On logits the decision boundary is 0, not 0.5.
      const threshold = loss.fromLogits ? 0 : 0.5;
      return { name: id, fn: (t, p) => binaryAccuracy(t, p, threshold) };
    }
    const fn = loss.kind === 'sparse' ? sparseCategoricalAccuracy : categoricalAccuracy;
    return { name: id, fn };
  }
  const fn = BY_NAME[key];
  if (!fn) {
    throw new Error(
      `${what}: unknown metric '${id}' (known: accuracy or acc, binaryAccuracy, ` +
        `categoricalAccuracy, sparseCategoricalAccuracy, mse, mae, the cross-entropies; or ` +
        `pass a function)`,
    );
  }
  return { name: id, fn };
}
