/** tf.keras.callbacks. */
export { Callback, LambdaCallback, History, CallbackList } from './callback.js';
export type { Logs, CallbackParams, CustomCallbackArgs, CallbackLike } from './callback.js';
export { ProgbarLogger } from './progbar.js';
export type { ProgbarLoggerOptions, ProgressStream } from './progbar.js';
export { EarlyStopping } from './early_stopping.js';
export type { EarlyStoppingArgs } from './early_stopping.js';
export { ModelCheckpoint } from './model_checkpoint.js';
export type { ModelCheckpointArgs } from './model_checkpoint.js';
export { ReduceLROnPlateau, LearningRateScheduler } from './learning_rate.js';
export type { ReduceLROnPlateauArgs } from './learning_rate.js';
export { CSVLogger } from './csv_logger.js';
export type { CSVLoggerArgs } from './csv_logger.js';
export { TerminateOnNaN } from './terminate_on_nan.js';
export { TensorBoard } from './tensorboard.js';
export type { TensorBoardArgs } from './tensorboard.js';
export type { MonitorMode, Monitor } from './monitor.js';
