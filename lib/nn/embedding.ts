/** tf.nn.embeddingLookup: rows of a table by id (a gather; its gradient scatters into the table). */
import type { TensorLike } from '../convert.js';
import type { NameOption } from '../engine.js';
import { named } from '../engine.js';
import { Tensor } from '../tensor.js';
import { gather } from '../ops/index_ops.js';

/**
 * params[ids]: for int32 ids of any shape, [...ids.shape, ...params.shape.slice(1)] (TF's
 * tf.nn.embedding_lookup). A list of tables (TF's partitioned params) is accepted when it has
 * one table.
 *
 *   const vectors = tf.nn.embeddingLookup(embeddings, wordIds);
 */
export function embeddingLookup(params: Tensor | Tensor[], ids: TensorLike, opts: NameOption = {}): Tensor {
  const table = Array.isArray(params) ? params : [params];
  if (table.length !== 1 || !(table[0] instanceof Tensor)) {
    throw new Error(`embeddingLookup: params must be one tensor (partitioned tables are not supported), got ${table.length}`);
  }
  return named('embeddingLookup', opts.name, () => gather(table[0], ids));
}
