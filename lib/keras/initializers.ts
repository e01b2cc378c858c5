/**
 * Initializers of Keras layers: Keras names ('glorotUniform' or 'glorot_uniform', 'heNormal',
 * 'zeros'…), a number (a constant), or a tf.*Initializer function.
 */
import type { Initializer } from '../graph/initializers.js';
import {
  constantInitializer, glorotNormalInitializer, glorotUniformInitializer, onesInitializer,
  orthogonalInitializer, randomNormalInitializer, randomUniformInitializer, truncatedNormalInitializer,
  varianceScalingInitializer, zerosInitializer,
} from '../graph/initializers.js';

export type InitializerIdentifier = string | Initializer;

const scaled = (scale: number, distribution: 'truncated_normal' | 'uniform') => () =>
  varianceScalingInitializer({ scale, mode: 'fan_in', distribution });

// Keys lower case without underscores.
const INITIALIZERS: Record<string, () => Initializer> = {
  zeros: zerosInitializer,
  ones: onesInitializer,
  glorotuniform: glorotUniformInitializer,
  glorotnormal: glorotNormalInitializer,
  henormal: scaled(2, 'truncated_normal'),
  heuniform: scaled(2, 'uniform'),
  lecunnormal: scaled(1, 'truncated_normal'),
  lecununiform: scaled(1, 'uniform'),
  // Keras' RandomNormal / RandomUniform / TruncatedNormal defaults (stddev 0.05, ±0.05).
  randomnormal: () => randomNormalInitializer({ stddev: 0.05 }),
  truncatednormal: () => truncatedNormalInitializer({ stddev: 0.05 }),
  randomuniform: () => randomUniformInitializer({ minval: -0.05, maxval: 0.05 }),
  uniform: () => randomUniformInitializer({ minval: -0.05, maxval: 0.05 }),
  orthogonal: () => orthogonalInitializer(),
};

/** An initializer by Keras name or a function; `def` names the layer's default. */
export function getInitializer(
  id: InitializerIdentifier | number | undefined,
  def: string,
  layer: string,
): Initializer {
  if (typeof id === 'function') return id;
  if (typeof id === 'number') return constantInitializer(id);
  const name = id ?? def;
  const make = INITIALIZERS[name.replace(/_/g, '').toLowerCase()];
  if (!make) {
    const known = Object.keys(INITIALIZERS).join(', ');
    throw new Error(`${layer}: unknown initializer '${name}' (known: ${known}, or a function)`);
  }
  return make();
}

/**
 * Saved form: the name (or number) as given, else the default's name; functions are saved as
 * null because the weights file holds the values (a model rebuilt from its config alone then
 * uses the layer's default).
 */
export function serializeInitializer(
  id: InitializerIdentifier | number | undefined,
  def: string,
): string | number | null {
  return typeof id === 'function' ? null : id ?? def;
}
