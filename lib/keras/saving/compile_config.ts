/**
 * model.compile's arguments in model files: the optimizer as { className, config } (a wrapped
 * tf.train optimizer as its class and hyperparameters), one loss and one list of metrics per
 * output (names as given; Loss objects as { className, config }; custom functions by name, found
 * again in customObjects), and the loss weights.
 */
import type { CompileArgs } from '../engine/training.js';
import type { Model } from '../engine/model.js';
import type { LossIdentifier } from '../losses.js';
import { getLoss, Loss, LOSS_CLASSES } from '../losses.js';
import type { MetricIdentifier } from '../metrics.js';
import type { Hypers, KerasOptimizer } from '../optimizers/index.js';
import { OPTIMIZER_CLASSES, TFOptimizer, tfOptimizerFromConfig } from '../optimizers/index.js';
import type { CustomObjects } from './config.js';

export interface CompileConfig {
  optimizer: { className: string; config: Record<string, unknown> };
  loss: unknown[];
  metrics: string[][];
  lossWeights: number[];
}

function serializeLoss(l: Loss): unknown {
  return l.className === 'Loss' ? l.name : { className: l.className, config: l.getConfig() };
}

/** The compile arguments of a model (null if it was not compiled). */
export function compileConfig(model: Model): CompileConfig | null {
  const c = model.compiled;
  if (!c) return null;
  const opt = c.optimizer;
  const optimizer = opt instanceof TFOptimizer
    ? {
        className: 'TFOptimizer',
        config: { tfClass: opt.tfClassName, name: opt.tfName, hypers: opt.getConfig() },
      }
    : { className: opt.className, config: opt.getConfig() };
  const metrics = c.metrics.map((ms) => ms.map((m) => {
    if (typeof m === 'string') return m;
    if (!m.name) {
      throw new Error(
        `${model.describe()}.save: cannot save an anonymous metric function; give it a name ` +
          '(and pass it in customObjects when loading)',
      );
    }
    return m.name;
  }));
  return { optimizer, loss: c.losses.map(serializeLoss), metrics, lossWeights: c.lossWeights };
}

function lossFrom(l: unknown, custom: CustomObjects): LossIdentifier {
  if (typeof l === 'string') {
    const fn = custom[l];
    return typeof fn === 'function' ? (fn as LossIdentifier) : getLoss(l, 'loadModel');
  }
  const o = l as { className?: string; config?: Record<string, unknown> };
  const cls = o?.className ? LOSS_CLASSES[o.className] : undefined;
  if (!cls) throw new Error(`loadModel: unknown loss ${JSON.stringify(l)}`);
  return new cls(o.config);
}

function optimizerFrom(o: CompileConfig['optimizer']): KerasOptimizer {
  if (o.className === 'TFOptimizer') {
    const c = o.config as { tfClass: string; name: string; hypers: Hypers };
    return new TFOptimizer(tfOptimizerFromConfig(c.tfClass, c.name, c.hypers));
  }
  const cls = OPTIMIZER_CLASSES[o.className];
  if (!cls) throw new Error(`loadModel: unknown optimizer class '${o.className}'`);
  return new cls(o.config as Hypers);
}

/** compile's arguments back from a model file. */
export function compileArgsFrom(
  t: CompileConfig,
  model: Model,
  custom: CustomObjects,
): CompileArgs {
  const metric = (m: string): MetricIdentifier => {
    const fn = custom[m];
    return typeof fn === 'function' ? (fn as MetricIdentifier) : m;
  };
  const names = model.outputNames();
  return {
    optimizer: optimizerFrom(t.optimizer),
    loss: t.loss.map((l) => lossFrom(l, custom)),
    metrics: Object.fromEntries(names.map((n, i) => [n, t.metrics[i].map(metric)])),
    lossWeights: t.lossWeights,
  };
}
