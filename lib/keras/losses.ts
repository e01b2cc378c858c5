/**
 * tf.keras.losses: per-example losses (yTrue, yPred) → [batch], averaged over the batch by the
 * model. As TF 1.x Keras, the cross-entropies on probabilities use the logits when yPred comes
 * straight out of a softmax (or sigmoid) node, and clip probabilities to [ε, 1 − ε] otherwise.
 * Also looked up by name: 'categoricalCrossentropy' / 'categorical_crossentropy', 'mse', ….
 */
import type { Operation } from '../graph/graph.js';
import type { Tensor } from '../tensor.js';
import { add, clipByValue, div, mul, sub } from '../ops/binary.js';
import { cast } from '../ops/index_ops.js';
import { reduceMean, reduceSum } from '../ops/reduce.js';
import {
  sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits,
} from '../ops/softmax.js';
import { abs, log, neg, square } from '../ops/unary.js';

/** Keras' fuzz factor K.epsilon(). */
export const EPSILON = 1e-7;

/** A per-example loss function. */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** The input of yPred's node when yPred is the output of an op of that type (its logits). */
function logitsOf(yPred: Tensor, type: 'softmax' | 'sigmoid'): Tensor | null {
  const op = yPred.op as Operation | null;
  if (!op || op.type !== type) return null;
  if (type === 'softmax') {
    const axis = op.attrs.axis as number | undefined;
    if (axis !== undefined && axis !== -1 && axis !== yPred.shape.length - 1) return null;
  }
  return op.inputs[0];
}

const clip = (p: Tensor) => clipByValue(p, EPSILON, 1 - EPSILON);

function smoothCategorical(yTrue: Tensor, yPred: Tensor, s: number): Tensor {
  if (!s) return yTrue;
  const c = yPred.shape[yPred.shape.length - 1];
  if (c === null) {
    throw new Error('categoricalCrossentropy: labelSmoothing needs a known number of classes');
  }
  return add(mul(yTrue, 1 - s), s / c);
}

/** −Σ yTrue·log(yPred) over the last axis (yTrue one-hot or probabilities). */
export function categoricalCrossentropy(
  yTrue: Tensor, yPred: Tensor, fromLogits = false, labelSmoothing = 0,
): Tensor {
  const y = smoothCategorical(yTrue, yPred, labelSmoothing);
  const logits = fromLogits ? yPred : logitsOf(yPred, 'softmax');
  if (logits) return softmaxCrossEntropyWithLogits({ labels: y, logits });
  const p = clip(div(yPred, reduceSum(yPred, -1, true)));
  return neg(reduceSum(mul(y, log(p)), -1));
}

/** Cross-entropy of int32 class ids yTrue [batch] against yPred [batch, classes]. */
export function sparseCategoricalCrossentropy(
  yTrue: Tensor, yPred: Tensor, fromLogits = false,
): Tensor {
  const labels = yTrue.dtype === 'int32' ? yTrue : cast(yTrue, 'int32');
  // log p as logits: softmax(log p) = p / Σp, so this is −log of the normalised probability.
  const logits = fromLogits ? yPred : logitsOf(yPred, 'softmax') ?? log(clip(yPred));
  return sparseSoftmaxCrossEntropyWithLogits({ labels, logits });
}

/** Mean over the last axis of −y·log(p) − (1 − y)·log(1 − p). */
export function binaryCrossentropy(
  yTrue: Tensor, yPred: Tensor, fromLogits = false, labelSmoothing = 0,
): Tensor {
  const s = labelSmoothing;
  const y = s ? add(mul(yTrue, 1 - s), 0.5 * s) : yTrue;
  let logits = fromLogits ? yPred : logitsOf(yPred, 'sigmoid');
  if (!logits) {
    const p = clip(yPred);
    logits = log(div(p, sub(1, p)));
  }
  return reduceMean(sigmoidCrossEntropyWithLogits({ labels: y, logits }), -1);
}

/** Mean over the last axis of (yPred − yTrue)². */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  return reduceMean(square(sub(yPred, yTrue)), -1);
}

/** Mean over the last axis of |yPred − yTrue|. */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  return reduceMean(abs(sub(yPred, yTrue)), -1);
}

/** What targets a loss wants and which accuracy goes with it. */
export type LossKind = 'categorical' | 'sparse' | 'binary' | 'other';

/** A loss object (Keras' tf.keras.losses.Loss). */
export class Loss {
  static className = 'Loss';
  constructor(
    /** The name in model files (a custom loss is looked up by it in customObjects). */
    readonly name: string,
    private readonly fn: LossFunction,
    /** @internal */ readonly kind: LossKind = 'other',
    readonly fromLogits = false,
    private readonly config: Record<string, unknown> = {},
  ) {}

  /** The per-example loss, shape [batch]. */
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return this.fn(yTrue, yPred);
  }
  get className(): string {
    return (this.constructor as typeof Loss).className;
  }
  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }
}

export interface CrossentropyOptions {
  /** yPred are logits, not probabilities. */
  fromLogits?: boolean;
  /** Moves targets towards uniform by this amount. */
  labelSmoothing?: number;
  name?: string;
}

/**
 * categoricalCrossentropy as an object.
 *
 *   new tf.keras.losses.CategoricalCrossentropy({ fromLogits: true })
 */
export class CategoricalCrossentropy extends Loss {
  static override className = 'CategoricalCrossentropy';
  constructor(o: CrossentropyOptions = {}) {
    const f = !!o.fromLogits;
    const s = o.labelSmoothing ?? 0;
    const fn: LossFunction = (t, p) => categoricalCrossentropy(t, p, f, s);
    const config = { fromLogits: f, labelSmoothing: s };
    super(o.name ?? 'categorical_crossentropy', fn, 'categorical', f, config);
  }
}

/** sparseCategoricalCrossentropy as an object. */
export class SparseCategoricalCrossentropy extends Loss {
  static override className = 'SparseCategoricalCrossentropy';
  constructor(o: { fromLogits?: boolean; name?: string } = {}) {
    const f = !!o.fromLogits;
    const fn: LossFunction = (t, p) => sparseCategoricalCrossentropy(t, p, f);
    super(o.name ?? 'sparse_categorical_crossentropy', fn, 'sparse', f, { fromLogits: f });
  }
}

/** binaryCrossentropy as an object. */
export class BinaryCrossentropy extends Loss {
  static override className = 'BinaryCrossentropy';
  constructor(o: CrossentropyOptions = {}) {
    const f = !!o.fromLogits;
    const s = o.labelSmoothing ?? 0;
    const fn: LossFunction = (t, p) => binaryCrossentropy(t, p, f, s);
    super(o.name ?? 'binary_crossentropy', fn, 'binary', f, { fromLogits: f, labelSmoothing: s });
  }
}

/** meanSquaredError as an object. */
export class MeanSquaredError extends Loss {
  static override className = 'MeanSquaredError';
  constructor(o: { name?: string } = {}) {
    super(o.name ?? 'mean_squared_error', meanSquaredError);
  }
}

/** meanAbsoluteError as an object. */
export class MeanAbsoluteError extends Loss {
  static override className = 'MeanAbsoluteError';
  constructor(o: { name?: string } = {}) {
    super(o.name ?? 'mean_absolute_error', meanAbsoluteError);
  }
}

type LossClass = new (o?: { name?: string }) => Loss;

/** Loss classes by className (for model files). */
export const LOSS_CLASSES: Record<string, LossClass> = {
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  BinaryCrossentropy,
  MeanSquaredError,
  MeanAbsoluteError,
};

// Names, lower case without underscores, and the functions users may pass instead of names.
const BY_NAME: Record<string, LossClass> = {
  categoricalcrossentropy: CategoricalCrossentropy,
  sparsecategoricalcrossentropy: SparseCategoricalCrossentropy,
  binarycrossentropy: BinaryCrossentropy,
  meansquarederror: MeanSquaredError,
  mse: MeanSquaredError,
  meanabsoluteerror: MeanAbsoluteError,
  mae: MeanAbsoluteError,
};
const BUILT_IN_FUNCTIONS = new Map<LossFunction, string>([
  [categoricalCrossentropy, 'categoricalCrossentropy'],
  [sparseCategoricalCrossentropy, 'sparseCategoricalCrossentropy'],
  [binaryCrossentropy, 'binaryCrossentropy'],
  [meanSquaredError, 'meanSquaredError'],
  [meanAbsoluteError, 'meanAbsoluteError'],
]);

/** A loss given to compile: a name, a Loss object or a function (yTrue, yPred) → [batch]. */
export type LossIdentifier = string | Loss | LossFunction;

/** Resolves a loss identifier; names are case- and underscore-insensitive. */
export function getLoss(id: LossIdentifier, what = 'compile'): Loss {
  if (id instanceof Loss) return id;
  if (typeof id === 'string') {
    const cls = BY_NAME[id.replace(/_/g, '').toLowerCase()];
    if (!cls) {
      throw new Error(
        `${what}: unknown loss '${id}' (known: categoricalCrossentropy, ` +
          'sparseCategoricalCrossentropy, binaryCrossentropy, meanSquaredError or mse, ' +
          'meanAbsoluteError or mae; or pass a function)',
      );
    }
    // The user's spelling names the loss (model files, messages).
    return new cls({ name: id });
  }
  if (typeof id === 'function') {
    const builtIn = BUILT_IN_FUNCTIONS.get(id);
    if (builtIn) return getLoss(builtIn, what);
    return new Loss(id.name || 'custom_loss', id);
  }
  throw new Error(
    `${what}: a loss must be a name, a tf.keras.losses.Loss or a function (yTrue, yPred) => ` +
      `Tensor, got ${id === null ? 'null' : typeof id}`,
  );
}
