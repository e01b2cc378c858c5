/**
 * Unary elementwise ops and activations: y = f(x), same dtype and shape as x. Gradients use one
 * fused native `<op>_backward(dy, x or y)` kernel per op (y where that avoids recomputing f).
 * neg, abs, sign and square also accept int32; the rest need float32 or float64.
 */
import type { TensorLike } from '../convert.js';
import type { DType } from '../dtype.js';
import { registerGrad, registerNonDifferentiable } from '../grad_registry.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { asTensor, checkDType, checkFloat } from './checks.js';
import { add, div, greater, mul, pow, sub, where } from './binary.js';
import { zerosLike } from './creation.js';

const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32'];

/** `fn` is the op function's name, for messages. */
function floatOp(op: string, x: TensorLike, fn: string, opts: NameOption): Tensor {
  const t = asTensor(x, 'x', fn);
  checkFloat(t, 'x', fn);
  return named(fn, opts.name, () => runOp(op, [t])[0]);
}

function numericOp(op: string, x: TensorLike, fn: string, opts: NameOption): Tensor {
  const t = asTensor(x, 'x', fn);
  checkDType(t, 'x', fn, NUMERIC);
  return named(fn, opts.name, () => runOp(op, [t])[0]);
}

/** -x (int32 wraps). `tf.neg(x)` */
export function neg(x: TensorLike, opts: NameOption = {}): Tensor { return numericOp('neg', x, 'neg', opts); }
/** |x| (int32 too). `tf.abs(x)` */
export function abs(x: TensorLike, opts: NameOption = {}): Tensor { return numericOp('abs', x, 'abs', opts); }
/** -1, 0 or 1 by the sign of x; sign(NaN) = NaN (int32 too). `tf.sign(x)` */
export function sign(x: TensorLike, opts: NameOption = {}): Tensor { return numericOp('sign', x, 'sign', opts); }
/** x² (int32 wraps). `tf.square(x)` */
export function square(x: TensorLike, opts: NameOption = {}): Tensor { return numericOp('square', x, 'square', opts); }
/** eˣ. `tf.exp(x)` */
export function exp(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('exp', x, 'exp', opts); }
/** Natural logarithm, ln x (NaN for x < 0, -Infinity at 0). `tf.log(x)` */
export function log(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('log', x, 'log', opts); }
/** ln(1 + x), accurate for small |x|. `tf.log1p(x)` */
export function log1p(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('log1p', x, 'log1p', opts); }
/** √x. `tf.sqrt(x)` */
export function sqrt(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('sqrt', x, 'sqrt', opts); }
/** 1 / √x. `tf.rsqrt(tf.add(variance, 1e-5))` */
export function rsqrt(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('rsqrt', x, 'rsqrt', opts); }
/** 1 / x. `tf.reciprocal(x)` */
export function reciprocal(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('reciprocal', x, 'reciprocal', opts); }
/** sin x (radians). `tf.sin(x)` */
export function sin(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('sin', x, 'sin', opts); }
/** cos x (radians). `tf.cos(x)` */
export function cos(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('cos', x, 'cos', opts); }
/** Hyperbolic tangent. `const h = tf.tanh(tf.matmul(x, w));` */
export function tanh(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('tanh', x, 'tanh', opts); }
/** 1 / (1 + e⁻ˣ), without overflow for large |x|. `const p = tf.sigmoid(logits);` */
export function sigmoid(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('sigmoid', x, 'sigmoid', opts); }
/** max(x, 0); relu(NaN) = NaN. `const h = tf.nn.relu(tf.matmul(x, w));` */
export function relu(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('relu', x, 'relu', opts); }
/** min(max(x, 0), 6). `tf.nn.relu6(x)` */
export function relu6(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('relu6', x, 'relu6', opts); }
/** x for x > 0, eˣ - 1 otherwise. `tf.nn.elu(x)` */
export function elu(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('elu', x, 'elu', opts); }
/**
 * scale · (x > 0 ? x : alpha · (eˣ - 1)), alpha = 1.6732632423543772,
 * scale = 1.0507009873554805 (Klambauer et al., TF's constants). `tf.nn.selu(x)`
 */
export function selu(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('selu', x, 'selu', opts); }
/** ln(1 + eˣ) = log1p(e^-|x|) + max(x, 0), stable for any x. `tf.nn.softplus(x)` */
export function softplus(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('softplus', x, 'softplus', opts); }
/** x / (1 + |x|). `tf.nn.softsign(x)` */
export function softsign(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('softsign', x, 'softsign', opts); }
/** Largest integer ≤ x (no gradient). `tf.floor(x)` */
export function floor(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('floor', x, 'floor', opts); }
/** Smallest integer ≥ x (no gradient). `tf.ceil(x)` */
export function ceil(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('ceil', x, 'ceil', opts); }
/** Nearest integer, halves to even as TF: round(2.5) = 2, round(-1.5) = -2. `tf.round(x)` */
export function round(x: TensorLike, opts: NameOption = {}): Tensor { return floatOp('round', x, 'round', opts); }

/**
 * x for x > 0, alpha · x otherwise (TF 1.x tf.nn.leaky_relu).
 *
 *   const h = tf.nn.leakyRelu(tf.matmul(x, w), 0.1);
 */
export function leakyRelu(features: TensorLike, alpha = 0.2, opts: NameOption = {}): Tensor {
  const t = asTensor(features, 'features', 'leakyRelu');
  checkFloat(t, 'features', 'leakyRelu');
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw new Error(`leakyRelu: alpha must be a finite number, got ${String(alpha)}`);
  }
  return named('leakyRelu', opts.name, () => runOp('leaky_relu', [t], { alpha })[0]);
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

// ---------------------------------------------------------------- second order
// A backward kernel B(dy, u) = dy · f'(u) (u is x or y, as above) is linear in dy: its gradient
// for dy is B itself applied to the incoming gradient g, and for u it is g · dy · d f'(u)/du,
// given here as a function of p = g · dy and u; null where f' is piecewise constant. The chain
// through y = f(x) is the forward op's own gradient. So gradients of gradients (gradient
// penalties, Hessian-vector products) work to any order, as TF's *GradGrad functions.
// elu and selu: f'(y) is constant (1, or selu's scale) for y > 0, and y + a constant below, so
// its slope is 0 above zero and 1 below.
const slopeOneBelowZero = (p: Tensor, y: Tensor) => where(greater(y, 0), zerosLike(p), p);
const SLOPE_DERIVATIVE: Record<string, ((p: Tensor, u: Tensor) => Tensor) | null> = {
  abs: null,
  log: (p, x) => neg(div(p, square(x))),
  log1p: (p, x) => neg(div(p, square(add(x, 1)))),
  square: (p) => mul(p, 2),
  sin: (p, x) => neg(mul(p, sin(x))),
  cos: (p, x) => neg(mul(p, cos(x))),
  softplus: (p, x) => {
    const s = sigmoid(x);
    return mul(p, mul(s, sub(1, s)));
  },
  // d/dx (1 + |x|)^-2 = -2 sign(x) (1 + |x|)^-3
  softsign: (p, x) => div(mul(p, mul(sign(x), -2)), pow(add(abs(x), 1), 3)),
  exp: (p) => p,
  sqrt: (p, y) => neg(div(mul(p, 0.5), square(y))),
  rsqrt: (p, y) => mul(p, mul(square(y), -1.5)),
  reciprocal: (p, y) => mul(p, mul(y, -2)),
  tanh: (p, y) => mul(p, mul(y, -2)),
  sigmoid: (p, y) => mul(p, sub(1, mul(y, 2))),
  relu: null,
  relu6: null,
  elu: slopeOneBelowZero,
  selu: slopeOneBelowZero,
};
for (const op of [...FROM_X, ...FROM_Y]) {
  const slope = SLOPE_DERIVATIVE[op];
  if (slope === undefined) throw new Error(`unary: no second-order rule for ${op}_backward`);
  registerGrad(`${op}_backward`, (dys, { inputs: [dy, u] }) => [
    runOp(`${op}_backward`, [dys[0], u])[0],
    slope ? slope(mul(dys[0], dy), u) : null,
  ]);
}
registerGrad('leaky_relu_backward', (dys, { inputs: [, x], attrs }) => [
  runOp('leaky_relu_backward', [dys[0], x], attrs)[0],
  null,
]);
