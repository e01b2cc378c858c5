/**
 * nodeflow: TensorFlow 1.x for Node.js.
 *
 *   import * as tf from 'nodeflow';
 *   tf.enableEagerExecution();
 *   const y = tf.matmul(tf.constant([[1, 2]]), tf.constant([[3], [4]]));
 */
export type { DType, Shape, TypedArray } from './dtype.js';
export { Tensor } from './tensor.js';
export type { TensorLike } from './convert.js';
export {
  enableEagerExecution,
  disableEagerExecution,
  executingEagerly,
  tidy,
  keep,
  dispose,
  memory,
} from './engine.js';
export type { MemoryInfo, NameOption } from './engine.js';
export { GradientTape } from './autograd.js';
export {
  Graph,
  Operation,
  getDefaultGraph,
  resetDefaultGraph,
  nameScope,
  controlDependencies,
  device,
  placeholder,
  placeholderWithDefault,
  getCollection,
  addToCollection,
} from './graph/graph.js';
export { Variable, GraphKeys, assign, assignAdd, assignSub, globalVariables, trainableVariables } from './graph/variables.js';
export { variableScope, getVariable, getVariableScopeName, AUTO_REUSE } from './graph/variable_scope.js';
export type { CustomGetter, Reuse, GetVariableOptions, VariableScopeOptions } from './graph/variable_scope.js';
export * from './graph/initializers.js';
export { noOp, group, variablesInitializer, globalVariablesInitializer } from './graph/control.js';
export { gradients } from './graph/gradients.js';
export { cond, caseOf as case } from './graph/cond.js';
export type { CondOptions, FlowItem, FlowValue } from './graph/cond.js';
export { whileLoop } from './graph/while_loop.js';
export { foldl, foldr, scan, mapFn } from './graph/functional.js';
export type { FoldOptions, ScanOptions } from './graph/functional.js';
export type { WhileLoopOptions } from './graph/while_loop.js';
export { Session, InteractiveSession } from './graph/session.js';
export type { Fetches, Feeds, FeedValue, SessionOptions, SessionConfig } from './graph/session.js';
export * from './ops/index.js';
export { cuda, setBackendOption, getBackendOption, buildInfo } from './backend.js';
export type { CudaInfo, CudaMemoryInfo, GpuOptions } from './cuda.js';
export * as datasets from './datasets/index.js';
export { data, errors } from './data/index.js';
export type { Dataset, PartSpec, Structure, OneShotIterator, InitializableIterator } from './data/index.js';
export { nn, losses, sequenceMask } from './nn/index.js';
export type {
  LossOptions, Reduction, RNNCell, RNNState, StateSize, CellOptions, LSTMCellOptions, DynamicRnnOptions, BidirectionalRnnOptions,
  BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell,
} from './nn/index.js';
export { image } from './image/index.js';
export { train, clipOps, clipByGlobalNorm, clipByNorm, globalNorm } from './train/index.js';
export type {
  GradAndVar, MinimizeOptions, ApplyOptions, Hyper, AdamOptions, RMSPropOptions, ExponentialMovingAverageOptions,
  SaverOptions, SaveOptions, CheckpointState, SaverDef, MetaGraphDef, ExportMetaGraphOptions, ImportMetaGraphOptions,
} from './train/index.js';
// The classes of tf.train as types (`let opt: tf.AdamOptimizer`), and the option types of
// public signatures, so TypeScript code can name them (and the API docs include them).
export type { Optimizer } from './train/optimizer.js';
export type { GradientDescentOptimizer } from './train/gradient_descent.js';
export type { MomentumOptimizer } from './train/momentum.js';
export type { AdamOptimizer } from './train/adam.js';
export type { AdagradOptimizer } from './train/adagrad.js';
export type { AdadeltaOptimizer } from './train/adadelta.js';
export type { RMSPropOptimizer } from './train/rmsprop.js';
export type { Saver } from './train/saver.js';
export type { ExponentialMovingAverage } from './train/moving_averages.js';
export type { Conv2DOptions, Pooling2DOptions } from './layers/conv.js';
export type { DenseOptions, DropoutLayerOptions } from './layers/core.js';
export type { BatchNormOptions } from './layers/normalization.js';
export type { Activation } from './layers/base.js';
export type { DropoutOptions } from './nn/dropout.js';
export type { VariableOptions } from './graph/variables.js';
export type { Fetch } from './graph/session.js';
export type { NestedArray } from './convert.js';
export * as summary from './summary/index.js';
export { layers, contrib } from './layers/index.js';
export * as keras from './keras/index.js';
