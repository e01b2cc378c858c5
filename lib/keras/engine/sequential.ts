/**
 * tf.keras.Sequential: a stack of single-input, single-output layers. It builds as soon as its
 * input shape is known: from the first layer's inputShape, an InputLayer / tf.keras.Input added
 * first, model.build(shape), or else the data given to the first fit / evaluate / predict.
 *
 *   const model = new tf.keras.Sequential({ layers: [
 *     new tf.keras.layers.Dense(64, { activation: 'relu', inputShape: [784] }),
 *     new tf.keras.layers.Dense(10, { activation: 'softmax' }),
 *   ] });
 */
import type { DType } from '../../dtype.js';
import { Tensor } from '../../tensor.js';
import { checkGraphMode } from '../backend.js';
import type { DataLike } from './data.js';
import { toHostArray } from './data.js';
import { InputLayer } from './input_layer.js';
import type { LayerConfig, SymbolicShape } from './layer.js';
import { Layer } from './layer.js';
import type { ModelArgs } from './model.js';
import { Model } from './model.js';
import { producerNode } from './node.js';

export interface SequentialArgs {
  layers?: Layer[];
  name?: string;
}

export class Sequential extends Model {
  static override className = 'Sequential';
  private readonly stack: Layer[] = [];
  private inputLayer: InputLayer | null = null;

  /** `new Sequential([l1, l2])` (Keras' positional list) or `new Sequential({ layers, name })`. */
  constructor(args: SequentialArgs | Layer[] = {}) {
    if (Array.isArray(args)) args = { layers: args };
    super({ name: args.name } as ModelArgs);
    if (args.layers !== undefined && !Array.isArray(args.layers)) {
      throw new Error(`${this.describe()}: layers must be an array of layers`);
    }
    for (const l of args.layers ?? []) this.add(l);
  }

  /** The layers in order (the input layer is not listed, as in Keras). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  override outputNames(): string[] {
    return [this.stack.length ? this.stack[this.stack.length - 1].name : 'output'];
  }
  override inputNames(): string[] {
    return [this.inputLayer?.name ?? 'input'];
  }

  /**
   * Adds a layer on top. With a known input shape it is applied at once, so a layer that cannot
   * take the previous output fails here, naming both.
   */
  add(layer: Layer | Tensor): void {
    checkGraphMode(`${this.describe()}.add`);
    if (layer instanceof Tensor) {
      const node = producerNode(layer);
      if (!node || !(node.layer instanceof InputLayer)) {
        throw new Error(
          `${this.describe()}.add: a tensor can only be added if it comes from tf.keras.Input`,
        );
      }
      layer = node.layer;
    }
    if (!(layer instanceof Layer)) {
      throw new Error(
        `${this.describe()}.add: expected a tf.keras layer, got ` +
          `${layer === null ? 'null' : typeof layer}`,
      );
    }
    if (this.stack.includes(layer)) {
      throw new Error(`${this.describe()}.add: layer '${layer.name}' is already in the model`);
    }
    if (layer instanceof InputLayer) {
      if (this.stack.length || this.inputLayer) {
        throw new Error(`${this.describe()}.add: an InputLayer can only be the first layer`);
      }
      this.inputLayer = layer;
      this.outputs = [layer.placeholder];
      return;
    }
    if (!this.stack.length && !this.inputLayer && layer.batchInputShape) {
      this.inputLayer = new InputLayer({
        batchInputShape: layer.batchInputShape,
        dtype: layer.dtype ?? 'float32',
        name: `${layer.name}_input`,
      });
      this.outputs = [this.inputLayer.placeholder];
    }
    if (this.inputLayer) {
      const out = layer.apply(this.outputs[0]);
      if (Array.isArray(out)) {
        throw new Error(
          `${this.describe()}.add: all layers in a Sequential model should have a single ` +
            `output tensor; '${layer.name}' has ${out.length}`,
        );
      }
      this.stack.push(layer);
      this.initNetwork([this.inputLayer.placeholder], [out]);
    } else {
      this.stack.push(layer);
    }
  }

  /** Removes the last layer. */
  pop(): void {
    const last = this.stack.pop();
    if (!last) throw new Error(`${this.describe()}.pop: there are no layers in the model`);
    if (!this.inputLayer) return;
    if (!this.stack.length) {
      this.outputs = [this.inputLayer.placeholder];
      this.network = null;
      this.built = false;
      return;
    }
    // The previous layer's output in this model's chain is the first output of its last call here.
    const prev = this.stack[this.stack.length - 1];
    const out = this.network!.nodes.filter((n) => n.layer === prev).pop()!.outputs[0];
    this.initNetwork([this.inputLayer.placeholder], [out]);
  }

  /** Builds the model for inputs of `inputShape` (with the batch dimension, null for any). */
  override build(inputShape: SymbolicShape | SymbolicShape[], dtype: DType = 'float32'): void {
    if (this.built) return;
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as SymbolicShape;
    if (!this.stack.length) {
      throw new Error(
        `${this.describe()}: cannot build a Sequential model without layers; add layers first`,
      );
    }
    if (this.inputLayer) throw new Error(`${this.describe()}: already has an input layer`);
    const layers = this.stack.splice(0);
    this.inputLayer = new InputLayer({
      batchInputShape: s,
      dtype: layers[0].dtype ?? dtype,
      name: `${layers[0].name}_input`,
    });
    this.outputs = [this.inputLayer.placeholder];
    for (const l of layers) this.add(l);
  }

  /** @internal builds the model for the shape of the first data it is given. */
  override buildFromData(x: DataLike): void {
    if (!this.stack.length) {
      throw new Error(
        `${this.describe()}: the model has no layers; add layers before fit, evaluate or ` +
          `predict`,
      );
    }
    if (ArrayBuffer.isView(x)) {
      throw new Error(
        `${this.describe()}: cannot infer the input shape from a bare TypedArray; give the ` +
          `first layer an inputShape, call model.build(shape), or pass { data, shape }`,
      );
    }
    const dtype = x instanceof Tensor ? x.dtype : 'float32';
    const a = toHostArray(x, dtype, [null], `${this.describe()}: input`);
    this.build([null, ...a.shape.slice(1)]);
  }

  override getConfig(): LayerConfig {
    this.assertBuilt('getConfig');
    const layers = this.stack.map((l, i) => {
      const config = l.getConfig();
      // The first layer carries the model's input shape, as Keras writes it.
      if (i === 0) {
        const input = this.inputLayer!;
        config.batchInputShape = input.batchInputShape;
        config.dtype = input.dtype ?? 'float32';
      }
      return { className: l.className, config };
    });
    return { name: this.name, layers };
  }
}
