/**
 * Softmax family (tf.nn): softmax, logSoftmax, and the fused, numerically stable cross-entropies
 * (softmax, sparse softmax, sigmoid). The softmax cross-entropy kernels return the per-example
 * loss and the backprop term softmax(logits) − labels, as TF's SoftmaxCrossEntropyWithLogits.
 */
import { registerGrad } from '../grad_registry.js';
import type { TensorLike } from '../convert.js';
import { shapeString } from '../dtype.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { asTensor, checkDType, checkFloat } from './checks.js';

function logitsArg(logits: TensorLike, op: string, axis?: number): Tensor {
  const t = asTensor(logits, 'logits', op);
  checkFloat(t, 'logits', op);
  if (t.rank < 1) throw new Error(`${op}: expected logits of rank >= 1, got a scalar`);
  if (axis !== undefined && (!Number.isInteger(axis) || axis < -t.rank || axis >= t.rank)) {
    throw new Error(`${op}: axis ${axis} is out of range for logits ${t.dtype} ${shapeString(t.shape)}`);
  }
  return t;
}

/** exp(x) / Σ exp(x) along `axis` (max-shifted: stable for any logits).  `tf.nn.softmax(logits)` */
export function softmax(logits: TensorLike, axis = -1, opts: NameOption = {}): Tensor {
  return named('softmax', opts.name, () => runOp('softmax', [logitsArg(logits, 'softmax', axis)], { axis })[0]);
}

/** x − log Σ exp(x) along `axis`, stably.  `const logp = tf.nn.logSoftmax(logits);` */
export function logSoftmax(logits: TensorLike, axis = -1, opts: NameOption = {}): Tensor {
  return named('logSoftmax', opts.name, () => runOp('log_softmax', [logitsArg(logits, 'log_softmax', axis)], { axis })[0]);
}

export interface SoftmaxXentArgs {
  labels: TensorLike;
  logits: TensorLike;
  /** The class axis (default -1). */
  axis?: number;
}

function xent(args: SoftmaxXentArgs, labelsGrad: boolean, op: string): Tensor {
  if (!args || typeof args !== 'object') throw new Error(`${op}: expected an object { labels, logits }`);
  const axis = args.axis ?? -1;
  const logits = logitsArg(args.logits, op, axis);
  const labels = asTensor(args.labels, 'labels', op, logits.dtype);
  checkDType(labels, 'labels', op, [logits.dtype]);
  return runOp('softmax_cross_entropy', [logits, labels], { axis, labelsGrad })[0];
}

/**
 * −Σ labels · log softmax(logits) along the class axis; the loss has logits' shape without it.
 * As TF 1.x, no gradient flows into labels (use the V2 op for that).
 *
 *   const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }));
 */
export function softmaxCrossEntropyWithLogits(args: SoftmaxXentArgs & NameOption): Tensor {
  return named('softmaxCrossEntropyWithLogits', args.name, () => xent(args, false, 'softmax_cross_entropy'));
}

/** As softmaxCrossEntropyWithLogits, but gradients also flow into labels (TF 1.x V2). */
export function softmaxCrossEntropyWithLogitsV2(args: SoftmaxXentArgs & NameOption): Tensor {
  return named('softmaxCrossEntropyWithLogitsV2', args.name, () => xent(args, true, 'softmax_cross_entropy'));
}

/**
 * Softmax cross-entropy with int32 class indices: labels [..] for logits [.., C]; a label
 * outside [0, C) is an Error.  `tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits })`
 */
export function sparseSoftmaxCrossEntropyWithLogits(args: { labels: TensorLike; logits: TensorLike } & NameOption): Tensor {
  const op = 'sparse_softmax_cross_entropy';
  if (!args || typeof args !== 'object') throw new Error(`${op}: expected an object { labels, logits }`);
  const logits = logitsArg(args.logits, op);
  const labels = asTensor(args.labels, 'labels', op, 'int32');
  checkDType(labels, 'labels', op, ['int32']);
  return named('sparseSoftmaxCrossEntropyWithLogits', args.name, () => runOp('sparse_softmax_cross_entropy', [logits, labels])[0]);
}

/**
 * Elementwise max(x, 0) − x·z + log1p(exp(−|x|)) (= −z·log σ(x) − (1−z)·log(1−σ(x)), stably).
 *
 *   const loss = tf.nn.sigmoidCrossEntropyWithLogits({ labels: z, logits: x });
 */
export function sigmoidCrossEntropyWithLogits(args: { labels: TensorLike; logits: TensorLike } & NameOption): Tensor {
  const op = 'sigmoid_cross_entropy';
  if (!args || typeof args !== 'object') throw new Error(`${op}: expected an object { labels, logits }`);
  const logits = asTensor(args.logits, 'logits', op);
  checkFloat(logits, 'logits', op);
  const labels = asTensor(args.labels, 'labels', op, logits.dtype);
  checkDType(labels, 'labels', op, [logits.dtype]);
  return named('sigmoidCrossEntropyWithLogits', args.name, () => runOp('sigmoid_cross_entropy', [logits, labels])[0]);
}

registerGrad('softmax', (dys, { outputs: [y], attrs }) => [runOp('softmax_backward', [dys[0], y], attrs)[0]]);
registerGrad('log_softmax', (dys, { outputs: [y], attrs }) => [runOp('log_softmax_backward', [dys[0], y], attrs)[0]]);
// NOTE: only the loss output is exposed, so dys[1] (for backprop) is ignored.
registerGrad('softmax_cross_entropy', (dys, { inputs: [logits], outputs: [, backprop], attrs }) => {
  if (!attrs.labelsGrad) return [runOp('softmax_cross_entropy_backward', [dys[0], backprop], { axis: attrs.axis })[0], null];
  const [dx, dz] = runOp('softmax_cross_entropy_backward', [dys[0], backprop, logits], { axis: attrs.axis });
  return [dx, dz];
});
registerGrad('sparse_softmax_cross_entropy', (dys, { outputs: [, backprop] }) => [
  runOp('softmax_cross_entropy_backward', [dys[0], backprop], { axis: -1 })[0],
  null,
]);
registerGrad('sigmoid_cross_entropy', (dys, { inputs: [logits, labels] }) =>
  runOp('sigmoid_cross_entropy_backward', [dys[0], logits, labels]),
);
for (const op of ['softmax_backward', 'log_softmax_backward', 'softmax_cross_entropy_backward', 'sigmoid_cross_entropy_backward']) {
  registerGrad(op, () => {
    throw new Error(`gradients: the second-order gradient through '${op}' is not implemented`);
  });
}
