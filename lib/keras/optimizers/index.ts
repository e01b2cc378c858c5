/** The Keras optimizers (internal barrel; the public namespace is api/optimizers.ts). */
export { KerasOptimizer, optimizerArgs } from './base.js';
export type { Hypers, OptimizerState } from './base.js';
export {
  SGD, Adam, RMSprop, Adagrad, Adadelta, OPTIMIZER_CLASSES, getOptimizer,
} from './keras_optimizers.js';
export type {
  SGDOptions, AdamOptions, RMSpropOptions, AdagradOptions, AdadeltaOptions, OptimizerIdentifier,
} from './keras_optimizers.js';
export { TFOptimizer, tfOptimizerFromConfig } from './tf_optimizer.js';
