/**
 * ModelCheckpoint: saves the model (model.save: a directory) or only its weights
 * (model.saveWeights: a file) after epochs. The path may use the epoch (1-based, as Keras) and
 * the logs with Python-style formats: 'ckpt/model-{epoch:02d}-{val_loss:.2f}'.
 */
import { Callback } from './callback.js';
import type { Logs } from './callback.js';
import type { MonitorMode } from './monitor.js';
import { Monitor } from './monitor.js';
import { pythonExp } from './progbar.js';

export interface ModelCheckpointArgs {
  /** Log key for saveBestOnly (default 'val_loss'). */
  monitor?: string;
  verbose?: 0 | 1;
  /** Only save when the monitored value improves on the best so far. */
  saveBestOnly?: boolean;
  /** model.saveWeights(path) instead of model.save(path). */
  saveWeightsOnly?: boolean;
  mode?: MonitorMode;
  /** Save every `period` epochs (default 1). */
  period?: number;
}

const FIELD = /\{(\w+)(?::([^}]*))?\}/g;
const SPEC = /^(0?)(\d*)(?:\.(\d+))?([dfe]?)$/;

/** Python's str.format for {name}, {name:02d}, {name:.4f}, {name:.2e}. */
export function formatPath(template: string, values: Record<string, number>): string {
  return template.replace(FIELD, (whole, key: string, spec?: string) => {
    if (!(key in values)) {
      throw new Error(
        `ModelCheckpoint: the path '${template}' uses {${key}}, which is not in the logs ` +
          `(${Object.keys(values).join(', ')})`,
      );
    }
    const v = values[key];
    if (!spec) return String(v);
    const m = SPEC.exec(spec);
    if (!m) {
      throw new Error(
        `ModelCheckpoint: unsupported format '${whole}' (use d, f or e, e.g. {epoch:02d} or ` +
          `{val_loss:.2f})`,
      );
    }
    const [, zero, width, prec, type] = m;
    let s: string;
    if (type === 'd') s = String(Math.trunc(v));
    else if (type === 'e') s = pythonExp(v, prec === undefined ? 6 : Number(prec));
    else s = prec === undefined ? String(v) : v.toFixed(Number(prec));
    const w = width ? Number(width) : 0;
    return s.padStart(w, zero ? '0' : ' ');
  });
}

export class ModelCheckpoint extends Callback {
  readonly monitor: Monitor;
  private best = 0;
  private sinceSave = 0;
  private readonly period: number;

  /** `new tf.keras.callbacks.ModelCheckpoint('ckpt/cnn-{epoch:02d}', { saveBestOnly: true })` */
  constructor(readonly filepath: string, private readonly args: ModelCheckpointArgs = {}) {
    super();
    if (typeof filepath !== 'string' || !filepath) {
      throw new Error(
        `ModelCheckpoint: filepath must be a non-empty string, got ` +
          `${JSON.stringify(filepath)}`,
      );
    }
    this.monitor = new Monitor(args.monitor ?? 'val_loss', args.mode ?? 'auto', 'ModelCheckpoint');
    this.period = args.period ?? 1;
    if (!Number.isInteger(this.period) || this.period < 1) {
      throw new Error(`ModelCheckpoint: period must be a positive integer, got ${args.period}`);
    }
    // Check the formats now rather than after the first epoch.
    for (const m of filepath.matchAll(FIELD)) {
      if (m[2] && !SPEC.test(m[2])) {
        throw new Error(
          `ModelCheckpoint: unsupported format '${m[0]}' (use d, f or e, e.g. {epoch:02d} or ` +
            `{val_loss:.2f})`,
        );
      }
    }
  }

  override onTrainBegin(): void {
    this.best = this.monitor.worst;
    this.sinceSave = 0;
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (++this.sinceSave < this.period) return;
    this.sinceSave = 0;
    const path = formatPath(this.filepath, { ...logs, epoch: epoch + 1 });
    const tag = `Epoch ${String(epoch + 1).padStart(5, '0')}`;
    if (this.args.saveBestOnly) {
      const current = this.monitor.read(logs);
      if (current === undefined) return;
      if (!this.monitor.improves(current, this.best)) {
        if (this.args.verbose) {
          console.log(`${tag}: ${this.monitor.key} did not improve from ${this.best.toFixed(5)}`);
        }
        return;
      }
      if (this.args.verbose) {
        console.log(
          `${tag}: ${this.monitor.key} improved from ${this.best.toFixed(5)} to ` +
            `${current.toFixed(5)}, saving model to ${path}`,
        );
      }
      this.best = current;
    } else if (this.args.verbose) {
      console.log(`${tag}: saving model to ${path}`);
    }
    if (this.args.saveWeightsOnly) await this.model!.saveWeights(path);
    else await this.model!.save(path);
  }
}
