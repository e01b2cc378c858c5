/** tf.keras.backend: the Keras session of a graph, the learning phase, variable values. */
export {
  getSession, setSession, clearSession, learningPhase, getValue, setValue,
} from '../backend.js';
/** Keras' fuzz factor, 1e-7 (K.epsilon()). */
export function epsilon(): number {
  return 1e-7;
}
