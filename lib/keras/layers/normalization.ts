/**
 * tf.keras.layers.BatchNormalization over the last (channel) axis, on inputs of rank 2 or 4:
 * batch statistics while training (the moving mean and variance then move towards them; the
 * assignments are the layer's updates, run by fit with each step), moving statistics otherwise.
 */
import { shapeString } from '../../dtype.js';
import type { Initializer } from '../../graph/initializers.js';
import type { Variable } from '../../graph/variables.js';
import { batchNormApply } from '../../layers/normalization.js';
import type { Tensor } from '../../tensor.js';
import { learningPhase } from '../backend.js';
import type { LayerArgs, LayerConfig, SymbolicShape } from '../engine/layer.js';
import { Layer } from '../engine/layer.js';
import type { CallArgs } from '../engine/node.js';
import { oneShape } from './layer_args.js';
import type { InitializerIdentifier } from '../initializers.js';
import { getInitializer, serializeInitializer } from '../initializers.js';
import type { RegularizerIdentifier } from '../regularizers.js';
import { getRegularizer, serializeRegularizer } from '../regularizers.js';

export interface BatchNormalizationArgs extends LayerArgs {
  /** Only -1 (the channels of NHWC, or the features of [batch, features]). */
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  movingMeanInitializer?: InitializerIdentifier;
  movingVarianceInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier;
  gammaRegularizer?: RegularizerIdentifier;
  /**
   * Use the fused kernel (tf.nn.fusedBatchNorm); default: for 4-D inputs, as Keras. The moving
   * variance then follows the unbiased batch variance.
   */
  fused?: boolean;
}

export class BatchNormalization extends Layer {
  static override className = 'BatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;
  private readonly args: BatchNormalizationArgs;
  private readonly init: Record<'gamma' | 'beta' | 'mean' | 'variance', Initializer>;

  /** `new tf.keras.layers.BatchNormalization({ momentum: 0.9 })` */
  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.args = args;
    const what = this.describe();
    if ((args.axis ?? -1) !== -1) {
      throw new Error(`${what}: only axis -1 (the last axis) is supported, got ${args.axis}`);
    }
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new Error(`${what}: momentum must be in [0, 1], got ${this.momentum}`);
    }
    if (!(this.epsilon > 0)) {
      throw new Error(`${what}: epsilon must be positive, got ${this.epsilon}`);
    }
    this.init = {
      gamma: getInitializer(args.gammaInitializer, 'ones', what),
      beta: getInitializer(args.betaInitializer, 'zeros', what),
      mean: getInitializer(args.movingMeanInitializer, 'zeros', what),
      variance: getInitializer(args.movingVarianceInitializer, 'ones', what),
    };
    getRegularizer(args.gammaRegularizer, what);
    getRegularizer(args.betaRegularizer, what);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const s = oneShape(inputShape);
    const c = s[s.length - 1];
    if (s.length !== 2 && s.length !== 4) {
      throw new Error(`expected an input of rank 2 or 4 (NHWC), got shape ${shapeString(s)}`);
    }
    if (c === null) {
      throw new Error(`the last dimension of the input must be known, got shape ${shapeString(s)}`);
    }
    const a = this.args;
    const what = this.describe();
    const init = this.init;
    if (a.scale ?? true) {
      const regularizer = getRegularizer(a.gammaRegularizer, what);
      this.gamma = this.addWeight('gamma', [c], { initializer: init.gamma, regularizer });
    }
    if (a.center ?? true) {
      const regularizer = getRegularizer(a.betaRegularizer, what);
      this.beta = this.addWeight('beta', [c], { initializer: init.beta, regularizer });
    }
    // The moving statistics are weights too (saved), but not trained.
    const moving = (initializer: typeof init.mean) => ({ initializer, trainable: false });
    this.movingMean = this.addWeight('moving_mean', [c], moving(init.mean));
    this.movingVariance = this.addWeight('moving_variance', [c], moving(init.variance));
  }

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
    const x = inputs as Tensor;
    const c = x.shape[x.shape.length - 1] as number;
    const dtype = x.dtype as 'float32' | 'float64';
    const training = kwargs.training ?? learningPhase(this.graph!);
    const ones = () => getInitializer('ones', 'ones', '')([c], dtype);
    const zeros = () => getInitializer('zeros', 'zeros', '')([c], dtype);
    const p = {
      gamma: this.gamma ?? ones(),
      beta: this.beta ?? zeros(),
      movingMean: this.movingMean!,
      movingVar: this.movingVariance!,
    };
    const rank = x.shape.length;
    const fused = this.args.fused ?? rank === 4;
    if (fused && rank !== 4) {
      throw new Error(`fused batch normalization needs 4-D (NHWC) inputs, got rank ${rank}`);
    }
    const opts = { momentum: this.momentum, epsilon: this.epsilon, training, fused };
    return batchNormApply(x, p, opts, this.describe());
  }

  override getConfig(): LayerConfig {
    const a = this.args;
    const what = this.describe();
    return {
      ...super.getConfig(),
      axis: -1,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: a.center ?? true,
      scale: a.scale ?? true,
      betaInitializer: serializeInitializer(a.betaInitializer, 'zeros'),
      gammaInitializer: serializeInitializer(a.gammaInitializer, 'ones'),
      movingMeanInitializer: serializeInitializer(a.movingMeanInitializer, 'zeros'),
      movingVarianceInitializer: serializeInitializer(a.movingVarianceInitializer, 'ones'),
      betaRegularizer: serializeRegularizer(a.betaRegularizer, what),
      gammaRegularizer: serializeRegularizer(a.gammaRegularizer, what),
      ...(a.fused === undefined ? {} : { fused: a.fused }),
    };
  }
}
