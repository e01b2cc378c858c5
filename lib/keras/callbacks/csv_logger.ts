/**
 * CSVLogger: one row per epoch (epoch, then the log keys in sorted order) appended to a CSV
 * file; the header is written with the first row unless appending to an existing file.
 */
import { appendFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Callback } from './callback.js';
import type { Logs } from './callback.js';

export interface CSVLoggerArgs {
  separator?: string;
  /** Continue an existing file instead of overwriting it. */
  append?: boolean;
}

export class CSVLogger extends Callback {
  private keys: string[] | null = null;
  private readonly separator: string;

  /** `new tf.keras.callbacks.CSVLogger('logs/training.csv')` */
  constructor(readonly filename: string, private readonly args: CSVLoggerArgs = {}) {
    super();
    if (typeof filename !== 'string' || !filename) {
      throw new Error(
        `CSVLogger: filename must be a non-empty string, got ${JSON.stringify(filename)}`,
      );
    }
    this.separator = args.separator ?? ',';
  }

  override onTrainBegin(): void {
    mkdirSync(dirname(this.filename), { recursive: true });
    const f = this.filename;
    const continuing = !!this.args.append && existsSync(f) && statSync(f).size > 0;
    if (!continuing) writeFileSync(this.filename, '');
    this.keys = continuing ? [] : null;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const fresh = this.keys === null;
    if (!this.keys?.length) this.keys = Object.keys(logs).sort();
    const cell = (v: unknown) => {
      const s = typeof v === 'number' ? String(v) : String(v ?? '');
      return s.includes(this.separator) || s.includes('"') ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const lines: string[] = [];
    if (fresh) lines.push(['epoch', ...this.keys].map(cell).join(this.separator));
    const row = [epoch, ...this.keys.map((k) => (k in logs ? logs[k] : 'NA'))];
    lines.push(row.map(cell).join(this.separator));
    appendFileSync(this.filename, `${lines.join('\n')}\n`);
  }
}
