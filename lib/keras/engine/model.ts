/**
 * tf.keras.Model: a network of layers from tf.keras.Input tensors to output tensors (the
 * functional API), trained with compile / fit / evaluate / predict in its graph's Keras session.
 * A model is also a layer: apply() replays it on new tensors with the same weights.
 *
 *   const inputs = tf.keras.Input([784]);
 *   const h = new tf.keras.layers.Dense(64, { activation: 'relu' }).apply(inputs) as tf.Tensor;
 *   const outputs = new tf.keras.layers.Dense(10, { activation: 'softmax' }).apply(h) as tf.Tensor;
 *   const model = new tf.keras.Model({ inputs, outputs });
 *   model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 *   const history = await model.fit(x, y, { epochs: 5, batchSize: 32 });
 */
import type { TensorLike } from '../../convert.js';
import type { Operation } from '../../graph/graph.js';
import type { Session } from '../../graph/session.js';
import type { Variable } from '../../graph/variables.js';
import type { Tensor } from '../../tensor.js';
import { Dataset } from '../../data/dataset.js';
import { checkGraphMode, getSession, getValue, initializeVariables, setValue } from '../backend.js';
import type { History } from '../callbacks/callback.js';
import type { KerasOptimizer } from '../optimizers/index.js';
import { networkConfig } from '../saving/config.js';
import { saveModel } from '../saving/save.js';
import { loadWeightsFile, saveWeightsFile } from '../saving/weights_file.js';
import type { DataLike, ModelData } from './data.js';
import { evaluateModel, fitModel, oneBatch, predictModel } from './execution.js';
import type { EvaluateArgs, FitArgs } from './fit_loop.js';
import type { LayerConfig, SymbolicShape } from './layer.js';
import { Layer } from './layer.js';
import type { CallArgs } from './node.js';
import type { SummaryOptions } from './summary.js';
import { printSummary } from './summary.js';
import type { Network } from './topology.js';
import { buildNetwork, runNetwork } from './topology.js';
import type { CompileArgs, CompiledConfig, TrainingGraph } from './training.js';
import { buildTrainingGraph, buildTrainOp, resolveCompile } from './training.js';

export interface ModelArgs {
  inputs: Tensor | Tensor[];
  outputs: Tensor | Tensor[];
  name?: string;
}

export interface PredictArgs {
  /** Examples per run (default 32). */
  batchSize?: number;
  /** With a Dataset: how many of its batches (default: all, to the end of the data). */
  steps?: number;
}

/** One value, or the list of them when there are several. */
const oneOrList = <T>(v: T[]): T | T[] => (v.length === 1 ? v[0] : v);

export class Model extends Layer {
  static override className: string = 'Model';
  /** The model's symbolic inputs and outputs. */
  inputs: Tensor[] = [];
  outputs: Tensor[] = [];
  /** @internal */ network: Network | null = null;
  /** The optimizer given to compile (null before). */
  optimizer: KerasOptimizer | null = null;
  /** Set by a callback to end fit after the current batch or epoch. */
  stopTraining = false;
  /** The History of the last fit. */
  history: History | null = null;
  /** @internal */ compiled: CompiledConfig | null = null;
  /** @internal */ training: TrainingGraph | null = null;

  constructor(args: ModelArgs) {
    super({ name: args?.name });
    // Sequential (a subclass) starts empty; a functional model needs both ends.
    if (new.target === Model || args?.inputs !== undefined || args?.outputs !== undefined) {
      if (!args || args.inputs === undefined || args.outputs === undefined) {
        throw new Error(
          'tf.keras.Model: pass { inputs, outputs } (tensors from tf.keras.Input and from ' +
            'layers applied to them)',
        );
      }
      const list = (v: Tensor | Tensor[]) => (Array.isArray(v) ? [...v] : [v]);
      this.initNetwork(list(args.inputs), list(args.outputs));
    }
  }

  /** @internal (re)builds the network between inputs and outputs. */
  protected initNetwork(inputs: Tensor[], outputs: Tensor[]): void {
    this.network = buildNetwork(inputs, outputs, this.describe());
    this.inputs = inputs;
    this.outputs = outputs;
    this.graph = this.network.nodes[0].layer.graph;
    this.built = true;
    this.training = null;
  }

  /** The layers (input layers included, except in a Sequential). */
  get layers(): Layer[] {
    return this.network ? [...this.network.layers] : [];
  }

  /** A layer by name or by index in `layers`. */
  getLayer(nameOrIndex: string | number): Layer {
    const ls = this.layers;
    const byIndex = typeof nameOrIndex === 'number';
    const l = byIndex ? ls[nameOrIndex] : ls.find((x) => x.name === nameOrIndex);
    if (!l) {
      const which = byIndex ? `at index ${nameOrIndex}` : `named '${nameOrIndex}'`;
      throw new Error(
        `${this.describe()}: no layer ${which} (layers: ${ls.map((x) => x.name).join(', ')})`,
      );
    }
    return l;
  }

  /** The layer that produced t inside this model. */
  private producer(t: Tensor): Layer | undefined {
    return this.network?.nodes.find((n) => n.outputs.includes(t))?.layer;
  }

  /**
   * Names of the output layers (loss and metric names use them when there are several); a layer
   * giving two outputs is listed as "name", "name_1".
   */
  outputNames(): string[] {
    const seen = new Map<string, number>();
    return this.outputs.map((t, i) => {
      const base = this.producer(t)?.name ?? `output_${i + 1}`;
      const k = seen.get(base) ?? 0;
      seen.set(base, k + 1);
      return k ? `${base}_${k}` : base;
    });
  }
  /** Names of the input layers. */
  inputNames(): string[] {
    return this.inputs.map((t, i) => this.producer(t)?.name ?? `input_${i + 1}`);
  }

  // ---------------------------------------------------------------- weights

  private collect(f: (l: Layer) => Variable[]): Variable[] {
    const out: Variable[] = [];
    for (const l of this.layers) for (const v of f(l)) if (!out.includes(v)) out.push(v);
    return out;
  }
  override get weights(): Variable[] {
    return this.collect((l) => l.weights);
  }
  override get trainableWeights(): Variable[] {
    return this.trainable ? this.collect((l) => l.trainableWeights) : [];
  }
  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.collect((l) => l.nonTrainableWeights) : this.weights;
  }
  /** The moving-average updates of the layer calls inside this model. */
  get updates(): Operation[] {
    return (this.network?.nodes ?? []).flatMap((n) => n.updates);
  }
  /** Regularization losses of the layers' weights. */
  override get losses(): Tensor[] {
    return this.layers.flatMap((l) => l.losses);
  }

  override countParams(): number {
    this.assertBuilt('countParams');
    return this.weights.reduce((n, v) => n + v.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** The current values of `weights` (host tensors), in that order. */
  override getWeights(): Tensor[] {
    this.assertBuilt('getWeights');
    const sess = this.session();
    initializeVariables(sess, this.weights);
    return this.weights.map((v) => getValue(v, sess));
  }

  /** Sets every weight (the order, shapes and dtypes of getWeights()). */
  override setWeights(values: TensorLike[]): void {
    this.assertBuilt('setWeights');
    const ws = this.weights;
    if (!Array.isArray(values) || values.length !== ws.length) {
      const got = Array.isArray(values) ? values.length : typeof values;
      throw new Error(
        `${this.describe()}.setWeights: expected ${ws.length} values (one per weight, as ` +
          `getWeights returns), got ${got}`,
      );
    }
    const sess = this.session();
    ws.forEach((v, i) => setValue(v, values[i], sess));
  }

  /** @internal throws the Keras "not built" error. */
  assertBuilt(what: string): void {
    if (!this.built) {
      throw new Error(
        `${this.describe()}.${what}: this model has not yet been built. Build it first by ` +
          'calling model.build(inputShape) or fit/predict with some data, or give the first ' +
          'layer an inputShape.',
      );
    }
  }

  /** The Keras session of the model's graph. */
  session(): Session {
    this.assertBuilt('session');
    return getSession(this.graph!);
  }

  /** @internal builds an unbuilt model from the data's shape (a Sequential does). */
  buildFromData(_x: DataLike): void {
    this.assertBuilt('fit');
  }

  // ---------------------------------------------------------------- as a layer

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor | Tensor[] {
    this.assertBuilt('apply');
    return oneOrList(runNetwork(this.network!, Array.isArray(inputs) ? inputs : [inputs], kwargs));
  }

  override getConfig(): LayerConfig {
    this.assertBuilt('getConfig');
    return networkConfig(this);
  }

  // ---------------------------------------------------------------- training

  /**
   * Sets the optimizer, the loss and the metrics; the training graph is built once, at the
   * first fit (or evaluate).
   *
   *   model.compile({ optimizer: new tf.keras.optimizers.Adam(1e-4),
   *                   loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
   */
  compile(args: CompileArgs): void {
    checkGraphMode(`${this.describe()}.compile`);
    this.compiled = resolveCompile(this, args);
    this.optimizer = this.compiled.optimizer;
    this.training = null;
  }

  /**
   * @internal the training graph (built once), the session and the placeholders to feed
   * (inputs, then targets); variables without a value are initialized unless `initialize` is
   * false (loadModel sets them first).
   */
  trainingState(withTrainOp = true, initialize = true): {
    sess: Session;
    tg: TrainingGraph;
    placeholders: Tensor[];
  } {
    checkGraphMode(`${this.describe()}.fit`);
    if (!this.compiled) {
      throw new Error(
        `${this.describe()}: you must compile a model before training/testing. Use ` +
          'model.compile({ optimizer, loss }).',
      );
    }
    this.assertBuilt('fit');
    this.training ??= buildTrainingGraph(this, this.compiled);
    if (withTrainOp) this.training.trainOp ??= buildTrainOp(this, this.compiled, this.training);
    const sess = this.session();
    if (initialize) {
      const optimizerVars = this.training.trainOp ? this.optimizerWeights() : [];
      initializeVariables(sess, [...this.weights, ...optimizerVars]);
    }
    return { sess, tg: this.training, placeholders: [...this.inputs, ...this.training.targets] };
  }

  /** The optimizer's variables in this model's graph: learning rate, iterations, slots. */
  optimizerWeights(): Variable[] {
    if (!this.optimizer || !this.graph) return [];
    const st = this.optimizer.state(this.graph);
    const own = this.graph.asDefault(() => st.optimizer.variables());
    return [...(st.learningRate ? [st.learningRate] : []), st.iterations, ...own];
  }

  /**
   * Trains for `epochs` passes over (x, y) and returns the History (per-epoch loss, metrics
   * and val_* values).
   *
   *   const h = await model.fit(xs, ys, { epochs: 5, batchSize: 50, validationSplit: 0.1 });
   *   h.history.loss   // [0.61, 0.42, …]
   */
  async fit(x: ModelData, y: ModelData, args?: FitArgs): Promise<History>;
  /** Trains on a tf.data Dataset of [inputs…, targets…] elements, stepsPerEpoch batches per epoch. */
  async fit(dataset: Dataset, args: FitArgs): Promise<History>;
  async fit(x: ModelData | Dataset, y?: ModelData | FitArgs, args: FitArgs = {}): Promise<History> {
    if (x instanceof Dataset) return fitModel(this, x, undefined, (y as FitArgs | undefined) ?? {});
    return fitModel(this, x, y as ModelData, args);
  }

  /**
   * Loss (and metrics) on (x, y) in inference mode: a number, or [loss, ...metrics] when the
   * model has metrics.
   */
  async evaluate(x: ModelData, y: ModelData, args?: EvaluateArgs): Promise<number | number[]>;
  /** Loss (and metrics) over a tf.data Dataset of [inputs…, targets…] elements. */
  async evaluate(dataset: Dataset, args?: EvaluateArgs): Promise<number | number[]>;
  async evaluate(x: ModelData | Dataset, y?: ModelData | EvaluateArgs, args: EvaluateArgs = {}): Promise<number | number[]> {
    if (x instanceof Dataset) return oneOrList(await evaluateModel(this, x, undefined, (y as EvaluateArgs | undefined) ?? {}));
    return oneOrList(await evaluateModel(this, x, y as ModelData, args));
  }

  /** The outputs for x in inference mode (host tensors; one per output). */
  async predict(x: ModelData | Dataset, args: PredictArgs = {}): Promise<Tensor | Tensor[]> {
    checkGraphMode(`${this.describe()}.predict`);
    return oneOrList(await predictModel(this, x, args.batchSize, args.steps));
  }

  /** One training step on (x, y) as a single batch; returns the loss (and metrics). */
  async trainOnBatch(x: ModelData, y: ModelData): Promise<number | number[]> {
    return oneOrList(await oneBatch(this, x, y, true));
  }
  /** Loss (and metrics) on (x, y) as a single batch, in inference mode. */
  async testOnBatch(x: ModelData, y: ModelData): Promise<number | number[]> {
    return oneOrList(await oneBatch(this, x, y, false));
  }
  /** The outputs for x as a single batch. */
  async predictOnBatch(x: ModelData): Promise<Tensor | Tensor[]> {
    return this.predict(x, { batchSize: Number.MAX_SAFE_INTEGER });
  }

  // ---------------------------------------------------------------- summary and files

  /** Prints a table of the layers, their output shapes and parameter counts. */
  summary(opts: SummaryOptions = {}): void {
    this.assertBuilt('summary');
    printSummary(this, opts);
  }

  /**
   * Writes the model to directory `dir`: model.json (topology, compile arguments) and
   * weights.safetensors (weights and optimizer state), each written atomically.
   */
  async save(dir: string): Promise<void> {
    this.assertBuilt('save');
    await saveModel(this, dir);
  }
  /** Writes only the weights (a safetensors file), in the order of `weights`. */
  async saveWeights(path: string): Promise<void> {
    this.assertBuilt('saveWeights');
    await saveWeightsFile(this, path);
  }
  /** Loads weights written by saveWeights (same architecture). */
  async loadWeights(path: string): Promise<void> {
    this.assertBuilt('loadWeights');
    await loadWeightsFile(this, path);
  }
}

export type { SymbolicShape };
