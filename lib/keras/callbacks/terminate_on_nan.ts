/** TerminateOnNaN: stops fit at the first batch whose loss is NaN or infinite. */
import { Callback } from './callback.js';
import type { Logs } from './callback.js';

export class TerminateOnNaN extends Callback {
  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.log(`Batch ${batch}: Invalid loss, terminating training`);
      this.model!.stopTraining = true;
    }
  }
}
