/**
 * TensorBoard: writes the epoch logs as scalars ('loss', 'acc', 'val_loss'… at step = epoch),
 * optionally per-batch scalars ('batch_loss'…), histograms of the weights every histogramFreq
 * epochs, and the model's graph, to an event file in logDir (`tensorboard --logdir <logDir>`).
 */
import { computeHistogram } from '../../summary/ops.js';
import type { SummaryValue } from '../../summary/proto.js';
import { FileWriter } from '../../summary/writer.js';
import { getValue } from '../backend.js';
import { Callback } from './callback.js';
import type { Logs } from './callback.js';

export interface TensorBoardArgs {
  /** Directory of the event file (default './logs'). */
  logDir?: string;
  /** Histograms of every weight each N epochs (0: none, the default). */
  histogramFreq?: number;
  /** Write the model's graph (default true). */
  writeGraph?: boolean;
  /** 'epoch' (default), 'batch', or a number: write batch scalars every N batches. */
  updateFreq?: 'epoch' | 'batch' | number;
}

export class TensorBoard extends Callback {
  readonly logDir: string;
  private writer: FileWriter | null = null;
  private readonly args: TensorBoardArgs;
  private batchStep = 0;
  private readonly every: number;

  /** `new tf.keras.callbacks.TensorBoard({ logDir: 'logs/cnn' })` or `TensorBoard('logs/cnn')` */
  constructor(args: TensorBoardArgs | string = {}) {
    super();
    this.args = typeof args === 'string' ? { logDir: args } : args;
    this.logDir = this.args.logDir ?? './logs';
    const f = this.args.updateFreq ?? 'epoch';
    this.every = f === 'epoch' ? 0 : f === 'batch' ? 1 : f;
    if (!Number.isInteger(this.every) || this.every < 0) {
      throw new Error(
        `TensorBoard: updateFreq must be 'epoch', 'batch' or a positive integer, got ` +
          `${JSON.stringify(f)}`,
      );
    }
    const h = this.args.histogramFreq ?? 0;
    if (!Number.isInteger(h) || h < 0) {
      throw new Error(`TensorBoard: histogramFreq must be a non-negative integer, got ${h}`);
    }
  }

  override onTrainBegin(): void {
    const graph = this.args.writeGraph ?? true ? this.model!.graph : null;
    this.writer = new FileWriter(this.logDir, graph);
    this.batchStep = 0;
  }

  override onBatchEnd(_batch: number, logs: Logs): void {
    if (!this.every || !this.writer) return;
    if (++this.batchStep % this.every !== 0) return;
    const value = Object.entries(logs)
      .filter(([k]) => k !== 'batch' && k !== 'size')
      .map(([k, v]) => ({ tag: `batch_${k}`, simpleValue: v }));
    this.writer.addSummary({ value }, this.batchStep);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    if (!this.writer) return;
    const value: SummaryValue[] = Object.entries(logs).map(([tag, v]) => ({ tag, simpleValue: v }));
    const h = this.args.histogramFreq ?? 0;
    if (h > 0 && epoch % h === 0) {
      const sess = this.model!.session();
      for (const w of this.model!.weights) {
        const t = getValue(w, sess);
        const values = t.dataSync() as ArrayLike<number>;
        t.dispose();
        if (values.length) value.push({ tag: w.opName, histo: computeHistogram(values, w.opName) });
      }
    }
    this.writer.addSummary({ value }, epoch);
    this.writer.flush();
  }

  override onTrainEnd(): void {
    this.writer?.close();
    this.writer = null;
  }
}
