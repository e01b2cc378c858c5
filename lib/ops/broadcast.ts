/**
 * Broadcast helpers that gradients are built from: sumToShapeOf (the reverse of broadcasting)
 * and broadcastLike, each taking its target shape from a tensor at run time, so they also work
 * in graph mode with unknown dimensions. zerosLike / onesLike live in creation.ts.
 */
import { registerGrad, registerNonDifferentiable } from '../grad_registry.js';
import { runOp } from '../engine.js';
import type { Tensor } from '../tensor.js';

/** Sums dy over broadcast dimensions down to the shape of `like`. */
export function sumToShapeOf(dy: Tensor, like: Tensor): Tensor {
  return runOp('sum_to_shape', [dy, like])[0];
}

/**
 * The gradient of a broadcast input: dy itself when x surely had the result's shape, else dy
 * summed down to x's run-time shape. Every op with broadcasting inputs ends its gradient here.
 * `others` are the operands x was broadcast with: they let an unknown dimension of x count as
 * kept when none of them can have stretched it (graph mode with an unknown batch: the gradient of
 * biasAdd's input is then dy itself, not a sum that would also read the input's value).
 */
export function sumToShape(dy: Tensor, x: Tensor, ...others: Tensor[]): Tensor {
  return keepsShape(dy, x, others) ? dy : sumToShapeOf(dy, x);
}

/** Whether broadcasting x with `others` (to dy's shape) surely left x's shape unchanged. */
function keepsShape(dy: Tensor, x: Tensor, others: Tensor[]): boolean {
  const rank = x.shape.length;
  if (dy.shape.length !== rank) return false;
  return x.shape.every((d, i) => {
    if (d !== null && d === dy.shape[i]) return true;
    if (d !== null && d !== 1) return true;   // broadcasting only ever stretches size-1 dims
    if (others.length === 0) return false;
    // d is 1 or unknown: kept if no other operand has this dim, or has it as a static 1.
    return others.every((o) => {
      const j = i - (rank - o.shape.length);
      return j < 0 || o.shape[j] === 1;
    });
  });
}

/** Repeats x along broadcast dimensions up to the shape of `like`. */
export function broadcastLike(x: Tensor, like: Tensor): Tensor {
  return runOp('broadcast_to', [x, like])[0];
}

registerGrad('sum_to_shape', (dys, { inputs: [x] }) => [broadcastLike(dys[0], x), null]);
registerGrad('broadcast_to', (dys, { inputs: [x] }) => [sumToShapeOf(dys[0], x), null]);
registerNonDifferentiable('zeros_like', 'ones_like');
