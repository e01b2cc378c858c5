/** tf.keras.utils: the progress bar and one-hot encoding of class ids. */
export { Progbar } from '../callbacks/progbar.js';
export type { ProgbarOptions, ProgressStream } from '../callbacks/progbar.js';
export { toCategorical } from '../engine/to_categorical.js';
export { getLearningRate, setLearningRate } from '../callbacks/learning_rate.js';
