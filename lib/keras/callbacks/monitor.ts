/**
 * The quantity a callback watches (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau): a key of
 * the epoch logs, and whether smaller or larger is better ('auto': larger for accuracies).
 */
import type { Logs } from './callback.js';

export type MonitorMode = 'auto' | 'min' | 'max';

export class Monitor {
  /** +1 when larger is better, -1 when smaller is. */
  readonly sign: 1 | -1;

  constructor(readonly key: string, mode: MonitorMode, private readonly owner: string) {
    if (typeof key !== 'string' || !key) {
      throw new Error(
        `${owner}: monitor must be a log key such as 'val_loss', got ${JSON.stringify(key)}`,
      );
    }
    if (!['auto', 'min', 'max'].includes(mode)) {
      throw new Error(`${owner}: mode must be 'auto', 'min' or 'max', got '${mode}'`);
    }
    this.sign = mode === 'max' || (mode === 'auto' && /acc/.test(key)) ? 1 : -1;
  }

  /** The worst possible value (the starting "best"). */
  get worst(): number {
    return -this.sign * Infinity;
  }

  /** True if `current` beats `best` by more than `minDelta` (≥ 0). */
  improves(current: number, best: number, minDelta = 0): boolean {
    return this.sign > 0 ? current - minDelta > best : current + minDelta < best;
  }

  /** The monitored value, or undefined (with a warning, as Keras) when the logs lack it. */
  read(logs: Logs): number | undefined {
    const v = logs[this.key];
    if (v === undefined) {
      console.warn(
        `${this.owner} conditioned on metric '${this.key}' which is not available. Available ` +
          `metrics are: ${Object.keys(logs).join(',')}`,
      );
    }
    return v;
  }
}
