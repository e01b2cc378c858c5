/** tf.keras.layers: the layer classes, and the registry model files are rebuilt from. */
import { InputLayer } from '../engine/input_layer.js';
import { Layer } from '../engine/layer.js';
import type { LayerConfig } from '../engine/layer.js';
import { LeakyReLU } from './activations.js';
import { Conv1D, Conv2D, Conv2DTranspose } from './conv.js';
import { Activation, Dropout, Flatten, Reshape } from './core.js';
import { Dense } from './dense.js';
import { Embedding } from './embeddings.js';
import { GRU, LSTM, SimpleRNN } from './recurrent.js';
import { Bidirectional, setLayerFactory } from './wrappers.js';
import { Add, Concatenate } from './merge.js';
import { BatchNormalization } from './normalization.js';
import {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, MaxPooling1D,
  MaxPooling2D,
} from './pooling.js';
import { UpSampling2D, ZeroPadding2D } from './reshaping.js';

export {
  Layer, InputLayer, Dense, Flatten, Reshape, Dropout, Activation, Conv2D, Conv2DTranspose,
  MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, BatchNormalization, UpSampling2D,
  ZeroPadding2D, Concatenate, Add,
  LeakyReLU, Embedding, SimpleRNN, LSTM, GRU, Bidirectional, Conv1D, MaxPooling1D, AveragePooling1D,
  GlobalAveragePooling1D, GlobalMaxPooling1D,
};
export type { LayerArgs, LayerConfig, SymbolicShape, AddWeightOptions } from '../engine/layer.js';
export type { InputLayerArgs } from '../engine/input_layer.js';
export type { CallArgs } from '../engine/node.js';
export type { ReshapeArgs, DropoutArgs, ActivationArgs } from './core.js';
export type { DenseArgs } from './dense.js';
export type { Conv2DArgs, ConvPositional, Conv1DArgs } from './conv.js';
export type { Pooling2DArgs, Pooling1DArgs } from './pooling.js';
export type { BatchNormalizationArgs } from './normalization.js';
export type { UpSampling2DArgs, ZeroPadding2DArgs, Padding2D } from './reshaping.js';
export type { ConcatenateArgs } from './merge.js';
export type { LeakyReLUArgs } from './activations.js';
export type { EmbeddingArgs } from './embeddings.js';
export type { RecurrentArgs, Recurrent } from './recurrent.js';
export type { BidirectionalArgs, MergeMode } from './wrappers.js';
export type { KernelBiasArgs } from './layer_args.js';
export type { ActivationIdentifier } from '../activations.js';
export type { InitializerIdentifier } from '../initializers.js';
export type { RegularizerIdentifier } from '../regularizers.js';
export type { Pair } from '../../layers/conv.js';
export type { Regularizer } from '../../layers/base.js';

/** A layer class that can be built from its config. */
export type LayerClass = new (config: never) => Layer;

/** The built-in layer classes by Keras class name. */
export const LAYER_CLASSES: Record<string, LayerClass> = {
  InputLayer, Dense, Flatten, Reshape, Dropout, Activation, Conv2D, Conv2DTranspose, MaxPooling2D,
  AveragePooling2D, GlobalAveragePooling2D, BatchNormalization, UpSampling2D, ZeroPadding2D,
  Concatenate, Add, LeakyReLU, Embedding, SimpleRNN, LSTM, GRU, Bidirectional, Conv1D, MaxPooling1D,
  AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D,
};

/** A built-in layer from its config (every constructor also takes the options object alone). */
export function layerFromConfig(className: string, config: LayerConfig): Layer | null {
  const cls = LAYER_CLASSES[className];
  return cls ? new cls(config as never) : null;
}
setLayerFactory(layerFromConfig);
