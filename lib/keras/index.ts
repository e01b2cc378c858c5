/**
 * tf.keras (TF 1.x Keras, graph mode): Sequential and functional models, layers, compile / fit /
 * evaluate / predict with callbacks, and model files.
 *
 *   const model = new tf.keras.Sequential({ layers: [
 *     new tf.keras.layers.Dense(64, { activation: 'relu', inputShape: [784] }),
 *     new tf.keras.layers.Dense(10, { activation: 'softmax' }),
 *   ] });
 *   model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 *   await model.fit(x, y, { epochs: 5, batchSize: 32, validationSplit: 0.1 });
 *   await model.save('models/mlp');
 */
import { Model } from './engine/model.js';
import { Sequential } from './engine/sequential.js';
import { LAYER_CLASSES } from './layers/index.js';
import type { LayerConfig } from './engine/layer.js';
import type { CustomObjects } from './saving/config.js';
import { setLayerRegistry } from './saving/config.js';
import { modelFromConfig } from './saving/load.js';

export { Model, Sequential };
export { Input } from './engine/input_layer.js';
export type { InputArgs } from './engine/input_layer.js';
export type { ModelArgs, PredictArgs } from './engine/model.js';
export type { SequentialArgs } from './engine/sequential.js';
export type { CompileArgs } from './engine/training.js';
export type { FitArgs, EvaluateArgs } from './engine/fit_loop.js';
export type { SummaryOptions } from './engine/summary.js';
export type { ModelData, DataLike } from './engine/data.js';
export * as layers from './layers/index.js';
export * as callbacks from './callbacks/index.js';
export * as losses from './api/losses.js';
export * as metrics from './api/metrics.js';
export * as optimizers from './api/optimizers.js';
export * as regularizers from './api/regularizers.js';
export * as backend from './api/backend.js';
export * as models from './api/models.js';
export * as utils from './api/utils.js';

// Model files name layers by class; nested models are layers too.
setLayerRegistry({
  ...Object.fromEntries(
    Object.entries(LAYER_CLASSES).map(([k, cls]) => [k, (c: LayerConfig) => new cls(c as never)]),
  ),
  Sequential: (config: LayerConfig, custom: CustomObjects) =>
    modelFromConfig({ className: 'Sequential', config }, custom),
  Model: (config: LayerConfig, custom: CustomObjects) =>
    modelFromConfig({ className: 'Model', config }, custom),
});
