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
export { Session, InteractiveSession } from './graph/session.js';
export type { Fetches, Feeds, FeedValue, SessionOptions, SessionConfig } from './graph/session.js';
export * from './ops/index.js';
export { cuda, setBackendOption, getBackendOption, buildInfo } from './backend.js';
export type { CudaInfo, CudaMemoryInfo, GpuOptions } from './cuda.js';
export * as datasets from './datasets/index.js';
export { nn, losses } from './nn/index.js';
export type { LossOptions, Reduction } from './nn/index.js';
export { image } from './image/index.js';
export { train, clipOps, clipByGlobalNorm, clipByNorm, globalNorm } from './train/index.js';
export type { GradAndVar, MinimizeOptions, ApplyOptions, Hyper } from './train/index.js';
export * as summary from './summary/index.js';
export { layers, contrib } from './layers/index.js';
export * as keras from './keras/index.js';
