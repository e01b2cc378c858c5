/** tf.keras.models: loading saved models, and the model classes. */
export { loadModel, modelFromConfig } from '../saving/load.js';
export type { LoadModelOptions } from '../saving/load.js';
export type { CustomObjects, LayerEntry } from '../saving/config.js';
export { Model } from '../engine/model.js';
export { Sequential } from '../engine/sequential.js';
