/**
 * Keras' progress bar. On a terminal it redraws one line in place with '\r':
 *   `120/1200 [==>...........................] - ETA: 12s - loss: 0.4321 - acc: 0.8800`
 * and ends the epoch with the total time and time per step. When the stream is not a terminal
 * (a log file, a pipe, CI), it writes only the final line of each epoch. The stream and the
 * clock are injectable, so both formats can be tested exactly.
 */
import { Callback } from './callback.js';
import type { Logs } from './callback.js';

/** Where progress goes: process.stdout, or anything with write() and isTTY. */
export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): unknown;
}

export interface ProgbarOptions {
  /** Number of steps in total. */
  target: number;
  /** Characters inside the brackets (default 30). */
  width?: number;
  /** 1: a bar (default); 2: only a summary line at the end. */
  verbose?: 1 | 2;
  /** Minimum seconds between redraws on a terminal (default 0.05). */
  interval?: number;
  stream?: ProgressStream;
  /** Clock in milliseconds (default performance.now). */
  now?: () => number;
}

/** Python's '%.{digits}e': at least two exponent digits (1.2340e-05). */
export function pythonExp(v: number, digits: number): string {
  return v.toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Keras' number format: 4 decimals, or scientific notation for tiny values. */
export function formatValue(v: number): string {
  return Math.abs(v) > 1e-3 || !Number.isFinite(v) ? v.toFixed(4) : pythonExp(v, 4);
}

function formatEta(s: number): string {
  const two = (v: number) => String(Math.floor(v)).padStart(2, '0');
  if (s > 3600) return `${Math.floor(s / 3600)}:${two((s % 3600) / 60)}:${two(s % 60)}`;
  if (s > 60) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${Math.floor(s)}s`;
}

function formatPerStep(s: number): string {
  if (s >= 1) return `${s.toFixed(0)}s/step`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(0)}ms/step`;
  return `${(s * 1e6).toFixed(0)}us/step`;
}

/** tf.keras.utils.Progbar. */
export class Progbar {
  readonly target: number;
  private readonly width: number;
  private readonly verbose: 1 | 2;
  private readonly interval: number;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly start: number;
  private lastUpdate = -Infinity;
  private shownWidth = 0;
  private finished = false;

  constructor(o: ProgbarOptions) {
    if (!Number.isInteger(o.target) || o.target < 0) {
      throw new Error(`Progbar: target must be a non-negative integer, got ${o.target}`);
    }
    this.target = o.target;
    this.width = o.width ?? 30;
    this.verbose = o.verbose ?? 1;
    this.interval = o.interval ?? 0.05;
    this.stream = o.stream ?? process.stdout;
    this.now = o.now ?? (() => performance.now());
    this.start = this.now();
  }

  /**
   * Shows step `current` of target with `values` (already averaged, in display order). The
   * final step writes the closing line (with a newline) exactly once.
   */
  update(current: number, values: [string, number][] = []): void {
    if (this.finished) return;
    const now = this.now();
    const done = current >= this.target;
    const elapsed = (now - this.start) / 1000;
    const tty = !!this.stream.isTTY;
    const metrics = values.map(([k, v]) => ` - ${k}: ${formatValue(v)}`).join('');
    if (this.verbose === 2 || !tty) {
      // Not a terminal (or verbose 2): one line when the epoch ends, nothing in between.
      if (!done) return;
      const counter = this.counter(current);
      const head = this.verbose === 1 ? `${counter} ${this.bar(current)}` : counter;
      this.stream.write(`${head} - ${Math.round(elapsed)}s${metrics}\n`);
      this.finished = true;
      return;
    }
    if (!done && now - this.lastUpdate < this.interval * 1000) return;
    this.lastUpdate = now;
    let line = `${this.counter(current)} ${this.bar(current)}`;
    if (done) {
      const per = current > 0 ? elapsed / current : 0;
      line += ` - ${Math.round(elapsed)}s ${formatPerStep(per)}`;
    } else {
      const eta = current > 0 ? (elapsed / current) * (this.target - current) : 0;
      line += ` - ETA: ${formatEta(eta)}`;
    }
    line += metrics;
    // Pad with spaces so a shorter line fully covers the previous one.
    const pad = Math.max(0, this.shownWidth - line.length);
    this.shownWidth = line.length;
    this.stream.write(`\r${line}${' '.repeat(pad)}${done ? '\n' : ''}`);
    if (done) this.finished = true;
  }

  private counter(current: number): string {
    const digits = String(this.target).length;
    return `${String(current).padStart(digits)}/${this.target}`;
  }

  private bar(current: number): string {
    const frac = this.target > 0 ? Math.min(1, current / this.target) : 1;
    const filled = Math.floor(this.width * frac);
    let s = '[';
    if (filled > 0) s += '='.repeat(filled - 1) + (current < this.target ? '>' : '=');
    return `${s}${'.'.repeat(this.width - filled)}]`;
  }
}

export interface ProgbarLoggerOptions {
  stream?: ProgressStream;
  now?: () => number;
}

/**
 * Prints "Epoch 3/10" and a Progbar per epoch (fit adds one when verbose > 0 and the callbacks
 * hold none). Values shown are the epoch's running means, weighted by batch size.
 */
export class ProgbarLogger extends Callback {
  private bar: Progbar | null = null;
  private sums = new Map<string, number>();
  private seen = 0;
  private readonly stream: ProgressStream;

  constructor(private readonly opts: ProgbarLoggerOptions = {}) {
    super();
    this.stream = opts.stream ?? process.stdout;
  }

  override onEpochBegin(epoch: number): void {
    const verbose = this.params.verbose;
    if (!verbose) return;
    this.stream.write(`Epoch ${epoch + 1}/${this.params.epochs}\n`);
    this.bar = new Progbar({
      target: this.params.steps,
      verbose: verbose === 2 ? 2 : 1,
      stream: this.stream,
      now: this.opts.now,
    });
    this.sums = new Map();
    this.seen = 0;
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    if (!this.bar) return;
    const size = logs.size ?? 1;
    this.seen += size;
    for (const k of this.params.metrics) {
      if (k in logs) this.sums.set(k, (this.sums.get(k) ?? 0) + logs[k] * size);
    }
    // The last batch is drawn at epoch end, with the validation metrics.
    if (batch + 1 < this.params.steps) this.bar.update(batch + 1, this.means());
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    if (!this.bar) return;
    const keys = this.params.metrics.filter((k) => k in logs);
    const values = keys.map((k) => [k, logs[k]] as [string, number]);
    this.bar.update(this.params.steps, values);
    this.bar = null;
  }

  private means(): [string, number][] {
    return [...this.sums.entries()].map(([k, v]) => [k, v / Math.max(1, this.seen)]);
  }
}
