/**
 * Image resizing (TF 1.x tf.image.resize_nearest_neighbor / resize_bilinear) of NHWC images to
 * size [height, width], with TF's coordinate rules (alignCorners, halfPixelCenters). Gradients
 * flow to the images (cpp/cpu/resize.cpp).
 */
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named, runOp } from '../engine.js';
import { registerGrad } from '../grad_registry.js';
import type { Attrs } from '../native.js';
import type { Tensor } from '../tensor.js';
import { asTensor, checkDType } from './checks.js';
import { opWithShapes } from './conv_args.js';
import { cast } from './index_ops.js';

function resizeAttrs(
  size: number[],
  alignCorners: boolean,
  halfPixelCenters: boolean,
  op: string,
): Attrs {
  const positive = (d: unknown) => Number.isInteger(d) && (d as number) > 0;
  if (!Array.isArray(size) || size.length !== 2 || !size.every(positive)) {
    const got = JSON.stringify(size);
    throw new Error(`${op}: size must be two positive integers [height, width], got ${got}`);
  }
  if (typeof alignCorners !== 'boolean' || typeof halfPixelCenters !== 'boolean') {
    throw new Error(`${op}: alignCorners and halfPixelCenters must be booleans`);
  }
  if (alignCorners && halfPixelCenters) {
    throw new Error(`${op}: alignCorners must be false when halfPixelCenters is true`);
  }
  return { size, alignCorners, halfPixelCenters };
}

/**
 * Nearest-neighbour resize of images [batch, h, w, C] to [batch, size[0], size[1], C]. Output
 * row i reads input row floor(i·h/size[0]) (floor((i + 0.5)·h/size[0]) with halfPixelCenters,
 * round(i·(h−1)/(size[0]−1)) with alignCorners); columns alike. float32, float64, int32.
 *
 *   const big = tf.image.resizeNearestNeighbor(img, [56, 56]);
 */
export function resizeNearestNeighbor(
  images: TensorLike,
  size: number[],
  alignCorners = false,
  halfPixelCenters = false,
  opts: NameOption = {},
): Tensor {
  const op = 'resizeNearestNeighbor';
  const x = asTensor(images, 'images', op);
  checkDType(x, 'images', op, ['float32', 'float64', 'int32']);
  const at = opWithShapes(op, { images: x.shape });
  const attrs = resizeAttrs(size, alignCorners, halfPixelCenters, at);
  return named('resizeNearestNeighbor', opts.name, () => runOp('resize_nearest_neighbor', [x], attrs)[0]);
}

/**
 * Bilinear resize of images [batch, h, w, C] to [batch, size[0], size[1], C]. Output row i
 * samples input position i·h/size[0] ((i + 0.5)·h/size[0] − 0.5 with halfPixelCenters,
 * i·(h−1)/(size[0]−1) with alignCorners), interpolating between its two neighbouring rows;
 * columns alike. float32 / float64; int32 images give float32, as TF.
 *
 *   const big = tf.image.resizeBilinear(img, [56, 56], false, true);
 */
export function resizeBilinear(
  images: TensorLike,
  size: number[],
  alignCorners = false,
  halfPixelCenters = false,
  opts: NameOption = {},
): Tensor {
  const op = 'resizeBilinear';
  let x = asTensor(images, 'images', op);
  checkDType(x, 'images', op, ['float32', 'float64', 'int32']);
  if (x.dtype === 'int32') x = cast(x, 'float32');
  const at = opWithShapes(op, { images: x.shape });
  const attrs = resizeAttrs(size, alignCorners, halfPixelCenters, at);
  return named('resizeBilinear', opts.name, () => runOp('resize_bilinear', [x], attrs)[0]);
}

// Each output pixel reads fixed source pixels with fixed weights: the backward kernels scatter
// dy back along the same weights (the adjoint).
registerGrad('resize_nearest_neighbor', (dys, { inputs: [x], attrs }) => [
  runOp('resize_nearest_neighbor_backward', [dys[0], x], attrs)[0],
]);
registerGrad('resize_bilinear', (dys, { inputs: [x], attrs }) => [
  runOp('resize_bilinear_backward', [dys[0], x], attrs)[0],
]);
// The backward kernels are linear in dy, and their adjoint is the forward resize again.
registerGrad('resize_nearest_neighbor_backward', (dys, { attrs }) => [
  runOp('resize_nearest_neighbor', [dys[0]], attrs)[0],
  null,
]);
registerGrad('resize_bilinear_backward', (dys, { attrs }) => [runOp('resize_bilinear', [dys[0]], attrs)[0], null]);
