/**
 * tf.keras.layers MaxPooling2D, AveragePooling2D and GlobalAveragePooling2D (NHWC), and their 1-D
 * counterparts over [batch, steps, channels] (plus GlobalMaxPooling1D).
 */
import { shapeString } from '../../dtype.js';
import type { Pair } from '../../layers/conv.js';
import { paddingOf, pair } from '../../layers/conv.js';
import { avgPool, maxPool } from '../../ops/pool.js';
import { reduceMax, reduceMean } from '../../ops/reduce.js';
import { expandDims, squeeze } from '../../ops/shape.js';
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

export interface Pooling1DArgs extends LayerArgs {
  /** Window size (default 2). */
  poolSize?: number;
  /** Step between windows (default: poolSize). */
  strides?: number;
  padding?: 'valid' | 'same';
}

/** 1-D pooling over [batch, steps, channels], as 2-D pooling over one row. */
abstract class Pooling1D extends Layer {
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: 'SAME' | 'VALID';
  constructor(poolSize: number | Pooling1DArgs | undefined, args: Omit<Pooling1DArgs, 'poolSize'>) {
    const a: Pooling1DArgs = typeof poolSize === 'object' ? poolSize : { ...args, poolSize };
    super(a);
    const what = this.describe();
    this.poolSize = a.poolSize ?? 2;
    this.strides = a.strides ?? this.poolSize;
    for (const [k, v] of [['poolSize', this.poolSize], ['strides', this.strides]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${what}: ${k} must be a positive integer, got ${String(v)}`);
    }
    this.padding = paddingOf(a.padding, what);
  }
  protected pool(x: Tensor, f: typeof maxPool): Tensor {
    if (x.shape.length !== 3) throw new Error(`expected an input of rank 3 ([batch, steps, channels]), got shape ${shapeString(x.shape)}`);
    return squeeze(f(expandDims(x, 1), [1, 1, this.poolSize, 1], [1, 1, this.strides, 1], this.padding), [1]);
  }
  override getConfig(): LayerConfig {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding.toLowerCase() };
  }
}

/** Max over each window of steps, per channel: `new tf.keras.layers.MaxPooling1D(2)`. */
export class MaxPooling1D extends Pooling1D {
  static override className = 'MaxPooling1D';
  constructor(poolSize?: number | Pooling1DArgs, args: Omit<Pooling1DArgs, 'poolSize'> = {}) {
    super(poolSize, args);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return this.pool(inputs as Tensor, maxPool);
  }
}

/** Mean over each window of steps, per channel. */
export class AveragePooling1D extends Pooling1D {
  static override className = 'AveragePooling1D';
  constructor(poolSize?: number | Pooling1DArgs, args: Omit<Pooling1DArgs, 'poolSize'> = {}) {
    super(poolSize, args);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return this.pool(inputs as Tensor, avgPool);
  }
}

/** Over all steps: [?, steps, c] → [?, c]. */
abstract class GlobalPooling1D extends Layer {
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  protected over(x: Tensor, reduce: (t: Tensor, axis: number[]) => Tensor): Tensor {
    if (x.shape.length !== 3) throw new Error(`expected an input of rank 3 ([batch, steps, channels]), got shape ${shapeString(x.shape)}`);
    return reduce(x, [1]);
  }
}

/** Mean over the steps: `new tf.keras.layers.GlobalAveragePooling1D()` (after an Embedding, a bag of words). */
export class GlobalAveragePooling1D extends GlobalPooling1D {
  static override className = 'GlobalAveragePooling1D';
  override call(inputs: Tensor | Tensor[]): Tensor {
    return this.over(inputs as Tensor, (t, a) => reduceMean(t, a));
  }
}

/** Max over the steps (after a Conv1D, the text CNN's pooling). */
export class GlobalMaxPooling1D extends GlobalPooling1D {
  static override className = 'GlobalMaxPooling1D';
  override call(inputs: Tensor | Tensor[]): Tensor {
    return this.over(inputs as Tensor, (t, a) => reduceMax(t, a));
  }
}
