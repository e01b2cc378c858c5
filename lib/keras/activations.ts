/**
 * Activations of Keras layers: names ('relu', 'softmax', 'linear'…, the tf.layers table) or
 * functions (tf.nn.relu…), and the names they are saved under in model files.
 */
import type { Activation } from '../layers/base.js';
import { resolveActivation } from '../layers/base.js';
import { softmax } from '../ops/softmax.js';
import { elu, relu, relu6, selu, sigmoid, softplus, softsign, tanh } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';

export type ActivationIdentifier = Activation;

// The functions users pass (tf.nn.relu…) and the names they are saved under.
const KNOWN_ACTIVATIONS = new Map<unknown, string>([
  [relu, 'relu'], [relu6, 'relu6'], [elu, 'elu'], [selu, 'selu'], [sigmoid, 'sigmoid'],
  [tanh, 'tanh'], [softmax, 'softmax'], [softplus, 'softplus'], [softsign, 'softsign'],
]);

/** The activation function (null: linear). Unknown names throw, naming the layer. */
export function getActivation(
  a: ActivationIdentifier | undefined,
  layer: string,
): ((x: Tensor) => Tensor) | null {
  // tf.nn.softmax takes an axis as its second argument: call it with the tensor alone.
  if (a === 'softmax' || a === softmax) return (x) => softmax(x);
  return resolveActivation(a, layer);
}

/** The name saved in model files: 'relu', 'linear', or a custom function's name. */
export function serializeActivation(a: ActivationIdentifier | undefined, layer: string): string {
  if (a === undefined || a === null) return 'linear';
  if (typeof a === 'string') return a;
  const known = KNOWN_ACTIVATIONS.get(a);
  if (known) return known;
  if (!a.name) {
    throw new Error(
      `${layer}: cannot save an anonymous activation function; give it a name and pass it in ` +
        'customObjects when loading',
    );
  }
  return a.name;
}
