/**
 * Keras callbacks: objects whose hooks fit() calls at the start and end of training, of each
 * epoch and of each batch. Subclass tf.keras.callbacks.Callback, or pass a plain object with
 * the hooks you need (`{ onEpochEnd: (epoch, logs) => … }`). Hooks may be async; fit awaits them.
 * Epochs and batches are counted from 0, as in Keras.
 */
import type { Model } from '../engine/model.js';

/** Values by name ('loss', 'acc', 'val_loss'…); batch logs also have 'batch' and 'size'. */
export type Logs = Record<string, number>;

/** What fit tells the callbacks (Keras' callback.params). */
export interface CallbackParams {
  epochs: number;
  /** Batches per epoch. */
  steps: number;
  samples: number;
  batchSize: number;
  verbose: number;
  doValidation: boolean;
  /** Every key the epoch logs will have ('loss', 'acc', 'val_loss', 'val_acc'). */
  metrics: string[];
}

type Hook = (...args: never[]) => void | Promise<void>;

/** The hooks a callback may define. */
export interface CustomCallbackArgs {
  onTrainBegin?: (logs: Logs) => void | Promise<void>;
  onTrainEnd?: (logs: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
}

export class Callback {
  /** The model being trained (set by fit). */
  model: Model | null = null;
  params: CallbackParams = {
    epochs: 0, steps: 0, samples: 0, batchSize: 0, verbose: 0, doValidation: false, metrics: [],
  };

  setModel(model: Model): void {
    this.model = model;
  }
  setParams(params: CallbackParams): void {
    this.params = params;
  }
  onTrainBegin(_logs: Logs): void | Promise<void> {}
  onTrainEnd(_logs: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs: Logs): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs: Logs): void | Promise<void> {}
}

/** A callback from plain functions (Keras' LambdaCallback). */
export class LambdaCallback extends Callback {
  constructor(hooks: CustomCallbackArgs) {
    super();
    for (const [k, fn] of Object.entries(hooks)) {
      if (!HOOKS.includes(k as HookName)) {
        throw new Error(`LambdaCallback: unknown hook '${k}' (known: ${HOOKS.join(', ')})`);
      }
      if (typeof fn !== 'function') throw new Error(`LambdaCallback: ${k} must be a function`);
      (this as unknown as Record<string, Hook>)[k] = fn as Hook;
    }
  }
}

/** Records the epoch logs; fit returns it (model.history). */
export class History extends Callback {
  /** Per key, one value per epoch. */
  history: Record<string, number[]> = {};
  /** The epoch indices seen. */
  epoch: number[] = [];
  override onTrainBegin(): void {
    this.history = {};
    this.epoch = [];
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

const HOOKS = [
  'onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd',
] as const;
type HookName = (typeof HOOKS)[number];

/** A Callback, or a plain object with hooks. */
export type CallbackLike = Callback | CustomCallbackArgs;

/** Calls the hooks of every callback in order; only awaits hooks that return a promise. */
export class CallbackList {
  readonly callbacks: Callback[];
  private readonly defines: Record<HookName, Callback[]>;

  constructor(list: CallbackLike[]) {
    this.callbacks = list.map((c, i) => {
      if (c instanceof Callback) return c;
      if (c && typeof c === 'object') return new LambdaCallback(c);
      throw new Error(
        `fit: callbacks[${i}] is not a tf.keras.callbacks.Callback or an object with hooks`,
      );
    });
    // A hook is defined when it differs from the base class's no-op.
    const hookOf = (c: Callback, h: HookName) => (c as unknown as Record<string, Hook>)[h];
    const base = Callback.prototype;
    this.defines = Object.fromEntries(
      HOOKS.map((h) => [h, this.callbacks.filter((c) => hookOf(c, h) !== hookOf(base, h))]),
    ) as Record<HookName, Callback[]>;
  }

  setModel(m: Model): void {
    for (const c of this.callbacks) c.setModel(m);
  }
  setParams(p: CallbackParams): void {
    for (const c of this.callbacks) c.setParams(p);
  }
  /** True if some callback defines the hook (fit skips per-batch work otherwise). */
  has(hook: HookName): boolean {
    return this.defines[hook].length > 0;
  }

  async call(hook: HookName, ...args: unknown[]): Promise<void> {
    for (const c of this.defines[hook]) {
      const fn = (c as unknown as Record<string, (...a: unknown[]) => unknown>)[hook];
      const r = fn.apply(c, args);
      if (r && typeof (r as Promise<void>).then === 'function') await r;
    }
  }
}
