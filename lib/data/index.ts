/** tf.data: input pipelines (Dataset and its iterators) and tf.errors.OutOfRangeError. */
import { Dataset } from './dataset.js';
import { OutOfRangeError } from './iterator.js';

export const data = { Dataset };
export const errors = { OutOfRangeError };
export type { Dataset } from './dataset.js';
export type { PartSpec, Structure } from './dataset.js';
export type { OneShotIterator, InitializableIterator } from './iterator.js';
