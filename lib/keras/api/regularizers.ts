/** tf.keras.regularizers: weight penalties added to the model's loss. */
export { l1, l2, l1l2 } from '../regularizers.js';
export type { KerasRegularizer } from '../regularizers.js';
