/**
 * EarlyStopping: stops fit when the monitored value has not improved by more than minDelta for
 * `patience` epochs; with restoreBestWeights, the weights of the best epoch are put back when it
 * stops (as TF 1.x Keras: only when it stops early).
 */
import type { Tensor } from '../../tensor.js';
import { Callback } from './callback.js';
import type { Logs } from './callback.js';
import type { MonitorMode } from './monitor.js';
import { Monitor } from './monitor.js';

export interface EarlyStoppingArgs {
  /** Log key to watch (default 'val_loss'). */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  verbose?: 0 | 1;
  mode?: MonitorMode;
  /** Stop unless the value beats this. */
  baseline?: number;
  restoreBestWeights?: boolean;
}

export class EarlyStopping extends Callback {
  readonly monitor: Monitor;
  readonly minDelta: number;
  readonly patience: number;
  /** The epoch fit stopped at (0 if it did not stop early). */
  stoppedEpoch = 0;
  private wait = 0;
  private best = 0;
  private bestWeights: Tensor[] | null = null;

  /** `new tf.keras.callbacks.EarlyStopping({ monitor: 'val_loss', patience: 3 })` */
  constructor(private readonly args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = new Monitor(args.monitor ?? 'val_loss', args.mode ?? 'auto', 'EarlyStopping');
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new Error(
        `EarlyStopping: patience must be a non-negative integer, got ${args.patience}`,
      );
    }
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.args.baseline ?? this.monitor.worst;
    this.dropBest();
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const current = this.monitor.read(logs);
    if (current === undefined) return;
    if (this.monitor.improves(current, this.best, this.minDelta)) {
      this.best = current;
      this.wait = 0;
      if (this.args.restoreBestWeights) {
        this.dropBest();
        this.bestWeights = this.model!.getWeights();
      }
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
      if (this.args.restoreBestWeights && this.bestWeights) {
        if (this.args.verbose) {
          console.log('Restoring model weights from the end of the best epoch.');
        }
        this.model!.setWeights(this.bestWeights);
      }
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.args.verbose) {
      console.log(`Epoch ${String(this.stoppedEpoch + 1).padStart(5, '0')}: early stopping`);
    }
    this.dropBest();
  }

  private dropBest(): void {
    for (const t of this.bestWeights ?? []) t.dispose();
    this.bestWeights = null;
  }
}
