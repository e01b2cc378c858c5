/** tf.keras.losses: loss functions (yTrue, yPred) → per-example losses, and loss objects. */
export {
  categoricalCrossentropy, sparseCategoricalCrossentropy, binaryCrossentropy, meanSquaredError,
  meanAbsoluteError, Loss, CategoricalCrossentropy, SparseCategoricalCrossentropy,
  BinaryCrossentropy, MeanSquaredError, MeanAbsoluteError,
  getLoss as get,
} from '../losses.js';
export type { LossFunction, LossIdentifier, CrossentropyOptions, LossKind } from '../losses.js';
