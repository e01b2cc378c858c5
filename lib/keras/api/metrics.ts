/** tf.keras.metrics: per-example metric functions (yTrue, yPred) → [batch]. */
export { binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy } from '../metrics.js';
export {
  meanSquaredError, meanAbsoluteError, categoricalCrossentropy, sparseCategoricalCrossentropy,
  binaryCrossentropy,
} from '../losses.js';
export type { MetricFunction, MetricIdentifier } from '../metrics.js';
