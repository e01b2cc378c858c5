/**
 * tf.keras.layers.Layer: an object that creates its weights once (`build`, through
 * tf.getVariable under a variable scope named after the layer) and is applied to symbolic
 * tensors (`apply`, Keras' `layer(x)`), recording a Node per call. Subclasses implement `build`
 * and `call`; `getConfig` makes them savable.
 */
import type { DType } from '../../dtype.js';
import { shapeString } from '../../dtype.js';
import type { TensorLike } from '../../convert.js';
import type { Graph, Operation } from '../../graph/graph.js';
import type { Initializer } from '../../graph/initializers.js';
import { variableScope } from '../../graph/variable_scope.js';
import { GraphKeys } from '../../graph/variables.js';
import type { Variable } from '../../graph/variables.js';
import { layerVariable } from '../../layers/base.js';
import type { Regularizer } from '../../layers/base.js';
import { identity } from '../../ops/core.js';
import { Tensor } from '../../tensor.js';
import {
  checkDType, checkGraphMode, getSession, getValue, setValue, snakeCase, uniqueLayerName,
} from '../backend.js';
import type { CallArgs } from './node.js';
import { getHistory, Node, setHistory } from './node.js';

/** A shape with `null` for dimensions unknown until run time (the batch, usually). */
export type SymbolicShape = (number | null)[];

export interface LayerArgs {
  /** Unique layer name (default: the class name in snake case, "dense", "dense_1"…). */
  name?: string;
  /** false freezes the layer's weights (takes effect at the next compile). */
  trainable?: boolean;
  /** Shape of one example (no batch dimension); lets a Sequential model build at once. */
  inputShape?: SymbolicShape;
  /** Shape with the batch dimension (null: any), instead of inputShape. */
  batchInputShape?: SymbolicShape;
  /** Fixed batch size, with inputShape. */
  batchSize?: number;
  /** dtype of the input this layer expects when it starts a Sequential model. */
  dtype?: DType;
}

/** Options of Layer.addWeight. */
export interface AddWeightOptions {
  initializer: Initializer;
  trainable?: boolean;
  regularizer?: Regularizer | null;
  dtype?: 'float32' | 'float64';
}

/** A JSON-able layer configuration (camelCase keys, as the layer's constructor takes them). */
export type LayerConfig = Record<string, unknown>;

export class Layer {
  /** The Keras class name, as shown by summary() and written to model files. */
  static className = 'Layer';
  readonly name: string;
  trainable: boolean;
  built = false;
  /** [batch, ...inputShape] when given to the constructor. */
  readonly batchInputShape: SymbolicShape | null;
  readonly dtype: DType | null;
  /** @internal one Node per call. */
  inboundNodes: Node[] = [];
  /** @internal the graph the layer was first applied in. */
  graph: Graph | null = null;
  private readonly lossList: Tensor[] = [];
  private readonly weightList: Variable[] = [];
  /** Input shapes at build (for checking later calls). */
  protected builtShapes: SymbolicShape[] | null = null;
  /** dtype of the first input at build: float64 inputs get float64 weights. */
  protected inputDType: DType = 'float32';

  constructor(args: LayerArgs = {}) {
    checkGraphMode(`tf.keras.layers.${this.className}`);
    this.name = uniqueLayerName(snakeCase(this.className), args.name);
    this.trainable = args.trainable ?? true;
    this.dtype = args.dtype === undefined ? null : checkDType(args.dtype, this.describe());
    if (args.batchInputShape) {
      this.batchInputShape = checkShape(args.batchInputShape, 'batchInputShape', this.describe());
    } else if (args.inputShape) {
      const b = args.batchSize ?? null;
      if (b !== null && !(Number.isInteger(b) && b > 0)) {
        throw new Error(`${this.describe()}: batchSize must be a positive integer, got ${b}`);
      }
      this.batchInputShape = [b, ...checkShape(args.inputShape, 'inputShape', this.describe())];
    } else {
      this.batchInputShape = null;
    }
  }

  get className(): string {
    const ctor = this.constructor as typeof Layer;
    return Object.prototype.hasOwnProperty.call(ctor, 'className') ? ctor.className : ctor.name;
  }

  /** "Dense layer 'dense_1'", the prefix of this layer's error messages. */
  describe(): string {
    return `${this.className} layer '${this.name}'`;
  }

  // ---------------------------------------------------------------- what subclasses define

  /** Creates the weights for inputs of these shapes (one shape, or one per input). */
  build(_inputShape: SymbolicShape | SymbolicShape[]): void {}

  /** The layer's computation on symbolic tensors. */
  call(inputs: Tensor | Tensor[], _kwargs: CallArgs): Tensor | Tensor[] {
    return inputs;
  }

  /** The constructor options that rebuild this layer (name, trainable, shapes included). */
  getConfig(): LayerConfig {
    const c: LayerConfig = { name: this.name, trainable: this.trainable };
    if (this.batchInputShape) c.batchInputShape = this.batchInputShape;
    if (this.dtype) c.dtype = this.dtype;
    return c;
  }

  /** The dtype of new weights: float64 for float64 inputs, else float32. */
  protected weightDType(): 'float32' | 'float64' {
    return this.inputDType === 'float64' ? 'float64' : 'float32';
  }

  /** Adds a weight "<layer>/<name>" (tf.getVariable in the layer's variable scope). */
  protected addWeight(name: string, shape: number[], opts: AddWeightOptions): Variable {
    const v = layerVariable(name, shape, opts.initializer, {
      trainable: opts.trainable ?? true,
      regularizer: opts.regularizer ?? null,
      dtype: opts.dtype ?? this.weightDType(),
    });
    this.weightList.push(v);
    return v;
  }

  // ---------------------------------------------------------------- applying

  /**
   * Applies the layer to symbolic tensors (Keras' `layer(x)`), building it on first use.
   *
   *   const h = new tf.keras.layers.Dense(64, { activation: 'relu' }).apply(inputs) as tf.Tensor;
   */
  apply(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    const what = this.describe();
    checkGraphMode(what);
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0) throw new Error(`${what}: called on an empty list of inputs`);
    list.forEach((t, i) => {
      if (!(t instanceof Tensor)) {
        throw new Error(
          `${what}: input ${i} is not a Tensor (got ${t === null ? 'null' : typeof t})`,
        );
      }
      if (!t.isSymbolic) {
        throw new Error(
          `${what}: layers are applied to symbolic tensors (tf.keras.Input or another ` +
            `layer's output); use model.predict(x) to compute values`,
        );
      }
    });
    const g = (list[0].op as Operation).graph;
    if (list.some((t) => (t.op as Operation).graph !== g) || (this.graph && this.graph !== g)) {
      throw new Error(`${what}: inputs and layer weights must all belong to one graph`);
    }
    this.graph = g;
    const shapes = list.map((t) => [...t.shape] as SymbolicShape);
    const single = !Array.isArray(inputs);
    this.checkCompatible(shapes);
    return g.asDefault(() =>
      variableScope(this.name, () => {
        try {
          // What build and call add to the graph's collections belongs to this layer / call.
          const added = <T>(key: string, from: number) => g.getCollection<T>(key).slice(from);
          if (!this.built) {
            this.inputDType = list[0].dtype;
            const losses = g.getCollection(GraphKeys.REGULARIZATION_LOSSES).length;
            this.build(single ? shapes[0] : shapes);
            this.built = true;
            this.builtShapes = shapes;
            this.lossList.push(...added<Tensor>(GraphKeys.REGULARIZATION_LOSSES, losses));
          }
          const updates = g.getCollection(GraphKeys.UPDATE_OPS).length;
          const out = this.call(single ? list[0] : list, kwargs);
          return this.record(list, out, kwargs, added<Operation>(GraphKeys.UPDATE_OPS, updates));
        } catch (e) {
          throw this.wrapError(e, shapes);
        }
      }),
    );
  }

  /** Makes the Node of one call and tags its outputs with their history. */
  private record(
    inputs: Tensor[],
    out: Tensor | Tensor[],
    kwargs: CallArgs,
    updates: Operation[],
  ): Tensor | Tensor[] {
    const outs = Array.isArray(out) ? out : [out];
    outs.forEach((t, i) => {
      if (!(t instanceof Tensor) || !t.isSymbolic) {
        throw new Error(`call() must return symbolic tensors; output ${i} is ${String(t)}`);
      }
    });
    // Each call's outputs must be new tensors, or histories would be overwritten (a layer that
    // returns its input unchanged gets an identity node).
    const fresh = outs.map((t) => (inputs.includes(t) || getHistory(t) ? identity(t) : t));
    // Only a boolean training flag is kept (saved with the model); a tensor stays the caller's.
    const args = typeof kwargs.training === 'boolean' ? { training: kwargs.training } : {};
    const node = new Node(this, inputs, fresh, args);
    node.updates.push(...updates);
    this.inboundNodes.push(node);
    const nodeIndex = this.inboundNodes.length - 1;
    fresh.forEach((t, tensorIndex) => setHistory(t, { layer: this, nodeIndex, tensorIndex }));
    return Array.isArray(out) ? fresh : fresh[0];
  }

  /** A built layer with weights takes inputs whose last dimension is the one it was built for. */
  protected checkCompatible(shapes: SymbolicShape[]): void {
    if (!this.builtShapes || this.weightList.length === 0) return;
    shapes.forEach((s, i) => {
      const b = this.builtShapes![i];
      if (!b) return;
      const last = (x: SymbolicShape) => x[x.length - 1];
      if (last(b) !== null && last(s) !== null && last(b) !== last(s)) {
        throw new Error(
          `Input ${i} of ${this.describe()} is incompatible with the layer: expected axis -1 ` +
            `of the input to have value ${last(b)} (it was built for shape ${shapeString(b)}) ` +
            `but got shape ${shapeString(s)}`,
        );
      }
    });
  }

  private wrapError(e: unknown, shapes: SymbolicShape[]): Error {
    const msg = e instanceof Error ? e.message : String(e);
    if (msg.includes(`'${this.name}'`)) return e instanceof Error ? e : new Error(msg);
    const shown = shapes.map(shapeString).join(', ');
    return new Error(
      `${this.describe()} (input shape${shapes.length > 1 ? 's' : ''} ${shown}): ${msg}`,
    );
  }

  // ---------------------------------------------------------------- weights

  /** Regularization losses of the weights (scalar tensors). */
  get losses(): Tensor[] {
    return [...this.lossList];
  }

  /** All weights, in creation order (Dense: kernel, bias). */
  get weights(): Variable[] {
    return [...this.weightList];
  }
  /** The weights the optimizer updates (none when the layer is frozen). */
  get trainableWeights(): Variable[] {
    return this.trainable ? this.weightList.filter((v) => v.trainable) : [];
  }
  get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.weightList.filter((v) => !v.trainable) : [...this.weightList];
  }

  /** Number of scalars in the weights. */
  countParams(): number {
    if (!this.built) {
      throw new Error(
        `You tried to call countParams on ${this.describe()}, but the layer isn't built. ` +
          `Call it on an input first.`,
      );
    }
    return this.weights.reduce((n, v) => n + v.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** The weights' current values (host tensors), in the order of `weights`. */
  getWeights(): Tensor[] {
    const ws = this.weights;
    if (!ws.length) return [];
    const sess = getSession(this.graph!);
    return ws.map((v) => getValue(v, sess));
  }

  /** Sets the weights' values (same order, shapes and dtypes as getWeights()). */
  setWeights(values: TensorLike[]): void {
    const ws = this.weights;
    if (!Array.isArray(values) || values.length !== ws.length) {
      throw new Error(
        `${this.describe()}.setWeights: expected ${ws.length} values ` +
          `(${ws.map((v) => v.opName).join(', ')}), got ` +
          `${Array.isArray(values) ? values.length : typeof values}`,
      );
    }
    if (!ws.length) return;
    const sess = getSession(this.graph!);
    ws.forEach((v, i) => setValue(v, values[i], sess));
  }

  // ---------------------------------------------------------------- connectivity

  private onlyNode(what: string): Node {
    if (this.inboundNodes.length === 0) {
      throw new Error(
        `${this.describe()} is not connected: it has no ${what} yet (apply it to a tensor ` +
          `first)`,
      );
    }
    if (this.inboundNodes.length > 1) {
      throw new Error(
        `${this.describe()} has multiple inbound nodes, hence the notion of "layer ${what}" ` +
          `is ill-defined`,
      );
    }
    return this.inboundNodes[0];
  }
  /** The input tensor(s) of the layer's only call. */
  get input(): Tensor | Tensor[] {
    const n = this.onlyNode('input');
    return n.inputs.length === 1 ? n.inputs[0] : n.inputs;
  }
  /** The output tensor(s) of the layer's only call. */
  get output(): Tensor | Tensor[] {
    const n = this.onlyNode('output');
    return n.outputs.length === 1 ? n.outputs[0] : n.outputs;
  }
  get outputShape(): SymbolicShape | SymbolicShape[] {
    const n = this.onlyNode('output shape');
    const s = n.outputs.map((t) => [...t.shape]);
    return s.length === 1 ? s[0] : s;
  }
}

function checkShape(s: unknown, what: string, layer: string): SymbolicShape {
  if (!Array.isArray(s) || !s.every((d) => d === null || (Number.isInteger(d) && d >= 0))) {
    throw new Error(
      `${layer}: ${what} must be an array of non-negative integers or null, got ` +
        `${JSON.stringify(s)}`,
    );
  }
  return [...s];
}
