/** tf.keras.layers Concatenate and Add: layers of several inputs (functional models). */
import { shapeString } from '../../dtype.js';
import { add } from '../../ops/binary.js';
import { concat } from '../../ops/shape.js';
import type { Tensor } from '../../tensor.js';
import type { LayerArgs, LayerConfig } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';

function atLeastTwo(inputs: Tensor | Tensor[], cls: string): Tensor[] {
  if (!Array.isArray(inputs) || inputs.length < 2) {
    throw new Error(`a ${cls} layer should be called on a list of at least 2 inputs`);
  }
  return inputs;
}

const sameDim = (a: number | null, b: number | null) => a === null || b === null || a === b;

export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along (default -1). */
  axis?: number;
}

/** Joins its inputs along `axis`; every other dimension must match. */
export class Concatenate extends Layer {
  static override className = 'Concatenate';
  readonly axis: number;
  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) {
      throw new Error(`${this.describe()}: axis must be an integer, got ${args.axis}`);
    }
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const xs = atLeastTwo(inputs, 'Concatenate');
    const rank = xs[0].shape.length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    const matches = (x: Tensor) =>
      x.shape.length === rank && x.shape.every((d, i) => i === axis || sameDim(d, xs[0].shape[i]));
    const ok = axis >= 0 && axis < rank && xs.every(matches);
    if (!ok) {
      throw new Error(
        `a Concatenate layer requires inputs with matching shapes except for the concat axis ` +
          `(${this.axis}); got inputs shapes: ${xs.map((x) => shapeString(x.shape)).join(', ')}`,
      );
    }
    return concat(xs, axis);
  }
  override getConfig(): LayerConfig {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/** Sums its inputs, which must all have the same shape. */
export class Add extends Layer {
  static override className = 'Add';
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const xs = atLeastTwo(inputs, 'Add');
    const s = xs[0].shape;
    const same = (x: Tensor) =>
      x.shape.length === s.length && x.shape.every((d, i) => sameDim(d, s[i]));
    if (!xs.every(same)) {
      throw new Error(
        `an Add layer requires inputs of the same shape; got inputs shapes: ` +
          `${xs.map((x) => shapeString(x.shape)).join(', ')}`,
      );
    }
    return xs.slice(1).reduce((acc, x) => add(acc, x), xs[0]);
  }
}
