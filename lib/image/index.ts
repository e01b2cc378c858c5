/** The tf.image namespace, as TensorFlow 1.x lays it out (so far: the resize ops). */
import { resizeBilinear, resizeNearestNeighbor } from '../ops/image.js';

export const image = {
  resizeNearestNeighbor,
  resizeBilinear,
};
