/**
 * What every tf.layers function shares: a unique layer name per graph ("dense", "dense_1"…),
 * a variable scope of that name (variables through tf.getVariable, so `reuse` works as in TF),
 * activations given as functions or names, and regularizers feeding REGULARIZATION_LOSSES.
 */
import { shapeString } from '../dtype.js';
import { executingEagerly } from '../engine.js';
import type { Graph } from '../graph/graph.js';
import { getDefaultGraph } from '../graph/graph.js';
import type { Initializer } from '../graph/initializers.js';
import type { Reuse } from '../graph/variable_scope.js';
import { getVariable, variableScope } from '../graph/variable_scope.js';
import { GraphKeys } from '../graph/variables.js';
import type { Variable } from '../graph/variables.js';
import type { Tensor } from '../tensor.js';
import { elu, relu, relu6, selu, sigmoid, softplus, softsign, tanh } from '../ops/unary.js';
import { softmax } from '../ops/softmax.js';
import { mul } from '../ops/binary.js';
import { reduceSum } from '../ops/reduce.js';
import { abs, square } from '../ops/unary.js';

export type Activation = ((x: Tensor) => Tensor) | 'relu' | 'relu6' | 'elu' | 'selu' | 'sigmoid' | 'tanh' | 'softmax' | 'softplus' | 'softsign' | 'linear' | null;
export type Regularizer = (weights: Tensor) => Tensor;

export interface LayerOptions {
  name?: string;
  reuse?: Reuse;
  trainable?: boolean;
}

const ACTIVATIONS: Record<string, ((x: Tensor) => Tensor) | null> = {
  relu, relu6, elu, selu, sigmoid, tanh, softplus, softsign, softmax: (x) => softmax(x), linear: null,
};

export function resolveActivation(a: Activation | undefined, layer: string): ((x: Tensor) => Tensor) | null {
  if (a === undefined || a === null) return null;
  if (typeof a === 'function') return a;
  if (!(a in ACTIVATIONS)) throw new Error(`${layer}: unknown activation '${String(a)}'`);
  return ACTIVATIONS[a];
}

// Layer name counters, per graph (eager mode shares one).
const counters = new WeakMap<Graph, Map<string, number>>();
const eagerCounter = new Map<string, number>();

/** TF's layer naming: the first "dense" is "dense", then "dense_1", "dense_2"… */
export function layerName(base: string, given?: string): string {
  if (given) return given;
  const map = executingEagerly() ? eagerCounter : counters.get(getDefaultGraph()) ?? new Map<string, number>();
  if (!executingEagerly()) counters.set(getDefaultGraph(), map);
  const n = map.get(base) ?? 0;
  map.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Runs a layer's body inside its variable scope. */
export function inLayerScope<T>(name: string, opts: LayerOptions, fn: () => T): T {
  return variableScope(name, fn, { reuse: opts.reuse });
}

/** tf.getVariable plus the regularizer's loss (added to REGULARIZATION_LOSSES, once). */
export function layerVariable(
  name: string,
  shape: number[],
  initializer: Initializer,
  opts: { trainable?: boolean; regularizer?: Regularizer | null; dtype?: 'float32' | 'float64' },
): Variable {
  const v = getVariable(name, { shape, initializer, trainable: opts.trainable ?? true, dtype: opts.dtype ?? 'float32' });
  if (opts.regularizer && !executingEagerly()) {
    const g = getDefaultGraph();
    const seen = regularized.get(g) ?? new Set<number>();
    regularized.set(g, seen);
    if (!seen.has(v.varId)) {
      seen.add(v.varId);
      g.addToCollection(GraphKeys.REGULARIZATION_LOSSES, opts.regularizer(v));
    }
  }
  return v;
}
const regularized = new WeakMap<Graph, Set<number>>();

/** tf.contrib.layers.l2_regularizer: scale · sum(w²) / 2. */
export function l2Regularizer(scale: number): Regularizer {
  if (!(scale >= 0)) throw new Error(`l2Regularizer: scale must be >= 0, got ${scale}`);
  return (w) => mul(scale, mul(0.5, reduceSum(square(w))));
}

/** tf.contrib.layers.l1_regularizer: scale · sum(|w|). */
export function l1Regularizer(scale: number): Regularizer {
  if (!(scale >= 0)) throw new Error(`l1Regularizer: scale must be >= 0, got ${scale}`);
  return (w) => mul(scale, reduceSum(abs(w)));
}

/** `conv2d 'conv1' (inputs [?,28,28,1])`: how errors name a layer, with its input's shape. */
export function layerLabel(kind: string, name: string, inputs: Tensor): string {
  return `${kind} '${name}' (inputs ${shapeString(inputs.shape)})`;
}

/** The static size of a dimension, or an Error naming the layer. */
export function knownDim(x: Tensor, axis: number, layer: string, what: string): number {
  const d = x.shape[axis < 0 ? x.shape.length + axis : axis];
  if (d === null || d === undefined) {
    throw new Error(`${layer}: the ${what} of the input must be known at graph construction, got shape ${shapeString(x.shape)}`);
  }
  return d;
}
