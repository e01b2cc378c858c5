/**
 * ReduceLROnPlateau and LearningRateScheduler. Both change the learning-rate variable of a
 * tf.keras optimizer between steps (a value in the session: no graph rebuild). The epoch logs
 * gain 'lr', the rate used during that epoch.
 */
import type { Variable } from '../../graph/variables.js';
import { getValue, setValue } from '../backend.js';
import type { Model } from '../engine/model.js';
import { Callback } from './callback.js';
import type { Logs } from './callback.js';
import type { MonitorMode } from './monitor.js';
import { Monitor } from './monitor.js';

function lrVariable(model: Model | null, owner: string): Variable {
  if (!model?.optimizer) throw new Error(`${owner}: the model is not compiled`);
  const lr = model.optimizer.state(model.graph!).learningRate;
  if (!lr) {
    throw new Error(
      `${owner}: the model's optimizer is a tf.train optimizer whose learning rate is fixed ` +
        "in the graph; compile with a tf.keras.optimizers optimizer (or a name such as 'adam') " +
        'to change it while training',
    );
  }
  return lr;
}

/** The current learning rate of a compiled model's tf.keras optimizer. */
export function getLearningRate(model: Model): number {
  const t = getValue(lrVariable(model, 'getLearningRate'), model.session());
  const v = t.item() as number;
  t.dispose();
  return v;
}

/** Sets the learning rate of a compiled model's tf.keras optimizer (used from the next step). */
export function setLearningRate(model: Model, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`setLearningRate: expected a non-negative number, got ${String(value)}`);
  }
  setValue(lrVariable(model, 'setLearningRate'), Math.fround(value), model.session());
}

export interface ReduceLROnPlateauArgs {
  monitor?: string;
  /** New rate = rate · factor (< 1; default 0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  verbose?: 0 | 1;
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound of the rate (default 0). */
  minLr?: number;
}

/** Multiplies the learning rate by `factor` when the monitored value stops improving. */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: Monitor;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private best = 0;
  private wait = 0;
  private cooldownCounter = 0;

  /** `new tf.keras.callbacks.ReduceLROnPlateau({ factor: 0.5, patience: 2 })` */
  constructor(private readonly args: ReduceLROnPlateauArgs = {}) {
    super();
    const owner = 'ReduceLROnPlateau';
    this.monitor = new Monitor(args.monitor ?? 'val_loss', args.mode ?? 'auto', owner);
    this.factor = args.factor ?? 0.1;
    if (!(this.factor < 1 && this.factor >= 0)) {
      throw new Error(
        `ReduceLROnPlateau: factor must be in [0, 1) (it multiplies the rate), got ` +
          `${args.factor}`,
      );
    }
    this.patience = args.patience ?? 10;
    this.minDelta = Math.abs(args.minDelta ?? 1e-4);
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.minLr ?? 0;
  }

  override onTrainBegin(): void {
    lrVariable(this.model, 'ReduceLROnPlateau');
    this.best = this.monitor.worst;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    logs.lr = getLearningRate(this.model!);
    const current = this.monitor.read(logs);
    if (current === undefined) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.monitor.improves(current, this.best, this.minDelta)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0 && ++this.wait >= this.patience) {
      const old = logs.lr;
      if (old > this.minLr) {
        const next = Math.max(old * this.factor, this.minLr);
        setLearningRate(this.model!, next);
        if (this.args.verbose) {
          console.log(
            `Epoch ${String(epoch + 1).padStart(5, '0')}: ReduceLROnPlateau reducing ` +
              `learning rate to ${next}.`,
          );
        }
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }
}

/** Sets the learning rate at the start of each epoch from schedule(epoch, currentRate). */
export class LearningRateScheduler extends Callback {
  /** `new tf.keras.callbacks.LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * 0.9))` */
  constructor(
    private readonly schedule: (epoch: number, lr: number) => number,
    private readonly verbose: 0 | 1 = 0,
  ) {
    super();
    if (typeof schedule !== 'function') {
      throw new Error('LearningRateScheduler: schedule must be a function (epoch, lr) => number');
    }
  }
  override onEpochBegin(epoch: number): void {
    const lr = this.schedule(epoch, getLearningRate(this.model!));
    if (typeof lr !== 'number' || !Number.isFinite(lr)) {
      throw new Error(
        `LearningRateScheduler: the schedule returned ${String(lr)} for epoch ${epoch}; it ` +
          `must return a finite number`,
      );
    }
    setLearningRate(this.model!, lr);
    if (this.verbose) {
      console.log(
        `\nEpoch ${String(epoch + 1).padStart(5, '0')}: LearningRateScheduler setting ` +
          `learning rate to ${lr}.`,
      );
    }
  }
  override onEpochEnd(_epoch: number, logs: Logs): void {
    logs.lr = getLearningRate(this.model!);
  }
}
