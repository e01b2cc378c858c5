/**
 * Child process of test/keras/saving.test.ts (run with vite-node; not a test itself):
 * `save_child.ts <dir>` trains the small ConvNet, saves it to <dir>/model, writes its
 * predictions to <dir>/pred.bin, then trains one more epoch (no shuffle) and writes every weight
 * to <dir>/cont.bin, and exits: the parent loads the model in another process.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '../../lib/index.js';
import { allWeights, convModel, imageData } from './save_data.js';

const dir = process.argv[2];
if (!dir) throw new Error('save_child: usage: save_child.ts <dir>');
tf.setRandomSeed(5);
const { x, y } = imageData();
const model = convModel();
await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
await model.save(join(dir, 'model'));
const pred = (await model.predict(x)) as tf.Tensor;
writeFileSync(join(dir, 'pred.bin'), new Uint8Array((pred.dataSync() as Float32Array).buffer));
await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
writeFileSync(join(dir, 'cont.bin'), new Uint8Array(allWeights(model).buffer));
process.stdout.write('saved\n');
