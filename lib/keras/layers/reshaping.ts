/** tf.keras.layers UpSampling2D (nearest neighbour) and ZeroPadding2D (NHWC). */
import { shapeString } from '../../dtype.js';
import type { Pair } from '../../layers/conv.js';
import { pair } from '../../layers/conv.js';
import { pad, reshape, tile } from '../../ops/shape.js';
import type { Tensor } from '../../tensor.js';
import type { LayerArgs, LayerConfig } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';

function nhwc(x: Tensor): [number, number, number] {
  const [, h, w, c] = x.shape;
  if (x.shape.length !== 4 || h === null || w === null || c === null) {
    throw new Error(
      `expected NHWC input of rank 4 with known height, width and channels, got shape ` +
        `${shapeString(x.shape)}`,
    );
  }
  return [h, w, c];
}

export interface UpSampling2DArgs extends LayerArgs {
  /** Repeat factors for rows and columns (default [2, 2]). */
  size?: Pair;
  /** Only 'nearest'. */
  interpolation?: 'nearest';
}

/** Repeats each row and column `size` times: [?, h, w, c] → [?, h·sh, w·sw, c]. */
export class UpSampling2D extends Layer {
  static override className = 'UpSampling2D';
  readonly size: [number, number];
  constructor(size?: Pair | UpSampling2DArgs, args: Omit<UpSampling2DArgs, 'size'> = {}) {
    const isOptions = typeof size === 'object' && !Array.isArray(size);
    const a: UpSampling2DArgs = isOptions ? size : { ...args, size };
    super(a);
    this.size = pair(a.size ?? 2, 'size', this.describe());
    if ((a.interpolation ?? 'nearest') !== 'nearest') {
      throw new Error(
        `${this.describe()}: only interpolation 'nearest' is supported, got ` +
          `'${a.interpolation}'`,
      );
    }
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    const [h, w, c] = nhwc(x);
    const [sh, sw] = this.size;
    // Nearest neighbour as a broadcast: [b, h, 1, w, 1, c] tiled to [b, h, sh, w, sw, c].
    const grid = tile(reshape(x, [-1, h, 1, w, 1, c]), [1, 1, sh, 1, sw, 1]);
    return reshape(grid, [-1, h * sh, w * sw, c]);
  }
  override getConfig(): LayerConfig {
    return { ...super.getConfig(), size: this.size, interpolation: 'nearest' };
  }
}

/** n, [rows, cols] or [[top, bottom], [left, right]]. */
export type Padding2D = number | [number, number] | [[number, number], [number, number]];

export interface ZeroPadding2DArgs extends LayerArgs {
  /** n (all sides), [rows, cols] (symmetric) or [[top, bottom], [left, right]]; default 1. */
  padding?: Padding2D;
}

/** Adds rows and columns of zeros around each image. */
export class ZeroPadding2D extends Layer {
  static override className = 'ZeroPadding2D';
  readonly padding: [[number, number], [number, number]];
  constructor(
    padding?: Padding2D | ZeroPadding2DArgs,
    args: Omit<ZeroPadding2DArgs, 'padding'> = {},
  ) {
    const isOptions = typeof padding === 'object' && !Array.isArray(padding);
    const a: ZeroPadding2DArgs = isOptions ? padding : { ...args, padding };
    super(a);
    const p = a.padding ?? 1;
    const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
    let full: [[number, number], [number, number]] | null = null;
    if (typeof p === 'number') full = [[p, p], [p, p]];
    else if (Array.isArray(p) && p.length === 2) {
      const [rows, cols] = p;
      if (typeof rows === 'number' && typeof cols === 'number') full = [[rows, rows], [cols, cols]];
      else if (Array.isArray(rows) && Array.isArray(cols)) {
        full = [[rows[0], rows[1]], [cols[0], cols[1]]];
      }
    }
    if (!full || !full.flat().every(ok)) {
      throw new Error(
        `${this.describe()}: padding must be n, [rows, cols] or [[top, bottom], [left, ` +
          `right]] of non-negative integers, got ${JSON.stringify(p)}`,
      );
    }
    this.padding = full;
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    if (x.shape.length !== 4) {
      throw new Error(`expected NHWC input of rank 4, got shape ${shapeString(x.shape)}`);
    }
    return pad(x, [[0, 0], this.padding[0], this.padding[1], [0, 0]]);
  }
  override getConfig(): LayerConfig {
    return { ...super.getConfig(), padding: this.padding };
  }
}
