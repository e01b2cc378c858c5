/**
 * Unary elementwise ops and activations: y = f(x), same dtype and shape as x. Gradients use one
 * fused native `<op>_backward(dy, x or y)` kernel per op (y where that avoids recomputing f).
 * neg, abs, sign and square also accept int32; the rest need float32 or float64.
 */
import type { TensorLike } from '../convert.js';
import type { DType } from '../dtype.js';
import { registerGrad, registerNonDifferentiable } from '../grad_registry.js';
import { runOp } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { asTensor, checkDType, checkFloat } from './checks.js';
import { zerosLike } from './creation.js';

const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32'];

function floatOp(op: string, x: TensorLike, name: string): Tensor {
  const t = asTensor(x, 'x', name);
  checkFloat(t, 'x', name);
  return runOp(op, [t])[0];
}

function numericOp(op: string, x: TensorLike, name: string): Tensor {
  const t = asTensor(x, 'x', name);
  checkDType(t, 'x', name, NUMERIC);
  return runOp(op, [t])[0];
}

/** -x (int32 wraps). `tf.neg(x)` */
export function neg(x: TensorLike): Tensor { return numericOp('neg', x, 'neg'); }
/** |x| (int32 too). `tf.abs(x)` */
export function abs(x: TensorLike): Tensor { return numericOp('abs', x, 'abs'); }
/** -1, 0 or 1 by the sign of x; sign(NaN) = NaN (int32 too). `tf.sign(x)` */
export function sign(x: TensorLike): Tensor { return numericOp('sign', x, 'sign'); }
/** x² (int32 wraps). `tf.square(x)` */
export function square(x: TensorLike): Tensor { return numericOp('square', x, 'square'); }
/** eˣ. `tf.exp(x)` */
export function exp(x: TensorLike): Tensor { return floatOp('exp', x, 'exp'); }
/** Natural logarithm, ln x (NaN for x < 0, -Infinity at 0). `tf.log(x)` */
export function log(x: TensorLike): Tensor { return floatOp('log', x, 'log'); }
/** ln(1 + x), accurate for small |x|. `tf.log1p(x)` */
export function log1p(x: TensorLike): Tensor { return floatOp('log1p', x, 'log1p'); }
/** √x. `tf.sqrt(x)` */
export function sqrt(x: TensorLike): Tensor { return floatOp('sqrt', x, 'sqrt'); }
/** 1 / √x. `tf.rsqrt(tf.add(variance, 1e-5))` */
export function rsqrt(x: TensorLike): Tensor { return floatOp('rsqrt', x, 'rsqrt'); }
/** 1 / x. `tf.reciprocal(x)` */
export function reciprocal(x: TensorLike): Tensor { return floatOp('reciprocal', x, 'reciprocal'); }
/** sin x (radians). `tf.sin(x)` */
export function sin(x: TensorLike): Tensor { return floatOp('sin', x, 'sin'); }
/** cos x (radians). `tf.cos(x)` */
export function cos(x: TensorLike): Tensor { return floatOp('cos', x, 'cos'); }
/** Hyperbolic tangent. `const h = tf.tanh(tf.matmul(x, w));` */
export function tanh(x: TensorLike): Tensor { return floatOp('tanh', x, 'tanh'); }
/** 1 / (1 + e⁻ˣ), without overflow for large |x|. `const p = tf.sigmoid(logits);` */
export function sigmoid(x: TensorLike): Tensor { return floatOp('sigmoid', x, 'sigmoid'); }
/** max(x, 0); relu(NaN) = NaN. `const h = tf.nn.relu(tf.matmul(x, w));` */
export function relu(x: TensorLike): Tensor { return floatOp('relu', x, 'relu'); }
/** min(max(x, 0), 6). `tf.nn.relu6(x)` */
export function relu6(x: TensorLike): Tensor { return floatOp('relu6', x, 'relu6'); }
/** x for x > 0, eˣ - 1 otherwise. `tf.nn.elu(x)` */
export function elu(x: TensorLike): Tensor { return floatOp('elu', x, 'elu'); }
/**
 * scale · (x > 0 ? x : alpha · (eˣ - 1)), alpha = 1.6732632423543772,
 * scale = 1.0507009873554805 (Klambauer et al., TF's constants). `tf.nn.selu(x)`
 */
export function selu(x: TensorLike): Tensor { return floatOp('selu', x, 'selu'); }
/** ln(1 + eˣ) = log1p(e^-|x|) + max(x, 0), stable for any x. `tf.nn.softplus(x)` */
export function softplus(x: TensorLike): Tensor { return floatOp('softplus', x, 'softplus'); }
/** x / (1 + |x|). `tf.nn.softsign(x)` */
export function softsign(x: TensorLike): Tensor { return floatOp('softsign', x, 'softsign'); }
/** Largest integer ≤ x (no gradient). `tf.floor(x)` */
export function floor(x: TensorLike): Tensor { return floatOp('floor', x, 'floor'); }
/** Smallest integer ≥ x (no gradient). `tf.ceil(x)` */
export function ceil(x: TensorLike): Tensor { return floatOp('ceil', x, 'ceil'); }
/** Nearest integer, halves to even as TF: round(2.5) = 2, round(-1.5) = -2. `tf.round(x)` */
export function round(x: TensorLike): Tensor { return floatOp('round', x, 'round'); }

/**
 * x for x > 0, alpha · x otherwise (TF 1.x tf.nn.leaky_relu).
 *
 *   const h = tf.nn.leakyRelu(tf.matmul(x, w), 0.1);
 */
export function leakyRelu(features: TensorLike, alpha = 0.2): Tensor {
  const t = asTensor(features, 'features', 'leakyRelu');
  checkFloat(t, 'features', 'leakyRelu');
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw new Error(`leakyRelu: alpha must be a finite number, got ${String(alpha)}`);
  }
  return runOp('leaky_relu', [t], { alpha })[0];
}

// ---------------------------------------------------------------- gradients
// Backward kernels taking the forward input x, and those taking the forward output y (cheaper:
// exp, sqrt, rsqrt, reciprocal reuse y; tanh, sigmoid, elu, selu avoid a second exp).
// NOTE: at the kinks the gradient is 0 (relu, abs at 0; relu6 at 0 and 6), as TensorFlow.
// relu and relu6 take their mask from y, as TF's ReluGrad/Relu6Grad do (y > 0 iff x > 0, and
// 0 < y < 6 iff 0 < x < 6): the pre-activation then has no reader but the activation, so the
// graph can fuse conv2d + bias + activation in training too (lib/graph/fuse.ts).
const FROM_X = ['abs', 'log', 'log1p', 'square', 'sin', 'cos', 'softplus', 'softsign'];
const FROM_Y = ['exp', 'sqrt', 'rsqrt', 'reciprocal', 'tanh', 'sigmoid', 'relu', 'relu6', 'elu', 'selu'];
for (const op of FROM_X) {
  registerGrad(op, (dys, { inputs }) => [runOp(`${op}_backward`, [dys[0], inputs[0]])[0]]);
}
for (const op of FROM_Y) {
  registerGrad(op, (dys, { outputs }) => [runOp(`${op}_backward`, [dys[0], outputs[0]])[0]]);
}
registerGrad('leaky_relu', (dys, { inputs, attrs }) => [
  runOp('leaky_relu_backward', [dys[0], inputs[0]], { alpha: attrs.alpha })[0],
]);
registerGrad('neg', (dys) => [neg(dys[0])]);
// TF's gradient of sign is zero everywhere (a step function), not None.
registerGrad('sign', (_dys, { inputs }) => [zerosLike(inputs[0])]);
// TF registers no gradient for these (piecewise constant): backprop stops.
registerNonDifferentiable('floor', 'ceil', 'round');
// No double backward yet.
registerNonDifferentiable(...[...FROM_X, ...FROM_Y, 'leaky_relu'].map((op) => `${op}_backward`));
