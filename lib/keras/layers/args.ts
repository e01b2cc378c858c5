/**
 * What Keras layers take by name or as objects, and how it is written to model files:
 * activations (the tf.layers table), initializers ('glorotUniform', 'heNormal', … or a
 * tf.*Initializer function) and regularizers (tf.keras.regularizers.l1 / l2 / l1l2).
 */
import type { Initializer } from '../../graph/initializers.js';
import {
  constantInitializer, glorotNormalInitializer, glorotUniformInitializer, onesInitializer, randomNormalInitializer,
  randomUniformInitializer, truncatedNormalInitializer, varianceScalingInitializer, zerosInitializer,
} from '../../graph/initializers.js';
import type { Activation, Regularizer } from '../../layers/base.js';
import { resolveActivation } from '../../layers/base.js';
import {
  abs, elu, relu, relu6, selu, sigmoid, softplus, softsign, square, tanh,
} from '../../ops/unary.js';
import { softmax } from '../../ops/softmax.js';
import { add, mul } from '../../ops/binary.js';
import { reduceSum } from '../../ops/reduce.js';
import type { Tensor } from '../../tensor.js';

// ---------------------------------------------------------------- activations

export type ActivationIdentifier = Activation;

// The functions users pass (tf.nn.relu…) and the names they are saved under.
const KNOWN_ACTIVATIONS = new Map<unknown, string>([
  [relu, 'relu'], [relu6, 'relu6'], [elu, 'elu'], [selu, 'selu'], [sigmoid, 'sigmoid'], [tanh, 'tanh'],
  [softmax, 'softmax'], [softplus, 'softplus'], [softsign, 'softsign'],
]);

/** The activation function (null: linear). Unknown names throw, naming the layer. */
export function getActivation(a: ActivationIdentifier | undefined, layer: string): ((x: Tensor) => Tensor) | null {
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
        `customObjects when loading`,
    );
  }
  return a.name;
}

// ---------------------------------------------------------------- initializers

export type InitializerIdentifier = string | Initializer;

const INITIALIZERS: Record<string, () => Initializer> = {
  zeros: zerosInitializer,
  ones: onesInitializer,
  glorotuniform: glorotUniformInitializer,
  glorotnormal: glorotNormalInitializer,
  henormal: () => varianceScalingInitializer({ scale: 2, mode: 'fan_in', distribution: 'truncated_normal' }),
  heuniform: () => varianceScalingInitializer({ scale: 2, mode: 'fan_in', distribution: 'uniform' }),
  lecunnormal: () => varianceScalingInitializer({ scale: 1, mode: 'fan_in', distribution: 'truncated_normal' }),
  lecununiform: () => varianceScalingInitializer({ scale: 1, mode: 'fan_in', distribution: 'uniform' }),
  // Keras' RandomNormal / RandomUniform / TruncatedNormal defaults (stddev 0.05, ±0.05).
  randomnormal: () => randomNormalInitializer({ stddev: 0.05 }),
  truncatednormal: () => truncatedNormalInitializer({ stddev: 0.05 }),
  randomuniform: () => randomUniformInitializer({ minval: -0.05, maxval: 0.05 }),
  uniform: () => randomUniformInitializer({ minval: -0.05, maxval: 0.05 }),
};

/** An initializer by Keras name ('glorotUniform' or 'glorot_uniform'…) or a function. */
export function getInitializer(id: InitializerIdentifier | number | undefined, def: string, layer: string): Initializer {
  if (typeof id === 'function') return id;
  if (typeof id === 'number') return constantInitializer(id);
  const name = id ?? def;
  const make = INITIALIZERS[name.replace(/_/g, '').toLowerCase()];
  if (!make) {
    throw new Error(
      `${layer}: unknown initializer '${name}' (known: ` +
        `${Object.keys(INITIALIZERS).join(', ')}, or a function)`,
    );
  }
  return make();
}

/**
 * Saved form: the name (or number) as given, else the default's name; functions are saved as
 * null because the weights file holds the values (a model rebuilt from its config alone then
 * uses the layer's default).
 */
export function serializeInitializer(id: InitializerIdentifier | number | undefined, def: string): string | number | null {
  return typeof id === 'function' ? null : id ?? def;
}

// ---------------------------------------------------------------- regularizers

/** A weight penalty Σ l1·|w| + Σ l2·w² (Keras' L1L2), added to the model's loss. */
export interface KerasRegularizer extends Regularizer {
  readonly config: { l1: number; l2: number };
}

/** Keras' L1L2 penalty (no ½ on the l2 term, unlike tf.contrib.layers.l2Regularizer). */
export function l1l2(opts: { l1?: number; l2?: number } = {}): KerasRegularizer {
  const c = { l1: opts.l1 ?? 0, l2: opts.l2 ?? 0 };
  for (const [k, v] of Object.entries(c)) {
    if (typeof v !== 'number' || !(v >= 0)) {
      throw new Error(
        `tf.keras.regularizers: ${k} must be a non-negative number, got ${String(v)}`,
      );
    }
  }
  const fn = (w: Tensor): Tensor => {
    const terms: Tensor[] = [];
    if (c.l1) terms.push(mul(c.l1, reduceSum(abs(w))));
    if (c.l2) terms.push(mul(c.l2, reduceSum(square(w))));
    return terms.length === 2 ? add(terms[0], terms[1]) : terms.length ? terms[0] : mul(0, reduceSum(w));
  };
  return Object.assign(fn, { config: c });
}
/** l1 · Σ|w|. `kernelRegularizer: tf.keras.regularizers.l1(0.01)` */
export function l1(l = 0.01): KerasRegularizer {
  return l1l2({ l1: l });
}
/** l2 · Σw². */
export function l2(l = 0.01): KerasRegularizer {
  return l1l2({ l2: l });
}

export type RegularizerIdentifier = Regularizer | { l1?: number; l2?: number } | null;

export function getRegularizer(r: RegularizerIdentifier | undefined, layer: string): Regularizer | null {
  if (r === undefined || r === null) return null;
  if (typeof r === 'function') return r;
  if (typeof r === 'object') return l1l2(r);
  throw new Error(
    `${layer}: a regularizer must be tf.keras.regularizers.l1/l2/l1l2 or a function, got ` +
      `${typeof r}`,
  );
}

export function serializeRegularizer(r: RegularizerIdentifier | undefined, layer: string): { l1: number; l2: number } | null {
  if (r === undefined || r === null) return null;
  if (typeof r === 'function') {
    const c = (r as Partial<KerasRegularizer>).config;
    if (!c) {
      throw new Error(
        `${layer}: cannot save a custom regularizer function; use tf.keras.regularizers.l1, ` +
          `l2 or l1l2`,
      );
    }
    return { ...c };
  }
  return { l1: r.l1 ?? 0, l2: r.l2 ?? 0 };
}
