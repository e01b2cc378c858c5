/** tf.keras.backend: the Keras session of a graph, the learning phase, variable values. */
export {
  getSession, setSession, clearSession, learningPhase, getValue, setValue,
} from '../backend.js';
import { EPSILON } from '../losses.js';

/** Keras' fuzz factor, 1e-7 (K.epsilon()): the clipping of probabilities in the losses. */
export function epsilon(): number {
  return EPSILON;
}
