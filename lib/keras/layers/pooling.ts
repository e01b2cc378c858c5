/** tf.keras.layers MaxPooling2D, AveragePooling2D and GlobalAveragePooling2D (NHWC). */
import { shapeString } from '../../dtype.js';
import type { Pair } from '../../layers/conv.js';
import { paddingOf, pair } from '../../layers/conv.js';
import { avgPool, maxPool } from '../../ops/pool.js';
import { reduceMean } from '../../ops/reduce.js';
import type { Tensor } from '../../tensor.js';
import type { LayerArgs, LayerConfig } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';

export interface Pooling2DArgs extends LayerArgs {
  /** Window size (default [2, 2]). */
  poolSize?: Pair;
  /** Step between windows (default: poolSize). */
  strides?: Pair;
  padding?: 'valid' | 'same';
}

abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'SAME' | 'VALID';
  constructor(poolSize: Pair | Pooling2DArgs | undefined, args: Omit<Pooling2DArgs, 'poolSize'>) {
    const isOptions = typeof poolSize === 'object' && !Array.isArray(poolSize);
    const a: Pooling2DArgs = isOptions ? poolSize : { ...args, poolSize };
    super(a);
    const what = this.describe();
    this.poolSize = pair(a.poolSize ?? 2, 'poolSize', what);
    this.strides = pair(a.strides ?? this.poolSize, 'strides', what);
    this.padding = paddingOf(a.padding, what);
  }
  protected pool(x: Tensor, f: typeof maxPool): Tensor {
    if (x.shape.length !== 4) {
      throw new Error(`expected NHWC input of rank 4, got shape ${shapeString(x.shape)}`);
    }
    return f(x, [1, ...this.poolSize, 1], [1, ...this.strides, 1], this.padding);
  }
  override getConfig(): LayerConfig {
    const padding = this.padding.toLowerCase();
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding };
  }
}

/** Max over each window, per channel: `new tf.keras.layers.MaxPooling2D(2)`. */
export class MaxPooling2D extends Pooling2D {
  static override className = 'MaxPooling2D';
  constructor(poolSize?: Pair | Pooling2DArgs, args: Omit<Pooling2DArgs, 'poolSize'> = {}) {
    super(poolSize, args);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return this.pool(inputs as Tensor, maxPool);
  }
}

/** Mean over each window's (unpadded) elements, per channel. */
export class AveragePooling2D extends Pooling2D {
  static override className = 'AveragePooling2D';
  constructor(poolSize?: Pair | Pooling2DArgs, args: Omit<Pooling2DArgs, 'poolSize'> = {}) {
    super(poolSize, args);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return this.pool(inputs as Tensor, avgPool);
  }
}

/** Mean over height and width: [?, h, w, c] → [?, c]. */
export class GlobalAveragePooling2D extends Layer {
  static override className = 'GlobalAveragePooling2D';
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    if (x.shape.length !== 4) {
      throw new Error(`expected NHWC input of rank 4, got shape ${shapeString(x.shape)}`);
    }
    return reduceMean(x, [1, 2]);
  }
}
