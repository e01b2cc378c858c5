// Child process of logging.test.ts: runs tf.Print in a graph (twice) and eagerly; the parent
// reads what it wrote to stderr. Prints the graph result as JSON on stdout.
import * as tf from '../../lib/index.js';

const x = tf.placeholder('float32', [null, 3], 'x');
const y = tf.Print(tf.mul(x, 2), [tf.reduceMean(x), tf.shape(x), x, tf.constant([true, false])], { message: 'step: ', summarize: 4 });
const sess = new tf.Session();
const out = await sess.run(y, { x: [[1, 2, 3], [4, 5, 6]] });
await sess.run(y, { x: [[0.5, -1, 1e-7]] });
tf.enableEagerExecution();
tf.Print(tf.constant([1.5, 2]), [tf.constant(7, 'int32'), tf.zeros([2, 0]), tf.constant([[NaN, 2], [3, 4]])], { message: 'eager ', summarize: 0 });
tf.Print(tf.constant(1), [tf.constant([[1, 2], [3, 4]], 'float64')]);
console.log(JSON.stringify(out.arraySync()));
