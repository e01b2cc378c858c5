/**
 * CPU vs CUDA at sizes that cover tails and many blocks (checkOp with cudaOnly: on a machine
 * without a GPU every case is shown as skipped). test/ops/ already compares every checkOp case
 * of every op on both devices; these add the sizes where launch geometry matters: element
 * counts that are not multiples of the block (256), class axes longer than a block (the
 * block-per-row reductions), axes that are not last (one thread per column), GEMMs whose dims
 * are not multiples of the 64-wide tiles, and batched GEMMs with broadcast batch dims.
 */
import { describe } from 'vitest';
import * as tf from '../../lib/index.js';
import { broadcastLike } from '../../lib/ops/broadcast.js';
import { checkOp } from '../helpers/check_op.js';

const big = [37, 263];   // 9731 elements: 38 blocks and a tail

describe('elementwise, many blocks', () => {
  checkOp('relu', { fn: (x) => tf.nn.relu(x), shapes: [big], cudaOnly: true, avoid: (v) => Math.abs(v) < 0.01 });
  checkOp('tanh', { fn: (x) => tf.tanh(x), shapes: [big], cudaOnly: true });
  checkOp('exp', { fn: (x) => tf.exp(x), shapes: [big], cudaOnly: true });
  checkOp('softplus', { fn: (x) => tf.nn.softplus(x), shapes: [big], cudaOnly: true });
  checkOp('add', { name: 'add [37,263] + [263] (bias)', fn: (a, b) => tf.add(a, b), shapes: [big, [263]], cudaOnly: true });
  checkOp('mul', { name: 'mul [37,1,263] * [5,1] (two broadcast dims)', fn: (a, b) => tf.mul(a, b), shapes: [[37, 1, 263], [5, 1]], cudaOnly: true });
  checkOp('sub', { name: 'sub transposed views', fn: (a, b) => tf.sub(a, b), shapes: [big, big], transpose: true, cudaOnly: true });
  checkOp('div', { fn: (a, b) => tf.div(a, b), shapes: [big, [37, 1]], low: 0.5, high: 2, cudaOnly: true });
  checkOp('maximum', { fn: (a, b) => tf.maximum(a, b), shapes: [big, big], cudaOnly: true });
  checkOp('greater', { fn: (a, b) => tf.greater(a, b), shapes: [big, [263]], forwardOnly: true, cudaOnly: true });
  checkOp('where', {
    fn: (c, a, b) => tf.where(c, a, b), shapes: [[37, 1], big, [263]], dtypes: ['bool', 'float', 'float'], cudaOnly: true,
  });
  checkOp('cast', { fn: (x) => tf.cast(x, 'int32'), shapes: [big], low: -100, high: 100, forwardOnly: true, cudaOnly: true });
});

describe('reductions: block per row and thread per column', () => {
  for (const axis of [1, 0, undefined]) {
    const label = axis === undefined ? 'all' : String(axis);
    checkOp('reduce_sum', { name: `reduce_sum [7,1000] axis ${label}`, fn: (x) => tf.reduceSum(x, axis), shapes: [[7, 1000]], cudaOnly: true });
    checkOp('reduce_max', { name: `reduce_max [7,1000] axis ${label}`, fn: (x) => tf.reduceMax(x, axis), shapes: [[7, 1000]], cudaOnly: true });
    checkOp('reduce_logsumexp', { name: `reduce_logsumexp [7,1000] axis ${label}`, fn: (x) => tf.reduceLogSumExp(x, axis), shapes: [[7, 1000]], cudaOnly: true });
  }
  checkOp('reduce_mean', { name: 'reduce_mean [3,5,300] axes [0,2] (permuted)', fn: (x) => tf.reduceMean(x, [0, 2]), shapes: [[3, 5, 300]], cudaOnly: true });
  checkOp('reduce_prod', { name: 'reduce_prod [300,4] axis 0', fn: (x) => tf.reduceProd(x, 0), shapes: [[300, 4]], low: 0.9, high: 1.1, cudaOnly: true });
  checkOp('argmax', { name: 'argmax [5,1000] axis 1', fn: (x) => tf.argmax(x, 1), shapes: [[5, 1000]], forwardOnly: true, cudaOnly: true });
  checkOp('argmin', { name: 'argmin [1000,5] axis 0', fn: (x) => tf.argmin(x, 0), shapes: [[1000, 5]], forwardOnly: true, cudaOnly: true });
});

describe('softmax family', () => {
  checkOp('softmax', { name: 'softmax [7,1000] (block per row)', fn: (x) => tf.nn.softmax(x), shapes: [[7, 1000]], cudaOnly: true });
  checkOp('softmax', { name: 'softmax [1000,7] axis 0 (thread per column)', fn: (x) => tf.nn.softmax(x, 0), shapes: [[1000, 7]], cudaOnly: true });
  checkOp('log_softmax', { name: 'log_softmax [9,517]', fn: (x) => tf.nn.logSoftmax(x), shapes: [[9, 517]], cudaOnly: true });
  checkOp('softmax_cross_entropy', {
    name: 'softmax_cross_entropy [33,517]', shapes: [[33, 517], [33, 517]], low: 0, high: 1, cudaOnly: true,
    fn: (logits, labels) => tf.nn.softmaxCrossEntropyWithLogitsV2({ labels, logits }),
  });
  checkOp('sparse_softmax_cross_entropy', {
    name: 'sparse_softmax_cross_entropy [300,10]', shapes: [[300, 10], [300]], dtypes: ['float', 'int32'],
    inputs: [undefined, Array.from({ length: 300 }, (_, i) => (i * 7) % 10)], wrt: [0], cudaOnly: true,
    fn: (logits, labels) => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }),
  });
  checkOp('sigmoid_cross_entropy', {
    name: 'sigmoid_cross_entropy [37,263]', shapes: [big, big], low: -3, high: 3, cudaOnly: true,
    fn: (logits, labels) => tf.nn.sigmoidCrossEntropyWithLogits({ labels, logits }),
  });
});

describe('matmul: tile tails, transposes, batches', () => {
  for (const [as, bs, ta, tb] of [
    [[130, 70], [70, 150], false, false],
    [[70, 130], [70, 150], true, false],
    [[130, 70], [150, 70], false, true],
    [[1, 300], [300, 10], false, false],
  ] as [number[], number[], boolean, boolean][]) {
    checkOp('matmul', {
      name: `matmul [${as}]${ta ? 'ᵀ' : ''} x [${bs}]${tb ? 'ᵀ' : ''}`, shapes: [as, bs], cudaOnly: true,
      fn: (a, b) => tf.matmul(a, b, { transposeA: ta, transposeB: tb }), cudaAtol: 1e-4,
    });
  }
  checkOp('matmul', { name: 'matmul batched [4,65,33] x [4,33,17]', fn: (a, b) => tf.matmul(a, b), shapes: [[4, 65, 33], [4, 33, 17]], cudaOnly: true, cudaAtol: 1e-4 });
  checkOp('matmul', { name: 'matmul broadcast batch [3,1,9,8] x [4,8,5]', fn: (a, b) => tf.matmul(a, b), shapes: [[3, 1, 9, 8], [4, 8, 5]], cudaOnly: true });
  checkOp('matmul', { name: 'matmul transposed views [70,40]', fn: (a, b) => tf.matmul(a, b), shapes: [[70, 40], [40, 90]], transpose: true, cudaOnly: true, cudaAtol: 1e-4 });
});

describe('index and shape ops', () => {
  const idx = Array.from({ length: 500 }, (_, i) => (i * 37) % 300);
  checkOp('gather', {
    name: 'gather [300,64] rows by 500 repeated indices', shapes: [[300, 64], [500]], dtypes: ['float', 'int32'],
    inputs: [undefined, idx], wrt: [0], cudaOnly: true, fn: (p, i) => tf.gather(p, i),
  });
  checkOp('gather_nd', {
    name: 'gather_nd [40,30,8] by 300 repeated (i, j) tuples', shapes: [[40, 30, 8], [300, 2]],
    dtypes: ['float', 'int32'], wrt: [0], cudaOnly: true, fn: (p, i) => tf.gatherNd(p, i),
    inputs: [undefined, Array.from({ length: 600 }, (_, k) => (k % 2 ? (k * 7) % 30 : (k * 3) % 40))],
  });
  checkOp('one_hot', {
    name: 'one_hot 1000 indices, depth 10', shapes: [[1000]], dtypes: ['int32'], forwardOnly: true, cudaOnly: true,
    inputs: [Array.from({ length: 1000 }, (_, i) => (i % 12) - 1)], fn: (i) => tf.oneHot(i, 10),
  });
  checkOp('concat', { name: 'concat axis 1', fn: (a, b) => tf.concat([a, b], 1), shapes: [[37, 100], [37, 163]], cudaOnly: true });
  checkOp('stack', { name: 'stack axis 1', fn: (a, b) => tf.stack([a, b], 1), shapes: [big, big], cudaOnly: true });
  checkOp('tile', { name: 'tile [37,26] x [3,2]', fn: (x) => tf.tile(x, [3, 2]), shapes: [[37, 26]], cudaOnly: true });
  checkOp('pad', { name: 'pad [37,26] constant', fn: (x) => tf.pad(x, [[2, 3], [1, 0]], 'CONSTANT', 1.5), shapes: [[37, 26]], cudaOnly: true });
  checkOp('reverse', { name: 'reverse [37,263] axis 1', fn: (x) => tf.reverse(x, 1), shapes: [big], cudaOnly: true });
  checkOp('strided_slice', {
    name: 'strided_slice x[1:30:2, ::-3]', shapes: [big], cudaOnly: true,
    fn: (x) => tf.stridedSlice(x, [1, -1], [30, 0], [2, -3], { endMask: 2 }),
  });
  checkOp('transpose', { name: 'transpose then reduce (strided view into a kernel)', fn: (x) => tf.reduceSum(tf.transpose(x), 1), shapes: [big], cudaOnly: true });
  checkOp('broadcast_to', {
    name: 'broadcast_to [263] -> [37,263]', shapes: [[263], big], wrt: [0], cudaOnly: true,
    fn: (x, like) => broadcastLike(x, like),
  });
});

describe('conv2d and pooling (cuDNN where it takes the case, else own kernels)', () => {
  // The cnn workload's layers, and a SAME case with odd total padding (own kernels even with
  // cuDNN: it takes symmetric padding only), strides and dilations.
  for (const [xs, fs, stride, dil, pad] of [
    [[4, 28, 28, 1], [5, 5, 1, 32], 1, 1, 'SAME'],
    [[4, 14, 14, 32], [5, 5, 32, 64], 1, 1, 'SAME'],
    [[3, 17, 13, 5], [4, 4, 5, 7], 2, 1, 'SAME'],
    [[2, 19, 19, 3], [3, 3, 3, 6], 1, 2, 'VALID'],
  ] as [number[], number[], number, number, 'SAME' | 'VALID'][]) {
    checkOp('conv2d', {
      name: `conv2d x[${xs}] f[${fs}] s${stride} d${dil} ${pad}`, shapes: [xs, fs], cudaOnly: true, cudaAtol: 1e-4,
      fn: (x, f) => tf.nn.conv2d(x, f, stride, pad, { dilations: dil }),
    });
  }
  for (const [xs, k, st, pad] of [
    [[4, 28, 28, 32], 2, 2, 'SAME'],
    [[3, 15, 13, 5], 3, 2, 'SAME'],
    [[2, 9, 9, 7], 3, 1, 'VALID'],
  ] as [number[], number, number, 'SAME' | 'VALID'][]) {
    checkOp('max_pool', {
      name: `maxPool x[${xs}] k${k} s${st} ${pad}`, shapes: [xs], cudaOnly: true,
      fn: (x) => tf.nn.maxPool(x, k, st, pad),
    });
    checkOp('avg_pool', {
      name: `avgPool x[${xs}] k${k} s${st} ${pad}`, shapes: [xs], cudaOnly: true,
      fn: (x) => tf.nn.avgPool(x, k, st, pad),
    });
  }
});
