/**
 * The fused optimizer update ops (TF 1.x training_ops / tf.raw_ops.Apply*): each updates `var`
 * and its slots in place (graph mode: the Session's stored variable; eager: the Variable's
 * buffer) and returns `var`. Hyperparameters are scalar tensors of var's dtype (a JS number
 * becomes one), so they may be placeholders or decayed values. Not differentiable.
 */
import type { TensorLike } from '../convert.js';
import { runOp } from '../engine.js';
import { registerNonDifferentiable } from '../grad_registry.js';
import type { Tensor } from '../tensor.js';
import { asTensor, checkFloat } from '../ops/checks.js';

/** Checks var, converts every other argument (numbers take var's dtype), runs the op. */
function apply(op: string, fn: string, names: string[], args: TensorLike[], attrs = {}): Tensor {
  const v = asTensor(args[0], names[0], fn);
  checkFloat(v, names[0], fn);
  const inputs = args.map((a, i) => (i === 0 ? v : asTensor(a, names[i], fn, v.dtype)));
  return runOp(op, inputs, attrs)[0];
}

/**
 * var -= alpha * delta.
 *
 *   train.applyGradientDescent(W, 0.1, dW);
 */
export function applyGradientDescent(v: Tensor, alpha: TensorLike, delta: TensorLike): Tensor {
  return apply('apply_gradient_descent', 'applyGradientDescent', ['var', 'alpha', 'delta'], [v, alpha, delta]);
}

/**
 * accum = accum * momentum + grad; var -= lr * accum
 * (Nesterov: var -= grad * lr + accum * momentum * lr).
 */
export function applyMomentum(
  v: Tensor, accum: Tensor, lr: TensorLike, grad: TensorLike, momentum: TensorLike,
  opts: { useNesterov?: boolean } = {},
): Tensor {
  return apply('apply_momentum', 'applyMomentum', ['var', 'accum', 'lr', 'grad', 'momentum'],
    [v, accum, lr, grad, momentum], { use_nesterov: !!opts.useNesterov });
}

/** accum += grad²; var -= lr * grad / sqrt(accum). */
export function applyAdagrad(v: Tensor, accum: Tensor, lr: TensorLike, grad: TensorLike): Tensor {
  return apply('apply_adagrad', 'applyAdagrad', ['var', 'accum', 'lr', 'grad'], [v, accum, lr, grad]);
}

/**
 * accum = rho·accum + (1−rho)·grad²; update = sqrt(accum_update + ε) / sqrt(accum + ε) · grad;
 * var -= lr · update; accum_update = rho·accum_update + (1−rho)·update².
 */
export function applyAdadelta(
  v: Tensor, accum: Tensor, accumUpdate: Tensor, lr: TensorLike, rho: TensorLike, epsilon: TensorLike, grad: TensorLike,
): Tensor {
  return apply('apply_adadelta', 'applyAdadelta', ['var', 'accum', 'accum_update', 'lr', 'rho', 'epsilon', 'grad'],
    [v, accum, accumUpdate, lr, rho, epsilon, grad]);
}

/** ms += (grad² − ms)(1 − rho); mom = momentum·mom + lr·grad / sqrt(ms + ε); var -= mom. */
export function applyRMSProp(
  v: Tensor, ms: Tensor, mom: Tensor, lr: TensorLike, rho: TensorLike, momentum: TensorLike, epsilon: TensorLike,
  grad: TensorLike,
): Tensor {
  return apply('apply_rms_prop', 'applyRMSProp', ['var', 'ms', 'mom', 'lr', 'rho', 'momentum', 'epsilon', 'grad'],
    [v, ms, mom, lr, rho, momentum, epsilon, grad]);
}

/**
 * Centered RMSProp: as applyRMSProp with mg += (grad − mg)(1 − rho) and the denominator
 * sqrt(ms − mg² + ε).
 */
export function applyCenteredRMSProp(
  v: Tensor, mg: Tensor, ms: Tensor, mom: Tensor, lr: TensorLike, rho: TensorLike, momentum: TensorLike,
  epsilon: TensorLike, grad: TensorLike,
): Tensor {
  return apply('apply_centered_rms_prop', 'applyCenteredRMSProp',
    ['var', 'mg', 'ms', 'mom', 'lr', 'rho', 'momentum', 'epsilon', 'grad'],
    [v, mg, ms, mom, lr, rho, momentum, epsilon, grad]);
}

/**
 * lr_t = lr·sqrt(1 − beta2_power)/(1 − beta1_power); m += (grad − m)(1 − β1);
 * v += (grad² − v)(1 − β2); var -= lr_t·m/(sqrt(v) + ε)
 * (Nesterov: m replaced by β1·m + (1 − β1)·grad in the last step).
 */
export function applyAdam(
  v: Tensor, m: Tensor, vv: Tensor, beta1Power: TensorLike, beta2Power: TensorLike, lr: TensorLike,
  beta1: TensorLike, beta2: TensorLike, epsilon: TensorLike, grad: TensorLike, opts: { useNesterov?: boolean } = {},
): Tensor {
  return apply('apply_adam', 'applyAdam',
    ['var', 'm', 'v', 'beta1_power', 'beta2_power', 'lr', 'beta1', 'beta2', 'epsilon', 'grad'],
    [v, m, vv, beta1Power, beta2Power, lr, beta1, beta2, epsilon, grad], { use_nesterov: !!opts.useNesterov });
}

/**
 * var -= (var - value) * (1 - decay): one step of an exponential moving average
 * (tf.train.ExponentialMovingAverage's update, in one pass).
 */
export function applyMovingAverage(v: Tensor, decay: TensorLike, value: TensorLike): Tensor {
  return apply('apply_moving_average', 'applyMovingAverage', ['var', 'decay', 'value'], [v, decay, value]);
}

// Updates are state changes, not functions of their inputs: gradients stop here (as TF).
registerNonDifferentiable(
  'apply_gradient_descent', 'apply_momentum', 'apply_adagrad', 'apply_adadelta', 'apply_rms_prop',
  'apply_centered_rms_prop', 'apply_adam', 'apply_moving_average',
);
