/**
 * tf.keras.layers.SimpleRNN, LSTM and GRU with Keras' weights and equations: kernel [features,
 * gates × units], recurrentKernel [units, gates × units] and bias, gates in Keras' order (LSTM
 * i, f, c, o; GRU z, r, h, with TF 2's resetAfter and its [2, 3 × units] bias by default), so
 * weights load one to one. The time loop is rnnLoop (lib/nn/rnn.ts): one tf.whileLoop, the
 * steps known at run time. dropout / recurrentDropout drop the same units of x / h at every step
 * of a sequence in training (one mask per sequence, Keras' implementation 2). Not supported:
 * stateful, masking.
 */
import { shapeString } from '../../dtype.js';
import type { DType } from '../../dtype.js';
import type { Initializer } from '../../graph/initializers.js';
import type { Variable } from '../../graph/variables.js';
import { add, mul, sub } from '../../ops/binary.js';
import { constant, ones, onesLike } from '../../ops/creation.js';
import { dropout as layersDropout } from '../../layers/core.js';
import { learningPhase } from '../backend.js';
import type { CallArgs } from '../engine/node.js';
import { gather } from '../../ops/index_ops.js';
import { matmul } from '../../ops/matmul.js';
import { concat, reverse, split, transpose, unstack } from '../../ops/shape.js';
import type { Tensor } from '../../tensor.js';
import { rnnLoop, zeroRows } from '../../nn/rnn.js';
import type { ActivationIdentifier } from '../activations.js';
import { getActivation, serializeActivation } from '../activations.js';
import type { LayerArgs, LayerConfig, SymbolicShape } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';
import type { InitializerIdentifier } from '../initializers.js';
import { getInitializer, serializeInitializer } from '../initializers.js';
import { oneShape, positional } from './layer_args.js';

export interface RecurrentArgs extends LayerArgs {
  units: number;
  /** Of the new state / candidate (default 'tanh'). */
  activation?: ActivationIdentifier;
  /** Of the gates, LSTM and GRU (default 'sigmoid'). */
  recurrentActivation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  recurrentInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  /** The whole output sequence [batch, time, units], not only the last output. */
  returnSequences?: boolean;
  /** Also return the final state(s): [output, h] (LSTM: [output, h, c]). */
  returnState?: boolean;
  /** Process the sequence backwards (and return the outputs in that order, as Keras). */
  goBackwards?: boolean;
  /** LSTM: initialise the forget gate's bias to 1 (default true). */
  unitForgetBias?: boolean;
  /** GRU: apply the reset gate after the recurrent matmul (TF 2's default, true). */
  resetAfter?: boolean;
  /** Fraction of the inputs' units dropped in training (the same units at every step). */
  dropout?: number;
  /** Fraction of the state's units dropped from the recurrent matmul in training. */
  recurrentDropout?: number;
  /** Not supported: must be false when given. */
  stateful?: boolean;
  unroll?: boolean;
}

const linear = (x: Tensor) => x;

/** A call's dropout masks ([batch, features], [batch, units]), null when the rate is 0. */
interface Masks {
  x: Tensor | null;
  h: Tensor | null;
}

/** x and h as the matmuls read them: with the call's dropout masks, if any. */
function dropped(x: Tensor, h: Tensor, masks: Masks): [Tensor, Tensor] {
  return [masks.x ? mul(x, masks.x) : x, masks.h ? mul(h, masks.h) : h];
}

/** The base of SimpleRNN, LSTM and GRU (Bidirectional wraps any of them). */
export abstract class Recurrent extends Layer {
  readonly units: number;
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;
  protected readonly args: RecurrentArgs;
  protected readonly act: (x: Tensor) => Tensor;
  protected readonly recAct: (x: Tensor) => Tensor;
  private readonly inits: { kernel: Initializer; recurrent: Initializer; bias: Initializer };

  constructor(units: number | RecurrentArgs, args: Omit<RecurrentArgs, 'units'>) {
    const a = positional<RecurrentArgs, 'units'>(units, args, 'units');
    super(a);
    const what = this.describe();
    if (!Number.isInteger(a.units) || a.units <= 0) throw new Error(`${what}: units must be a positive integer, got ${a.units}`);
    for (const k of ['dropout', 'recurrentDropout'] as const) {
      const r = a[k] ?? 0;
      if (typeof r !== 'number' || !(r >= 0 && r < 1)) throw new Error(`${what}: ${k} must be in [0, 1), got ${String(a[k])}`);
    }
    if (a.stateful) throw new Error(`${what}: stateful is not supported`);
    this.units = a.units;
    this.args = a;
    this.act = getActivation(a.activation ?? 'tanh', what) ?? linear;
    this.recAct = getActivation(a.recurrentActivation ?? 'sigmoid', what) ?? linear;
    this.inits = {
      kernel: getInitializer(a.kernelInitializer, 'glorotUniform', what),
      recurrent: getInitializer(a.recurrentInitializer, 'orthogonal', what),
      bias: getInitializer(a.biasInitializer, 'zeros', what),
    };
  }

  /** Gates per step (SimpleRNN 1, LSTM 4, GRU 3), and how many states (LSTM 2). */
  protected abstract readonly gates: number;
  protected readonly states: number = 1;
  /** One step: (x_t, states) → next states; the output is the first (h). */
  protected abstract step(x: Tensor, states: Tensor[], masks: Masks): Tensor[];
  protected biasShape(): number[] {
    return [this.gates * this.units];
  }
  protected biasInitializer(base: Initializer): Initializer {
    return base;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const s = oneShape(inputShape);
    if (s.length !== 3) throw new Error(`expected an input of rank 3 ([batch, time, features]), got shape ${shapeString(s)}`);
    const features = s[2];
    if (features === null) throw new Error(`the last dimension must be known, got ${shapeString(s)}`);
    const width = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [features, width], { initializer: this.inits.kernel });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, width], { initializer: this.inits.recurrent });
    if (this.args.useBias ?? true) {
      this.bias = this.addWeight('bias', this.biasShape(), { initializer: this.biasInitializer(this.inits.bias) });
    }
  }

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    const x = inputs as Tensor;
    let xs = transpose(x, [1, 0, 2]);   // [time, batch, features]
    if (this.args.goBackwards) xs = reverse(xs, [0]);
    const dtype = this.kernel!.dtype as DType;
    const row0 = gather(xs, constant(0, 'int32'));   // [batch, features]
    const batch = x.shape[0] ?? row0;
    const states0 = Array.from({ length: this.states }, () => zeroRows(batch, this.units, dtype));
    // One mask per sequence, drawn once per run outside the loop (ones outside training).
    const training = kwargs.training ?? learningPhase(this.graph!);
    const mask = (rate: number | undefined, like: Tensor) =>
      rate ? layersDropout(onesLike(like), { rate, training }) : null;
    const masks: Masks = { x: mask(this.args.dropout, row0), h: mask(this.args.recurrentDropout, states0[0]) };
    const [stacked, final] = rnnLoop(xs, states0, (xt, st) => {
      const next = this.step(xt, st, masks);
      return [next[0], next];
    });
    const out = this.args.returnSequences ? transpose(stacked, [1, 0, 2]) : final[0];
    return this.args.returnState ? [out, ...final] : out;
  }

  /** x·kernel + h·recurrentKernel (+ bias), the gates' pre-activations (dropout applied). */
  protected affine(x: Tensor, h: Tensor, masks: Masks): Tensor {
    const [xd, hd] = dropped(x, h, masks);
    const z = add(matmul(xd, this.kernel!), matmul(hd, this.recurrentKernel!));
    return this.bias ? add(z, this.bias) : z;
  }

  override getConfig(): LayerConfig {
    const a = this.args;
    const what = this.describe();
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(a.activation ?? 'tanh', what),
      useBias: a.useBias ?? true,
      kernelInitializer: serializeInitializer(a.kernelInitializer, 'glorotUniform'),
      recurrentInitializer: serializeInitializer(a.recurrentInitializer, 'orthogonal'),
      biasInitializer: serializeInitializer(a.biasInitializer, 'zeros'),
      returnSequences: a.returnSequences ?? false,
      returnState: a.returnState ?? false,
      goBackwards: a.goBackwards ?? false,
      dropout: a.dropout ?? 0,
      recurrentDropout: a.recurrentDropout ?? 0,
    };
  }
}

/**
 * h' = activation(x·kernel + h·recurrentKernel + bias).
 *
 *   new tf.keras.layers.SimpleRNN(32, { returnSequences: true })
 */
export class SimpleRNN extends Recurrent {
  static override className = 'SimpleRNN';
  protected readonly gates = 1;
  constructor(units: number | RecurrentArgs, args: Omit<RecurrentArgs, 'units'> = {}) {
    super(units, args);
  }
  protected step(x: Tensor, [h]: Tensor[], masks: Masks): Tensor[] {
    return [this.act(this.affine(x, h, masks))];
  }
}

/**
 * Keras' LSTM: i, f, c̃, o from x·kernel + h·recurrentKernel + bias; c' = σ(f)·c + σ(i)·act(c̃),
 * h' = σ(o)·act(c') (σ = recurrentActivation). returnState gives [output, h, c].
 *
 *   new tf.keras.layers.LSTM(64)
 */
export class LSTM extends Recurrent {
  static override className = 'LSTM';
  protected readonly gates = 4;
  protected override readonly states = 2;
  constructor(units: number | RecurrentArgs, args: Omit<RecurrentArgs, 'units'> = {}) {
    super(units, args);
  }
  protected override biasInitializer(base: Initializer): Initializer {
    if (this.args.unitForgetBias === false) return base;
    // Keras: the forget gate's slice starts at 1, the others from the bias initializer.
    const u = this.units;
    return (_shape, dtype) => concat([base([u], dtype), ones([u], dtype), base([2 * u], dtype)], 0);
  }
  protected step(x: Tensor, [h, c]: Tensor[], masks: Masks): Tensor[] {
    const [i, f, cc, o] = split(this.affine(x, h, masks), 4, 1);
    const c2 = add(mul(this.recAct(f), c), mul(this.recAct(i), this.act(cc)));
    return [mul(this.recAct(o), this.act(c2)), c2];
  }
  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      recurrentActivation: serializeActivation(this.args.recurrentActivation ?? 'sigmoid', this.describe()),
      unitForgetBias: this.args.unitForgetBias ?? true,
    };
  }
}

/**
 * Keras' GRU: z, r gates and a candidate; h' = z·h + (1 − z)·ĥ. With resetAfter (TF 2's
 * default) ĥ = act(x·Kh + b_in + r·(h·Rh + b_rec)) and the bias is [2, 3 × units] (input and
 * recurrent rows); without, ĥ = act(x·Kh + (r·h)·Rh + b).
 *
 *   new tf.keras.layers.GRU(64, { returnSequences: true })
 */
export class GRU extends Recurrent {
  static override className = 'GRU';
  protected readonly gates = 3;
  constructor(units: number | RecurrentArgs, args: Omit<RecurrentArgs, 'units'> = {}) {
    super(units, args);
  }
  private get resetAfter(): boolean {
    return this.args.resetAfter ?? true;
  }
  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }
  protected step(x0: Tensor, [h]: Tensor[], masks: Masks): Tensor[] {
    const u = this.units;
    const [x, hd] = dropped(x0, h, masks);   // the matmuls read the dropped x and h, the blend h itself
    const [bIn, bRec] = this.bias ? (this.resetAfter ? unstack(this.bias) : [this.bias, null]) : [null, null];
    const withBias = (t: Tensor, b: Tensor | null) => (b ? add(t, b) : t);
    const xz = withBias(matmul(x, this.kernel!), bIn);
    const [xZ, xR, xH] = split(xz, 3, 1);
    const [rZ, rR, rH] = split(this.recurrentKernel!, [u, u, u], 1);
    let hh: Tensor;
    let z: Tensor;
    if (this.resetAfter) {
      const [hZ, hR, hH] = split(withBias(matmul(hd, this.recurrentKernel!), bRec), 3, 1);
      z = this.recAct(add(xZ, hZ));
      const r = this.recAct(add(xR, hR));
      hh = this.act(add(xH, mul(r, hH)));
    } else {
      z = this.recAct(add(xZ, matmul(hd, rZ)));
      const r = this.recAct(add(xR, matmul(hd, rR)));
      hh = this.act(add(xH, matmul(mul(r, hd), rH)));
    }
    return [add(mul(z, h), mul(sub(1, z), hh))];
  }
  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      recurrentActivation: serializeActivation(this.args.recurrentActivation ?? 'sigmoid', this.describe()),
      resetAfter: this.resetAfter,
    };
  }
}
