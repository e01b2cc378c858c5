/**
 * tf.keras.layers.Bidirectional: a recurrent layer run forwards and, as a copy with goBackwards,
 * backwards over the same inputs, the two outputs merged (concatenated by default). The copies
 * are named "forward_<layer>" and "backward_<layer>", so weights are
 * "bidirectional/forward_lstm/kernel" as in Keras.
 */
import type { Variable } from '../../graph/variables.js';
import { add, mul } from '../../ops/binary.js';
import { concat, reverse } from '../../ops/shape.js';
import type { Tensor } from '../../tensor.js';
import type { LayerArgs, LayerConfig } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';
import { Recurrent } from './recurrent.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';

export interface BidirectionalArgs extends LayerArgs {
  /** A SimpleRNN, LSTM or GRU layer (or, in model files, its { className, config }). */
  layer: Recurrent | { className: string; config: LayerConfig };
  mergeMode?: MergeMode;
}

/** Rebuilds a recurrent layer from a model file's entry (set by layers/index.ts, which knows the classes). */
let fromEntry: ((className: string, config: LayerConfig) => Layer | null) | null = null;
/** @internal */
export function setLayerFactory(f: typeof fromEntry): void {
  fromEntry = f;
}

export class Bidirectional extends Layer {
  static override className = 'Bidirectional';
  readonly forwardLayer: Recurrent;
  readonly backwardLayer: Recurrent;
  readonly mergeMode: MergeMode;
  private readonly inner: { className: string; config: LayerConfig };

  /** `new Bidirectional(new LSTM(64, { returnSequences: true }))`, or `{ layer, mergeMode }`. */
  constructor(layer: Recurrent | BidirectionalArgs, args: Omit<BidirectionalArgs, 'layer'> = {}) {
    const a: BidirectionalArgs = layer instanceof Layer ? { ...args, layer } : layer;
    super(a);
    const what = this.describe();
    const given = a.layer instanceof Layer ? a.layer : fromEntry?.(a.layer?.className, a.layer?.config) ?? null;
    if (!(given instanceof Recurrent)) throw new Error(`${what}: layer must be a SimpleRNN, LSTM or GRU layer`);
    const config = given.getConfig();
    if (config.returnState) throw new Error(`${what}: returnState is not supported`);
    this.mergeMode = a.mergeMode ?? 'concat';
    if (!['concat', 'sum', 'mul', 'ave'].includes(this.mergeMode)) {
      throw new Error(`${what}: mergeMode must be 'concat', 'sum', 'mul' or 'ave', got ${String(a.mergeMode)}`);
    }
    this.inner = { className: given.className, config };
    const make = (name: string, goBackwards: boolean) =>
      new (given.constructor as new (c: LayerConfig) => Recurrent)({ ...config, name, goBackwards, batchInputShape: undefined });
    this.forwardLayer = make(`forward_${given.name}`, !!config.goBackwards);
    this.backwardLayer = make(`backward_${given.name}`, !config.goBackwards);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    const fw = this.forwardLayer.apply(x) as Tensor;
    let bw = this.backwardLayer.apply(x) as Tensor;
    // The backward copy's sequence comes out last step first: put it back in time order.
    if (this.inner.config.returnSequences) bw = reverse(bw, [1]);
    switch (this.mergeMode) {
      case 'sum': return add(fw, bw);
      case 'mul': return mul(fw, bw);
      case 'ave': return mul(add(fw, bw), 0.5);
      default: return concat([fw, bw], -1);
    }
  }

  override get weights(): Variable[] {
    return [...this.forwardLayer.weights, ...this.backwardLayer.weights];
  }
  override get trainableWeights(): Variable[] {
    return this.trainable ? [...this.forwardLayer.trainableWeights, ...this.backwardLayer.trainableWeights] : [];
  }
  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? [...this.forwardLayer.nonTrainableWeights, ...this.backwardLayer.nonTrainableWeights] : this.weights;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), layer: this.inner, mergeMode: this.mergeMode };
  }
}
