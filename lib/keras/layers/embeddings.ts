/**
 * tf.keras.layers.Embedding: integer ids [batch, ...] → rows of a trainable table
 * [inputDim, outputDim], giving [batch, ..., outputDim]. Float ids are cast to int32 (Keras
 * feeds float inputs by default); an id outside [0, inputDim) is an Error at run time.
 */
import { shapeString } from '../../dtype.js';
import type { Initializer } from '../../graph/initializers.js';
import type { Variable } from '../../graph/variables.js';
import { cast, gather } from '../../ops/index_ops.js';
import type { Tensor } from '../../tensor.js';
import type { LayerArgs, LayerConfig, SymbolicShape } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';
import type { InitializerIdentifier } from '../initializers.js';
import { getInitializer, serializeInitializer } from '../initializers.js';
import type { RegularizerIdentifier } from '../regularizers.js';
import { getRegularizer, serializeRegularizer } from '../regularizers.js';

export interface EmbeddingArgs extends LayerArgs {
  /** Vocabulary size: ids are in [0, inputDim). */
  inputDim: number;
  /** Size of each embedding vector. */
  outputDim: number;
  embeddingsInitializer?: InitializerIdentifier;
  embeddingsRegularizer?: RegularizerIdentifier;
  /** Length of the id sequences, when constant (sets inputShape [inputLength]). */
  inputLength?: number;
  /** Not supported (nodeflow's Keras has no masking). */
  maskZero?: false;
}

export class Embedding extends Layer {
  static override className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  embeddings: Variable | null = null;
  private readonly args: EmbeddingArgs;
  private readonly init: Initializer;

  /** `new tf.keras.layers.Embedding(1000, 64, { inputLength: 10 })` */
  constructor(
    inputDim: number | EmbeddingArgs,
    outputDim?: number,
    args: Omit<EmbeddingArgs, 'inputDim' | 'outputDim'> = {},
  ) {
    const a: EmbeddingArgs = typeof inputDim === 'object'
      ? inputDim
      : { ...args, inputDim, outputDim: outputDim as number };
    // As Keras: inputLength alone gives the input shape of a Sequential's first layer.
    const shapeGiven = !!a.inputShape || !!a.batchInputShape;
    const fromLength = a.inputLength !== undefined && !shapeGiven;
    const shaped = fromLength ? { ...a, inputShape: [a.inputLength as number] } : a;
    super(shaped);
    this.args = a;
    const what = this.describe();
    for (const k of ['inputDim', 'outputDim'] as const) {
      if (!Number.isInteger(a[k]) || a[k] <= 0) {
        throw new Error(`${what}: ${k} must be a positive integer, got ${a[k]}`);
      }
    }
    if (a.maskZero) throw new Error(`${what}: maskZero is not supported`);
    this.inputDim = a.inputDim;
    this.outputDim = a.outputDim;
    this.init = getInitializer(a.embeddingsInitializer, 'uniform', what);
    getRegularizer(a.embeddingsRegularizer, what);
  }

  override build(_inputShape: SymbolicShape | SymbolicShape[]): void {
    const what = this.describe();
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], {
      initializer: this.init,
      regularizer: getRegularizer(this.args.embeddingsRegularizer, what),
      dtype: 'float32',
    });
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    if (x.dtype === 'bool') {
      throw new Error(`expected integer ids, got a bool input of shape ${shapeString(x.shape)}`);
    }
    return gather(this.embeddings!, x.dtype === 'int32' ? x : cast(x, 'int32'));
  }

  override getConfig(): LayerConfig {
    const c: LayerConfig = {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: serializeInitializer(this.args.embeddingsInitializer, 'uniform'),
      embeddingsRegularizer: serializeRegularizer(this.args.embeddingsRegularizer, this.describe()),
    };
    if (this.args.inputLength !== undefined) c.inputLength = this.args.inputLength;
    return c;
  }
}
