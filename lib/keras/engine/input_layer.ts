/**
 * tf.keras.Input and InputLayer: the entry points of a model, a placeholder [batch, ...shape]
 * (batch null unless given) named after the layer ("input_1", "input_2"…).
 */
import type { DType } from '../../dtype.js';
import type { Operation } from '../../graph/graph.js';
import { placeholder } from '../../graph/graph.js';
import type { Tensor } from '../../tensor.js';
import { uniqueLayerName } from '../backend.js';
import type { LayerArgs, LayerConfig, SymbolicShape } from './layer.js';
import { Layer } from './layer.js';
import { Node, setHistory } from './node.js';

export interface InputLayerArgs extends LayerArgs {
  /** dtype of the placeholder (default float32). */
  dtype?: DType;
}

export class InputLayer extends Layer {
  static override className = 'InputLayer';
  /** The placeholder this layer feeds. */
  readonly placeholder: Tensor;

  /**
   *   const layer = new tf.keras.layers.InputLayer({ inputShape: [784] });
   */
  constructor(args: InputLayerArgs) {
    super({ ...args, name: args.name ?? uniqueLayerName('input', undefined, true) });
    if (!this.batchInputShape) {
      throw new Error(
        `${this.describe()}: pass inputShape (the shape of one example) or batchInputShape`,
      );
    }
    this.placeholder = placeholder(this.dtype ?? 'float32', this.batchInputShape, this.name);
    this.graph = (this.placeholder.op as Operation).graph;
    this.built = true;
    this.inboundNodes.push(new Node(this, [], [this.placeholder], {}));
    setHistory(this.placeholder, { layer: this, nodeIndex: 0, tensorIndex: 0 });
  }

  override apply(): never {
    throw new Error(
      `${this.describe()}: an InputLayer is not applied to tensors; use its output ` +
        `(tf.keras.Input)`,
    );
  }

  override getConfig(): LayerConfig {
    const dtype = this.dtype ?? 'float32';
    return { name: this.name, batchInputShape: this.batchInputShape, dtype };
  }
}

export interface InputArgs {
  /** Shape of one example, without the batch dimension (null: unknown). */
  shape?: SymbolicShape;
  /** Fixed batch size (default: any). */
  batchSize?: number;
  /** Full shape including the batch dimension, instead of shape. */
  batchShape?: SymbolicShape;
  name?: string;
  dtype?: DType;
}

/**
 * A symbolic input of a functional model: a placeholder [batch, ...shape].
 *
 *   const inputs = tf.keras.Input([784]);            // or tf.keras.Input({ shape: [784] })
 *   const outputs = new tf.keras.layers.Dense(10).apply(inputs) as tf.Tensor;
 *   const model = new tf.keras.Model({ inputs, outputs });
 */
export function Input(
  shapeOrArgs: SymbolicShape | InputArgs,
  args: Omit<InputArgs, 'shape'> = {},
): Tensor {
  const a: InputArgs = Array.isArray(shapeOrArgs)
    ? { ...args, shape: shapeOrArgs }
    : { ...shapeOrArgs };
  if (!a.shape && !a.batchShape) {
    throw new Error(
      'tf.keras.Input: pass shape (the shape of one example, e.g. [784]) or batchShape',
    );
  }
  const layer = new InputLayer({
    name: a.name,
    dtype: a.dtype,
    inputShape: a.batchShape ? undefined : a.shape,
    batchSize: a.batchSize,
    batchInputShape: a.batchShape,
  });
  return layer.placeholder;
}
