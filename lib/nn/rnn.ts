/**
 * Recurrent networks, TF 1.x style: the cells of tf.nn.rnnCell (BasicRNNCell, BasicLSTMCell /
 * LSTMCell, GRUCell, MultiRNNCell) and tf.nn.dynamicRnn, which runs a cell over the time steps
 * in one tf.whileLoop (graph) or a JavaScript loop (eager). Cells create their variables on
 * their first call, under a variable scope of their name inside the caller's ('rnn/…' in
 * dynamicRnn), with TF's names and shapes: kernel [input + units, gates × units] and bias, so
 * checkpoints map one to one.
 */
import type { DType } from '../dtype.js';
import { shapeString } from '../dtype.js';
import { executingEagerly } from '../engine.js';
import { Tensor } from '../tensor.js';
import { add, mul, sub } from '../ops/binary.js';
import { constant, zeros, zerosLike } from '../ops/creation.js';
import { cast, gather, range } from '../ops/index_ops.js';
import { shape } from '../ops/core.js';
import { matmul } from '../ops/matmul.js';
import { reduceSum } from '../ops/reduce.js';
import { concat, expandDims, reshape, reverse, reverseSequence, split, transpose } from '../ops/shape.js';
import { less } from '../ops/binary.js';
import { sigmoid, tanh } from '../ops/unary.js';
import type { Initializer } from '../graph/initializers.js';
import { constantInitializer, zerosInitializer } from '../graph/initializers.js';
import type { Variable } from '../graph/variables.js';
import { getVariable, variableScope } from '../graph/variable_scope.js';
import { loopWithOutputs } from '../graph/while_loop.js';

/** A cell's state: a tensor, or a (nested) list of them (LSTM: [c, h]; MultiRNNCell: one per layer). */
export type RNNState = Tensor | RNNState[];
/** The shape of a state without the batch dimension: units, or a (nested) list of them. */
export type StateSize = number | StateSize[];

export interface CellOptions {
  /** The cell's variable scope (default: TF's, e.g. 'basic_lstm_cell'). */
  name?: string;
  /** Applied to the new state / candidate (default tanh). */
  activation?: (x: Tensor) => Tensor;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
}

export abstract class RNNCell {
  abstract readonly stateSize: StateSize;
  abstract readonly outputSize: number;
  readonly name: string;
  protected readonly activation: (x: Tensor) => Tensor;
  protected readonly opts: CellOptions;
  private vars: Variable[] | null = null;

  constructor(defaultName: string, opts: CellOptions) {
    this.name = opts.name ?? defaultName;
    this.activation = opts.activation ?? tanh;
    this.opts = opts;
  }

  /** One step: [output, new state] for inputs [batch, features] and the state. */
  call(inputs: Tensor, state: RNNState): [Tensor, RNNState] {
    const features = inputs.shape[inputs.shape.length - 1];
    if (inputs.shape.length !== 2 || features === null) {
      throw new Error(`${this.constructor.name} '${this.name}': inputs must be [batch, features] with known features, got ${shapeString(inputs.shape)}`);
    }
    // Built once, on the first call, as TF's cells are; later calls (time steps) reuse them.
    this.vars ??= variableScope(this.name, () => this.build(features, inputs.dtype));
    return this.step(inputs, state, this.vars);
  }

  /**
   * The zero state for a batch of `batchSize`: a number, or a tensor whose first dimension is
   * the batch (for a batch known only at run time).
   */
  zeroState(batchSize: number | Tensor, dtype: DType = 'float32'): RNNState {
    const zerosOf = (size: StateSize): RNNState => (Array.isArray(size) ? size.map(zerosOf) : zeroRows(batchSize, size, dtype));
    return zerosOf(this.stateSize);
  }

  /** The cell's variables (created under its scope) for inputs of `features`. */
  protected abstract build(features: number, dtype: DType): Variable[];
  protected abstract step(x: Tensor, state: RNNState, vars: Variable[]): [Tensor, RNNState];

  protected variable(name: string, shape: number[], dtype: DType, initializer?: Initializer): Variable {
    return getVariable(name, { shape, dtype, initializer });
  }
}

/**
 * Zeros [batch, units]: `batch` a number, or a tensor whose first dimension is the batch (one
 * known only at run time: [batch, 1] zeros from it, times [1, units] zeros).
 */
export function zeroRows(batch: number | Tensor, units: number, dtype: DType): Tensor {
  if (typeof batch === 'number') {
    if (!Number.isInteger(batch) || batch < 0) throw new Error(`zeroState: batchSize must be an integer >= 0, got ${batch}`);
    return zeros([batch, units], dtype);
  }
  const rank = batch.shape.length;
  if (rank === 0) throw new Error('zeroState: batchSize must be a number or a tensor with a batch dimension');
  const z = zerosLike(cast(batch, dtype));
  const column = expandDims(rank === 1 ? z : reduceSum(z, [...Array(rank - 1).keys()].map((i) => i + 1)), 1);
  return mul(column, zeros([1, units], dtype));
}

const state1 = (s: RNNState, what: string): Tensor => {
  if (!(s instanceof Tensor)) throw new Error(`${what}: the state must be one tensor [batch, units]`);
  return s;
};

/** h' = activation([x, h]·kernel + bias) (TF's BasicRNNCell). */
export class BasicRNNCell extends RNNCell {
  readonly stateSize: number;
  readonly outputSize: number;
  constructor(readonly numUnits: number, opts: CellOptions = {}) {
    super('basic_rnn_cell', opts);
    this.stateSize = this.outputSize = checkUnits(numUnits, 'BasicRNNCell');
  }
  protected build(features: number, dtype: DType): Variable[] {
    const u = this.numUnits;
    return [
      this.variable('kernel', [features + u, u], dtype, this.opts.kernelInitializer),
      this.variable('bias', [u], dtype, this.opts.biasInitializer ?? zerosInitializer()),
    ];
  }
  protected step(x: Tensor, state: RNNState, [kernel, bias]: Variable[]): [Tensor, RNNState] {
    const h = this.activation(add(matmul(concat([x, state1(state, 'BasicRNNCell')], 1), kernel), bias));
    return [h, h];
  }
}

export interface LSTMCellOptions extends CellOptions {
  /** Added to the forget gate's pre-activation (default 1, as TF). */
  forgetBias?: number;
}

/**
 * TF's BasicLSTMCell (and LSTMCell without peepholes or projections): gates i, j, f, o from
 * [x, h]·kernel + bias; c' = c·σ(f + forgetBias) + σ(i)·act(j), h' = act(c')·σ(o). The state is
 * [c, h] (TF's LSTMStateTuple order); the output is h'.
 */
export class BasicLSTMCell extends RNNCell {
  readonly stateSize: number[];
  readonly outputSize: number;
  private readonly forgetBias: number;
  constructor(readonly numUnits: number, opts: LSTMCellOptions = {}) {
    super('basic_lstm_cell', opts);
    checkUnits(numUnits, 'BasicLSTMCell');
    this.stateSize = [numUnits, numUnits];
    this.outputSize = numUnits;
    this.forgetBias = opts.forgetBias ?? 1;
  }
  protected build(features: number, dtype: DType): Variable[] {
    const u = this.numUnits;
    return [
      this.variable('kernel', [features + u, 4 * u], dtype, this.opts.kernelInitializer),
      this.variable('bias', [4 * u], dtype, this.opts.biasInitializer ?? zerosInitializer()),
    ];
  }
  protected step(x: Tensor, state: RNNState, [kernel, bias]: Variable[]): [Tensor, RNNState] {
    if (!Array.isArray(state) || state.length !== 2) throw new Error('BasicLSTMCell: the state must be [c, h]');
    const [c, h] = [state1(state[0], 'BasicLSTMCell'), state1(state[1], 'BasicLSTMCell')];
    const [i, j, f, o] = split(add(matmul(concat([x, h], 1), kernel), bias), 4, 1);
    const c2 = add(mul(c, sigmoid(add(f, this.forgetBias))), mul(sigmoid(i), this.activation(j)));
    const h2 = mul(this.activation(c2), sigmoid(o));
    return [h2, [c2, h2]];
  }
}

/** TF's LSTMCell without peepholes, cell clipping or projections: the same as BasicLSTMCell, named 'lstm_cell'. */
export class LSTMCell extends BasicLSTMCell {
  constructor(numUnits: number, opts: LSTMCellOptions & { usePeepholes?: boolean; numProj?: number; cellClip?: number } = {}) {
    if (opts.usePeepholes || opts.numProj !== undefined || opts.cellClip !== undefined) {
      throw new Error('LSTMCell: usePeepholes, numProj and cellClip are not supported yet');
    }
    super(numUnits, { name: 'lstm_cell', ...opts });
  }
}

/**
 * TF's GRUCell: r, u = σ([x, h]·Wg + bg) (bias initialised to 1), c = act([x, r·h]·Wc + bc),
 * h' = u·h + (1 − u)·c. Variables gates/{kernel,bias} and candidate/{kernel,bias}.
 */
export class GRUCell extends RNNCell {
  readonly stateSize: number;
  readonly outputSize: number;
  constructor(readonly numUnits: number, opts: CellOptions = {}) {
    super('gru_cell', opts);
    this.stateSize = this.outputSize = checkUnits(numUnits, 'GRUCell');
  }
  protected build(features: number, dtype: DType): Variable[] {
    const u = this.numUnits;
    const gates = variableScope('gates', () => [
      this.variable('kernel', [features + u, 2 * u], dtype, this.opts.kernelInitializer),
      this.variable('bias', [2 * u], dtype, this.opts.biasInitializer ?? constantInitializer(1)),
    ]);
    const candidate = variableScope('candidate', () => [
      this.variable('kernel', [features + u, u], dtype, this.opts.kernelInitializer),
      this.variable('bias', [u], dtype, this.opts.biasInitializer ?? zerosInitializer()),
    ]);
    return [...gates, ...candidate];
  }
  protected step(x: Tensor, state: RNNState, [gk, gb, ck, cb]: Variable[]): [Tensor, RNNState] {
    const h = state1(state, 'GRUCell');
    const [r, u] = split(sigmoid(add(matmul(concat([x, h], 1), gk), gb)), 2, 1);
    const c = this.activation(add(matmul(concat([x, mul(r, h)], 1), ck), cb));
    const h2 = add(mul(u, h), mul(sub(1, u), c));
    return [h2, h2];
  }
}

/** Cells stacked: the output of each is the input of the next (TF's MultiRNNCell). State: one per cell. */
export class MultiRNNCell extends RNNCell {
  readonly stateSize: StateSize[];
  readonly outputSize: number;
  constructor(readonly cells: RNNCell[], opts: { name?: string } = {}) {
    super('multi_rnn_cell', opts);
    if (!Array.isArray(cells) || !cells.length) throw new Error('MultiRNNCell: cells must be a non-empty array');
    this.stateSize = cells.map((c) => c.stateSize);
    this.outputSize = cells[cells.length - 1].outputSize;
  }
  override call(inputs: Tensor, state: RNNState): [Tensor, RNNState] {
    if (!Array.isArray(state) || state.length !== this.cells.length) {
      throw new Error(`MultiRNNCell: the state must be a list of ${this.cells.length} cell states`);
    }
    return variableScope(this.name, () => {
      let x = inputs;
      const next: RNNState[] = [];
      this.cells.forEach((cell, k) => {
        const [out, s] = variableScope(`cell_${k}`, () => cell.call(x, state[k]));
        x = out;
        next.push(s);
      });
      return [x, next];
    });
  }
  protected build(): Variable[] {
    return [];
  }
  protected step(): [Tensor, RNNState] {
    throw new Error('internal: MultiRNNCell.step');
  }
}

function checkUnits(n: number, what: string): number {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what}: numUnits must be an integer > 0, got ${String(n)}`);
  return n;
}

const flatten = (s: RNNState): Tensor[] => (Array.isArray(s) ? s.flatMap(flatten) : [s]);
/** `flat` in the structure of `like`. */
function unflatten(like: RNNState, flat: Tensor[]): RNNState {
  let k = 0;
  const build = (s: RNNState): RNNState => (Array.isArray(s) ? s.map(build) : flat[k++]);
  return build(like);
}

export interface DynamicRnnOptions {
  /** The state before the first step (default: the cell's zero state). */
  initialState?: RNNState;
  /** Per sequence of the batch, its length: past it the state is carried unchanged and the outputs are zero. */
  sequenceLength?: Tensor;
  /** inputs are [time, batch, features] instead of [batch, time, features]. */
  timeMajor?: boolean;
  /** The dtype of the zero state (default: the inputs'). */
  dtype?: DType;
  /** The variable scope (default 'rnn'). */
  scope?: string;
}

/**
 * Runs `cell` over the time steps of `inputs` ([batch, time, features]): returns [outputs
 * ([batch, time, outputSize]), final state]. In a graph it is one tf.whileLoop, so the number of
 * steps may be known only at run time; gradients flow to the inputs, the initial state and the
 * cell's variables.
 *
 *   const cell = new tf.nn.rnnCell.BasicLSTMCell(128);
 *   const [outputs, [c, h]] = tf.nn.dynamicRnn(cell, x, { dtype: 'float32' });
 */
export function dynamicRnn(cell: RNNCell, inputs: Tensor, opts: DynamicRnnOptions = {}): [Tensor, RNNState] {
  if (!(cell instanceof RNNCell)) throw new Error('dynamicRnn: cell must be a tf.nn.rnnCell cell');
  if (!(inputs instanceof Tensor) || inputs.shape.length !== 3) {
    throw new Error(`dynamicRnn: inputs must be a rank-3 tensor ([batch, time, features]), got ${inputs instanceof Tensor ? shapeString(inputs.shape) : String(inputs)}`);
  }
  const timeMajor = opts.timeMajor ?? false;
  const xs = timeMajor ? inputs : transpose(inputs, [1, 0, 2]);   // [time, batch, features]
  const dtype = opts.dtype ?? inputs.dtype;
  return variableScope(opts.scope ?? 'rnn', () => {
    const batch = xs.shape[1];
    const state0 = opts.initialState ?? cell.zeroState(batch ?? gather(xs, constant(0, 'int32')), dtype);
    const structure = state0;
    const mask = opts.sequenceLength ? (t: Tensor) => expandDims(cast(less(t, opts.sequenceLength!), dtype), 1) : null;
    const stepAt = (x: Tensor, flat: Tensor[], t: Tensor): [Tensor, Tensor[]] => {
      const [out, next] = cell.call(x, unflatten(structure, flat));
      const nextFlat = flatten(next);
      if (!mask) return [out, nextFlat];
      // Past a sequence's end: zero output, state carried over.
      const m = mask(t);
      return [mul(out, m), nextFlat.map((n, j) => add(mul(n, m), mul(sub(1, m), flat[j])))];
    };
    const [stacked, finalFlat] = rnnLoop(xs, flatten(state0), stepAt);
    return [timeMajor ? stacked : transpose(stacked, [1, 0, 2]), unflatten(structure, finalFlat)];
  });
}

/**
 * @internal The time loop of dynamicRnn and the Keras recurrent layers: `step` maps (row t of
 * the time-major `xs`, the state, t) to (this step's output, the next state); returns the
 * outputs stacked over time ([time, batch, ...]) and the final state. In a graph one whileLoop
 * whose per-iteration input is xs (row t is a view; its gradient costs one row per step), so
 * the number of steps may be known only at run time (loopWithOutputs: a JavaScript loop eagerly).
 */
export function rnnLoop(xs: Tensor, state0: Tensor[], step: (x: Tensor, state: Tensor[], t: Tensor) => [Tensor, Tensor[]]): [Tensor, Tensor[]] {
  if (xs.shape[0] === 0) throw new Error('rnn: the inputs have no time steps');
  const steps = gather(shape(xs), constant(0, 'int32'));
  const [[, ...finalState], [stacked]] = loopWithOutputs({
    cond: ([t]) => less(t, steps),
    body: ([t, ...state], [x]) => {
      const [out, next] = step(x, state, t);
      return [[add(t, 1), ...next], [out]];
    },
    vars: [constant(0, 'int32'), ...state0],
    elems: [xs],
  }, { name: 'while' });
  // With the steps known when the graph is built, so is the outputs' time dimension.
  const [steps0, rest] = [xs.shape[0], stacked.shape.slice(1)];
  const unknown = rest.filter((d) => d === null).length;
  return [steps0 !== null && unknown <= 1 ? reshape(stacked, [steps0, ...rest.map((d) => d ?? -1)]) : stacked, finalState];
}

/** tf.nn.rnnCell (TF's tf.nn.rnn_cell). */
export const rnnCell = { BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell };

/**
 * mask[..., j] = j < lengths[...] (TF's tf.sequence_mask): [...lengths.shape, maxlen] of
 * `dtype` (bool by default). maxlen defaults to the largest length, which needs the lengths'
 * values: eagerly only; in a graph give maxlen.
 *
 *   const mask = tf.sequenceMask(lengths, 10, 'float32');
 */
export function sequenceMask(lengths: Tensor | number[], maxlen?: number, dtype: DType = 'bool'): Tensor {
  const lens = lengths instanceof Tensor ? lengths : constant(lengths, 'int32');
  if (lens.dtype !== 'int32') throw new Error(`sequenceMask: lengths must be int32, got ${lens.dtype}`);
  let n = maxlen;
  if (n === undefined) {
    if (!executingEagerly()) throw new Error('sequenceMask: give maxlen in graph mode (the largest length is known only at run time)');
    n = Math.max(0, ...Array.from(lens.dataSync() as Int32Array));
  }
  if (!Number.isInteger(n) || n < 0) throw new Error(`sequenceMask: maxlen must be an integer >= 0, got ${String(n)}`);
  const mask = less(range(0, n, 1, 'int32'), expandDims(lens, -1));
  return dtype === 'bool' ? mask : cast(mask, dtype);
}

export interface BidirectionalRnnOptions {
  initialStateFw?: RNNState;
  initialStateBw?: RNNState;
  /** Per sequence, its length: the backward cell reads each sequence from its own last step. */
  sequenceLength?: Tensor;
  timeMajor?: boolean;
  dtype?: DType;
  /** The variable scope (default 'bidirectional_rnn'; the cells go under 'fw' and 'bw'). */
  scope?: string;
}

/**
 * TF's tf.nn.bidirectional_dynamic_rnn: cellFw over the sequences, cellBw over them backwards
 * (each sequence reversed within its length, tf.reverseSequence); returns [[outputsFw,
 * outputsBw], [stateFw, stateBw]], the backward outputs put back in time order.
 *
 *   const [[fw, bw]] = tf.nn.bidirectionalDynamicRnn(cellFw, cellBw, x, { sequenceLength: lens });
 *   const both = tf.concat([fw, bw], 2);
 */
export function bidirectionalDynamicRnn(cellFw: RNNCell, cellBw: RNNCell, inputs: Tensor, opts: BidirectionalRnnOptions = {}): [[Tensor, Tensor], [RNNState, RNNState]] {
  const { sequenceLength, timeMajor, dtype } = opts;
  const [timeAxis, batchAxis] = timeMajor ? [0, 1] : [1, 0];
  const backwards = (t: Tensor) => (sequenceLength ? reverseSequence(t, sequenceLength, timeAxis, batchAxis) : reverse(t, [timeAxis]));
  return variableScope(opts.scope ?? 'bidirectional_rnn', () => {
    const [outFw, stateFw] = dynamicRnn(cellFw, inputs, { initialState: opts.initialStateFw, sequenceLength, timeMajor, dtype, scope: 'fw' });
    const [outBw, stateBw] = dynamicRnn(cellBw, backwards(inputs), { initialState: opts.initialStateBw, sequenceLength, timeMajor, dtype, scope: 'bw' });
    return [[outFw, backwards(outBw)], [stateFw, stateBw]];
  });
}
