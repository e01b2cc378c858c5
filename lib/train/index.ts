/**
 * tf.train: optimizers (one fused native update op per variable), the global step,
 * learning-rate decay, moving averages of variables, checkpoints (Saver), meta graphs (export/importMetaGraph); and the
 * gradient clipping ops (also top-level, as tf.clip_by_*).
 */
import { AdadeltaOptimizer } from './adadelta.js';
import { AdagradOptimizer } from './adagrad.js';
import { AdamOptimizer } from './adam.js';
import { clipByGlobalNorm, clipByNorm, clipOps, globalNorm } from './clip.js';
import { createGlobalStep, getGlobalStep, getOrCreateGlobalStep } from './global_step.js';
import { GradientDescentOptimizer } from './gradient_descent.js';
import { exponentialDecay } from './learning_rate.js';
import { MomentumOptimizer } from './momentum.js';
import { ExponentialMovingAverage } from './moving_averages.js';
import { Optimizer } from './optimizer.js';
import { RMSPropOptimizer } from './rmsprop.js';
import * as trainingOps from './training_ops.js';
import { getCheckpointState, latestCheckpoint, Saver } from './saver.js';
import { exportMetaGraph, importMetaGraph } from './meta_graph.js';
import { summaryIterator } from '../summary/reader.js';

export type { ApplyOptions, GradAndVar, Hyper, MinimizeOptions } from './optimizer.js';
export type { AdamOptions } from './adam.js';
export type { ExponentialMovingAverageOptions } from './moving_averages.js';
export type { RMSPropOptions } from './rmsprop.js';
export type { SaverOptions, SaveOptions, CheckpointState, SaverDef } from './saver.js';
export type { MetaGraphDef, ExportMetaGraphOptions, ImportMetaGraphOptions } from './meta_graph.js';
/** trainingOps: the fused update ops themselves (TF's training_ops), for custom optimizers. */
export {
  Optimizer, GradientDescentOptimizer, MomentumOptimizer, AdagradOptimizer, AdadeltaOptimizer, RMSPropOptimizer,
  AdamOptimizer, ExponentialMovingAverage, getGlobalStep, createGlobalStep, getOrCreateGlobalStep, exponentialDecay,
  clipByGlobalNorm, clipByNorm, globalNorm, clipOps, trainingOps,
};

/** The tf.train namespace. */
export const train = {
  ExponentialMovingAverage,
  Optimizer,
  GradientDescentOptimizer,
  MomentumOptimizer,
  AdagradOptimizer,
  AdadeltaOptimizer,
  RMSPropOptimizer,
  AdamOptimizer,
  getGlobalStep,
  createGlobalStep,
  getOrCreateGlobalStep,
  exponentialDecay,
  Saver,
  latestCheckpoint,
  getCheckpointState,
  exportMetaGraph,
  importMetaGraph,
  summaryIterator,
};
