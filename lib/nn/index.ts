/** The tf.nn and tf.losses namespaces, as TensorFlow 1.x lays them out. */
import { elu, leakyRelu, relu, relu6, selu, sigmoid, softplus, softsign, tanh } from '../ops/unary.js';
import {
  logSoftmax,
  sigmoidCrossEntropyWithLogits,
  softmax,
  softmaxCrossEntropyWithLogits,
  softmaxCrossEntropyWithLogitsV2,
  sparseSoftmaxCrossEntropyWithLogits,
} from '../ops/softmax.js';
import { dropout } from './dropout.js';
import { batchNormalization, biasAdd, conv1d, conv2d, conv2dTranspose } from '../ops/conv.js';
import { avgPool, maxPool } from '../ops/pool.js';
import {
  depthwiseConv2d,
  depthwiseConv2dNative,
  depthwiseConv2dNativeBackpropFilter,
  depthwiseConv2dNativeBackpropInput,
} from '../ops/depthwise.js';
import { fusedBatchNorm, localResponseNormalization, lrn } from '../ops/norm.js';
import { l2Loss, l2Normalize, moments } from './moments.js';
import { embeddingLookup } from './embedding.js';
import * as lossFns from './losses.js';
import { bidirectionalDynamicRnn, dynamicRnn, rnnCell } from './rnn.js';
export { sequenceMask } from './rnn.js';

export const nn = {
  relu,
  relu6,
  elu,
  selu,
  leakyRelu,
  softplus,
  softsign,
  sigmoid,
  tanh,
  softmax,
  logSoftmax,
  softmaxCrossEntropyWithLogits,
  softmaxCrossEntropyWithLogitsV2,
  sparseSoftmaxCrossEntropyWithLogits,
  sigmoidCrossEntropyWithLogits,
  dropout,
  conv2d,
  conv2dTranspose,
  conv1d,
  depthwiseConv2d,
  depthwiseConv2dNative,
  depthwiseConv2dNativeBackpropInput,
  depthwiseConv2dNativeBackpropFilter,
  maxPool,
  avgPool,
  biasAdd,
  batchNormalization,
  fusedBatchNorm,
  lrn,
  localResponseNormalization,
  l2Loss,
  l2Normalize,
  moments,
  embeddingLookup,
  dynamicRnn,
  bidirectionalDynamicRnn,
  rnnCell,
};

export const losses = {
  meanSquaredError: lossFns.meanSquaredError,
  absoluteDifference: lossFns.absoluteDifference,
  huberLoss: lossFns.huberLoss,
  logLoss: lossFns.logLoss,
  sigmoidCrossEntropy: lossFns.sigmoidCrossEntropy,
  softmaxCrossEntropy: lossFns.softmaxCrossEntropy,
  sparseSoftmaxCrossEntropy: lossFns.sparseSoftmaxCrossEntropy,
  getLosses: lossFns.getLosses,
};
export type { LossOptions, Reduction } from './losses.js';
export type {
  RNNCell, RNNState, StateSize, CellOptions, LSTMCellOptions, DynamicRnnOptions, BidirectionalRnnOptions,
  BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell,
} from './rnn.js';
