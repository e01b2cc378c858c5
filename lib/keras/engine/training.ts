/**
 * model.compile and the training graph it leads to, built once per model in the model's graph:
 * a target placeholder per output (int32 class ids for sparse losses), the total loss (mean of
 * each output's per-example loss, weighted, plus the layers' regularization losses), the metric
 * tensors, and on first training the optimizer's update op grouped with the layers' updates
 * (BatchNormalization's moving averages). A training step is then one Session.run of
 * [trainOp, loss, ...metrics].
 */
import type { Operation } from '../../graph/graph.js';
import { nameScope, placeholder } from '../../graph/graph.js';
import { group } from '../../graph/control.js';
import type { Variable } from '../../graph/variables.js';
import { add, mul } from '../../ops/binary.js';
import { reduceMean } from '../../ops/reduce.js';
import type { Tensor } from '../../tensor.js';
import { atTopLevel } from '../backend.js';
import type { Loss, LossIdentifier } from '../losses.js';
import { getLoss } from '../losses.js';
import type { MetricIdentifier } from '../metrics.js';
import { getMetric } from '../metrics.js';
import type { KerasOptimizer, OptimizerIdentifier } from '../optimizers/index.js';
import { getOptimizer } from '../optimizers/index.js';
import type { Model } from './model.js';

export interface CompileArgs {
  /** A name ('adam', 'sgd', 'rmsprop', 'adagrad', 'adadelta'), a tf.keras or tf.train optimizer. */
  optimizer: OptimizerIdentifier;
  /** One loss for every output, a list (one per output) or an object keyed by output layer name. */
  loss: LossIdentifier | LossIdentifier[] | Record<string, LossIdentifier>;
  /** Metrics for every output, or an object keyed by output layer name. */
  metrics?: MetricIdentifier[] | Record<string, MetricIdentifier[]>;
  /** Weights of the outputs' losses in the total loss (default 1 each). */
  lossWeights?: number[] | Record<string, number>;
}

/** compile's arguments, resolved per output. */
export interface CompiledConfig {
  optimizer: KerasOptimizer;
  losses: Loss[];
  metrics: MetricIdentifier[][];
  lossWeights: number[];
  /** As given (for model files). */
  args: CompileArgs;
}

export interface TrainingGraph {
  targets: Tensor[];
  /** Names of `fetches`: 'loss', then the metrics ('acc'; 'dense_1_acc' with several outputs). */
  names: string[];
  /** [total loss, ...] aligned with names. */
  fetches: Tensor[];
  trainOp: Operation | null;
}

/** Per output: one value for all, a list, or an object by output layer name. */
function perOutput<T>(
  spec: T | T[] | Record<string, T>,
  names: string[],
  what: string,
  isLeaf: (v: unknown) => boolean,
): T[] {
  if (Array.isArray(spec) && !isLeaf(spec)) {
    if (spec.length !== names.length) {
      throw new Error(
        `compile: ${what} has ${spec.length} entries for a model with ${names.length} ` +
          `output(s) [${names.join(', ')}]`,
      );
    }
    return spec;
  }
  if (spec && typeof spec === 'object' && !isLeaf(spec)) {
    const rec = spec as Record<string, T>;
    for (const k of Object.keys(rec)) {
      if (!names.includes(k)) {
        const known = names.join(', ');
        throw new Error(`compile: ${what} names an unknown output '${k}' (outputs: ${known})`);
      }
    }
    return names.map((n) => {
      if (!(n in rec)) throw new Error(`compile: ${what} has no entry for output '${n}'`);
      return rec[n];
    });
  }
  return names.map(() => spec as T);
}

/** Resolves compile's arguments; unknown names fail here, not at fit. */
export function resolveCompile(model: Model, args: CompileArgs): CompiledConfig {
  if (!args || typeof args !== 'object') {
    throw new Error('compile: expected { optimizer, loss, metrics? }');
  }
  if (args.loss === undefined) {
    throw new Error('compile: loss is required (e.g. { loss: "categoricalCrossentropy" })');
  }
  const optimizer = getOptimizer(args.optimizer, 'compile');
  const names = model.outputNames();
  const isLoss = (v: unknown) =>
    typeof v === 'string' ||
    typeof v === 'function' ||
    (!!v && typeof v === 'object' && 'call' in v);
  const losses = perOutput(args.loss, names, 'loss', isLoss).map((l) => getLoss(l, 'compile'));
  const metricsSpec = args.metrics ?? [];
  const metrics = Array.isArray(metricsSpec)
    ? names.map(() => metricsSpec)
    : perOutput<MetricIdentifier[]>(metricsSpec, names, 'metrics', () => false);
  // Validate metric names now (the output shape only decides what 'accuracy' means).
  metrics.forEach((ms, i) => ms.forEach((m) => getMetric(m, losses[i], [null, 2], 'compile')));
  const lossWeights = args.lossWeights === undefined
    ? names.map(() => 1)
    : perOutput(args.lossWeights, names, 'lossWeights', (v) => typeof v === 'number');
  lossWeights.forEach((w) => {
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw new Error(`compile: lossWeights must be finite numbers, got ${String(w)}`);
    }
  });
  return { optimizer, losses, metrics, lossWeights, args };
}

/** Builds the targets, the total loss and the metrics in the model's graph. */
export function buildTrainingGraph(model: Model, c: CompiledConfig): TrainingGraph {
  const g = model.graph!;
  const outs = model.outputs;
  const names = model.outputNames();
  const multi = outs.length > 1;
  return atTopLevel(g, () => {
    const targets = outs.map((o, i) => {
      const sparse = c.losses[i].kind === 'sparse';
      const shape = sparse ? [null, ...o.shape.slice(1, -1)] : [null, ...o.shape.slice(1)];
      return placeholder(sparse ? 'int32' : o.dtype, shape, `${names[i]}_target`);
    });
    // One scope for all of the loss (a scope opened again gets a new name, as in TF).
    const [perOutput, total] = nameScope('loss', (): [Tensor[], Tensor] => {
      const each = outs.map((o, i) => {
        let l = c.losses[i].call(targets[i], o);
        // Per-example losses of sequences ([batch, steps]) are averaged over the steps too.
        const extra = [...Array(l.shape.length).keys()].slice(1);
        if (extra.length) l = reduceMean(l, extra);
        return reduceMean(l);
      });
      const weighted = each.reduce<Tensor | null>((acc, l, i) => {
        const w = c.lossWeights[i] === 1 ? l : mul(l, c.lossWeights[i]);
        return acc ? add(acc, w) : w;
      }, null)!;
      return [each, model.losses.reduce((acc, r) => add(acc, r), weighted)];
    });
    const fetchNames = ['loss'];
    const fetches = [total];
    if (multi) perOutput.forEach((l, i) => (fetchNames.push(`${names[i]}_loss`), fetches.push(l)));
    nameScope('metrics', () =>
      outs.forEach((o, i) => {
        for (const id of c.metrics[i]) {
          const { name, fn } = getMetric(id, c.losses[i], o.shape, 'compile');
          fetchNames.push(multi ? `${names[i]}_${name}` : name);
          fetches.push(reduceMean(fn(targets[i], o)));
        }
      }),
    );
    const dup = fetchNames.find((n, i) => fetchNames.indexOf(n) !== i);
    if (dup) throw new Error(`compile: the metric name '${dup}' is used twice`);
    return { targets, names: fetchNames, fetches, trainOp: null };
  });
}

/** The op of one training step: the optimizer's update, then iterations += 1, and the updates. */
export function buildTrainOp(model: Model, c: CompiledConfig, tg: TrainingGraph): Operation {
  const g = model.graph!;
  const vars: Variable[] = model.trainableWeights;
  if (!vars.length) {
    throw new Error(`${model.describe()}: the model has no trainable weights to train`);
  }
  const st = c.optimizer.state(g);
  return atTopLevel(g, () =>
    nameScope('training', () => {
      const loss = tg.fetches[0];
      const step = st.optimizer.minimize(loss, { varList: vars, globalStep: st.iterations });
      return group([step, ...model.updates], 'train');
    }),
  );
}
