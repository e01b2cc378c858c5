/** The tf.image namespace, as TensorFlow 1.x lays it out (so far: resizing, flips, standardization). */
import { resizeBilinear, resizeNearestNeighbor } from '../ops/image.js';
import { flipLeftRight, flipUpDown, perImageStandardization, randomFlipLeftRight, randomFlipUpDown } from './adjust.js';

export const image = {
  resizeNearestNeighbor,
  resizeBilinear,
  flipLeftRight,
  flipUpDown,
  randomFlipLeftRight,
  randomFlipUpDown,
  perImageStandardization,
};
