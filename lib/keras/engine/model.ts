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
import type { Operation } from '../../graph/graph.js';
import type { Session } from '../../graph/session.js';
import type { Variable } from '../../graph/variables.js';
import type { TensorLike } from '../../convert.js';
import { Tensor } from '../../tensor.js';
import {
  checkGraphMode, getSession, getValue, initializeVariables, learningPhase, setValue,
} from '../backend.js';
import { native } from '../../native.js';
import type { History } from '../callbacks/callback.js';
import { Progbar } from '../callbacks/progbar.js';
import type { KerasOptimizer } from '../optimizers.js';
import { loadWeightsFile, saveModel, saveWeightsFile } from '../saving/save.js';
import { networkConfig } from '../saving/config.js';
import type { DataLike, HostArray, ModelData } from './data.js';
import { conform, splitAt, toHostArray } from './data.js';
import type { EvaluateArgs, FitArgs } from './fit_loop.js';
import { fitLoop, predictLoop, testLoop } from './fit_loop.js';
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
  batchSize?: number;
}

const isData = (v: unknown) => v instanceof Tensor || ArrayBuffer.isView(v) || (!!v && typeof v === 'object' && !Array.isArray(v) && 'data' in v && 'shape' in v);

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
    const l = typeof nameOrIndex === 'number' ? ls[nameOrIndex] : ls.find((x) => x.name === nameOrIndex);
    if (!l) throw new Error(`${this.describe()}: no layer ${typeof nameOrIndex === 'number' ? `at index ${nameOrIndex}` : `named '${nameOrIndex}'`} (layers: ${ls.map((x) => x.name).join(', ')})`);
    return l;
  }

  /**
   * Names of the output layers (loss and metric names use them when there are several); a layer
   * giving two outputs is listed as "name", "name_1".
   */
  outputNames(): string[] {
    const seen = new Map<string, number>();
    return this.outputs.map((t, i) => {
      const node = this.network?.nodes.find((n) => n.outputs.includes(t));
      const base = node?.layer.name ?? `output_${i + 1}`;
      const k = seen.get(base) ?? 0;
      seen.set(base, k + 1);
      return k ? `${base}_${k}` : base;
    });
  }
  inputNames(): string[] {
    return this.inputs.map((t, i) => this.network?.nodes.find((n) => n.outputs.includes(t))?.layer.name ?? `input_${i + 1}`);
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
      throw new Error(
        `${this.describe()}.setWeights: expected ${ws.length} values (one per weight, as ` +
          `getWeights returns), got ${Array.isArray(values) ? values.length : typeof values}`,
      );
    }
    const sess = this.session();
    ws.forEach((v, i) => setValue(v, values[i], sess));
  }

  /** @internal throws the Keras "not built" error. */
  assertBuilt(what: string): void {
    if (!this.built) {
      throw new Error(
        `${this.describe()}.${what}: this model has not yet been built. Build it first by calling model.build(inputShape) ` +
          'or fit/predict with some data, or give the first layer an inputShape.',
      );
    }
  }

  /** The Keras session of the model's graph. */
  session(): Session {
    this.assertBuilt('session');
    return getSession(this.graph!);
  }

  // ---------------------------------------------------------------- as a layer

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor | Tensor[] {
    this.assertBuilt('apply');
    const outs = runNetwork(this.network!, Array.isArray(inputs) ? inputs : [inputs], kwargs);
    return outs.length === 1 ? outs[0] : outs;
  }

  override getConfig(): LayerConfig {
    this.assertBuilt('getConfig');
    return networkConfig(this);
  }

  // ---------------------------------------------------------------- training

  /**
   * Sets the optimizer, the loss and the metrics (TF 1.x Keras: the training graph is built at
   * the first fit, once).
   *
   *   model.compile({ optimizer: new tf.keras.optimizers.Adam(1e-4), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
   */
  compile(args: CompileArgs): void {
    checkGraphMode(`${this.describe()}.compile`);
    this.compiled = resolveCompile(this, args);
    this.optimizer = this.compiled.optimizer;
    this.training = null;
  }

  /** @internal the training graph (built once), the session, and the feeds' placeholders. */
  trainingState(withTrainOp = true, initialize = true): { sess: Session; tg: TrainingGraph; placeholders: Tensor[] } {
    checkGraphMode(`${this.describe()}.fit`);
    if (!this.compiled) {
      throw new Error(
        `${this.describe()}: you must compile a model before training/testing. Use ` +
          `model.compile({ optimizer, loss }).`,
      );
    }
    this.assertBuilt('fit');
    this.training ??= buildTrainingGraph(this, this.compiled);
    if (withTrainOp) this.training.trainOp ??= buildTrainOp(this, this.compiled, this.training);
    const sess = this.session();
    if (initialize) initializeVariables(sess, [...this.weights, ...(this.training.trainOp ? this.optimizerWeights() : [])]);
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
  async fit(x: ModelData, y: ModelData, args: FitArgs = {}): Promise<History> {
    let ins = this.standardizeX(x, 'fit');
    this.trainingState();
    let targets = this.standardizeY(y, 'fit', ins[0].shape[0]);
    checkSameCount(ins, targets);
    let val: { ins: HostArray[]; targets: HostArray[] } | null = null;
    if (args.validationData) {
      if (!Array.isArray(args.validationData) || args.validationData.length !== 2) {
        throw new Error(
          'fit: validationData must be [xVal, yVal] (sample weights are not supported)',
        );
      }
      const vx = this.standardizeX(args.validationData[0] as ModelData, 'fit (validationData)');
      val = { ins: vx, targets: this.standardizeY(args.validationData[1] as ModelData, 'fit (validationData)', vx[0].shape[0]) };
      checkSameCount(val.ins, val.targets);
    } else if (args.validationSplit) {
      const s = args.validationSplit;
      const n = ins[0].shape[0];
      const at = Math.floor(n * (1 - s));
      if (!(s > 0 && s < 1) || at === 0 || at === n) {
        throw new Error(
          `fit: validationSplit ${s} leaves no training or no validation examples out of ${n}`,
        );
      }
      const parts = [...ins, ...targets].map((a) => splitAt(a, at));
      ins = parts.slice(0, ins.length).map((p) => p[0]);
      targets = parts.slice(ins.length).map((p) => p[0]);
      val = { ins: parts.slice(0, ins.length).map((p) => p[1]), targets: parts.slice(ins.length).map((p) => p[1]) };
    }
    return fitLoop(this, { ins, targets, val }, args);
  }

  /**
   * Loss (and metrics) on (x, y) in inference mode: a number, or [loss, ...metrics] when the
   * model has metrics.
   */
  async evaluate(x: ModelData, y: ModelData, args: EvaluateArgs = {}): Promise<number | number[]> {
    const ins = this.standardizeX(x, 'evaluate');
    const { sess, tg, placeholders } = this.trainingState(false);
    const targets = this.standardizeY(y, 'evaluate', ins[0].shape[0]);
    checkSameCount(ins, targets);
    const batchSize = checkBatchSize(args.batchSize, 'evaluate');
    const steps = Math.ceil(ins[0].shape[0] / batchSize);
    const bar = (args.verbose ?? 1) ? new Progbar({ target: steps }) : null;
    const values = await testLoop(sess, tg.fetches, placeholders, [...ins, ...targets], batchSize, bar);
    return values.length === 1 ? values[0] : values;
  }

  /** The outputs for x in inference mode (host tensors; one per output). */
  async predict(x: ModelData, args: PredictArgs = {}): Promise<Tensor | Tensor[]> {
    checkGraphMode(`${this.describe()}.predict`);
    const ins = this.standardizeX(x, 'predict');
    const sess = this.session();
    initializeVariables(sess, this.weights);
    const outs = await predictLoop(sess, this.outputs, this.inputs, ins, checkBatchSize(args.batchSize, 'predict'));
    return outs.length === 1 ? outs[0] : outs;
  }

  /** One training step on (x, y) as a single batch; returns the loss (and metrics). */
  async trainOnBatch(x: ModelData, y: ModelData): Promise<number | number[]> {
    return this.oneBatch(x, y, true);
  }
  /** Loss (and metrics) on (x, y) as a single batch, in inference mode. */
  async testOnBatch(x: ModelData, y: ModelData): Promise<number | number[]> {
    return this.oneBatch(x, y, false);
  }
  /** The outputs for x as a single batch. */
  async predictOnBatch(x: ModelData): Promise<Tensor | Tensor[]> {
    return this.predict(x, { batchSize: Number.MAX_SAFE_INTEGER });
  }

  private async oneBatch(x: ModelData, y: ModelData, train: boolean): Promise<number | number[]> {
    const what = train ? 'trainOnBatch' : 'testOnBatch';
    const ins = this.standardizeX(x, what);
    const { sess, tg, placeholders } = this.trainingState(train);
    const targets = this.standardizeY(y, what, ins[0].shape[0]);
    checkSameCount(ins, targets);
    if (!train) {
      const v = await testLoop(sess, tg.fetches, placeholders, [...ins, ...targets], Math.max(1, ins[0].shape[0]), null);
      return v.length === 1 ? v[0] : v;
    }
    const feeds = new Map<Tensor, Tensor>();
    const owned = [...ins, ...targets].map((a) => toTensor(a));
    placeholders.forEach((p, i) => feeds.set(p, owned[i]));
    const on = toTensor({ data: new Uint8Array([1]), shape: [], dtype: 'bool' });
    feeds.set(learningPhase(this.graph!), on);
    const out = (await sess.run([tg.trainOp!, ...tg.fetches], feeds)) as (Tensor | null)[];
    const values = out.slice(1).map((t) => {
      const v = (t as Tensor).dataSync()[0] as number;
      (t as Tensor).dispose();
      return v;
    });
    for (const t of [...owned, on]) t.dispose();
    return values.length === 1 ? values[0] : values;
  }

  // ---------------------------------------------------------------- data

  /** @internal builds an unbuilt model from the data's shape (Sequential). */
  protected buildFromData(_x: DataLike): void {
    this.assertBuilt('fit');
  }

  private split(v: ModelData, names: string[], kind: string, what: string): DataLike[] {
    if (names.length === 1) {
      if (Array.isArray(v) && v.length === 1 && isData(v[0])) return [v[0] as DataLike];
      if (!Array.isArray(v) && v && typeof v === 'object' && !isData(v) && names[0] in v) return [(v as Record<string, DataLike>)[names[0]]];
      return [v as DataLike];
    }
    if (Array.isArray(v) && v.length === names.length) return v as DataLike[];
    if (v && typeof v === 'object' && !Array.isArray(v) && !isData(v)) {
      const rec = v as Record<string, DataLike>;
      return names.map((n) => {
        if (!(n in rec)) {
          throw new Error(`${what}: no ${kind} data for '${n}' (${kind}s: ${names.join(', ')})`);
        }
        return rec[n];
      });
    }
    throw new Error(
      `${what}: the model has ${names.length} ${kind}s [${names.join(', ')}]; pass a list of ` +
        `${names.length} arrays or an object keyed by those names`,
    );
  }

  /** @internal x as host arrays checked against the inputs (building a deferred model first). */
  standardizeX(x: ModelData, what: string): HostArray[] {
    if (x === undefined || x === null) throw new Error(`${what}: x is required`);
    if (!this.built) this.buildFromData(x as DataLike);
    const names = this.inputNames();
    return this.split(x, names, 'input', what).map((v, i) => {
      const p = this.inputs[i];
      return conform(toHostArray(v, p.dtype, p.shape, `${what}: input '${names[i]}'`), p.shape, 'input', names[i]);
    });
  }

  /** @internal y as host arrays checked against the target placeholders. */
  standardizeY(y: ModelData, what: string, examples?: number): HostArray[] {
    if (y === undefined || y === null) throw new Error(`${what}: y (the targets) is required`);
    const tg = this.training!;
    const names = this.outputNames();
    return this.split(y, names, 'output', what).map((v, i) => {
      const p = tg.targets[i];
      try {
        return conform(toHostArray(v, p.dtype, p.shape, `${what}: target '${names[i]}'`, examples), p.shape, 'target', names[i]);
      } catch (e) {
        const loss = this.compiled!.losses[i];
        const hint = loss.kind === 'categorical'
          ? ` (${loss.name} expects one-hot targets [samples, classes]; for integer class ids use sparseCategoricalCrossentropy)`
          : '';
        throw new Error(`${(e as Error).message}${hint}`);
      }
    });
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

function toTensor(a: HostArray): Tensor {
  return Tensor.fromHandle(native.fromTypedArray(a.dtype, a.shape, a.data));
}

function checkSameCount(ins: HostArray[], targets: HostArray[]): void {
  const counts = [...ins, ...targets].map((a) => a.shape[0]);
  if (new Set(counts).size > 1) {
    throw new Error(
      `Input arrays should have the same number of samples as target arrays. Found ` +
        `${ins.map((a) => a.shape[0]).join(', ')} input samples and ` +
        `${targets.map((a) => a.shape[0]).join(', ')} target samples.`,
    );
  }
}

function checkBatchSize(b: number | undefined, what: string): number {
  const v = b ?? 32;
  if (!Number.isInteger(v) || v <= 0) {
    throw new Error(`${what}: batchSize must be a positive integer, got ${v}`);
  }
  return v;
}

export type { SymbolicShape };
