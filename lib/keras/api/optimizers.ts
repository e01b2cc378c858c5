/** tf.keras.optimizers: SGD, Adam, RMSprop, Adagrad, Adadelta (and get by name). */
export {
  KerasOptimizer as Optimizer, SGD, Adam, RMSprop, Adagrad, Adadelta, TFOptimizer,
  getOptimizer as get,
} from '../optimizers/index.js';
export type { Hypers, OptimizerState } from '../optimizers/index.js';
export type {
  SGDOptions, AdamOptions, RMSpropOptions, AdagradOptions, AdadeltaOptions, OptimizerIdentifier,
} from '../optimizers/index.js';
