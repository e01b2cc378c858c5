/**
 * Fashion-MNIST (28x28 grey images, 10 classes) from IDX files: the full set from Debian's
 * dataset-fashion-mnist when installed, else the 2000/1000-example subset shipped in data/.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readIdx } from '../io/idx.js';
import { packageRoot } from '../native.js';
import { DataSplit } from './split.js';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

export interface FashionMnistOptions {
  /** Labels as one-hot float32 [n, 10] instead of int32 [n]. */
  oneHot?: boolean;
  /** Folder with the four IDX files (default: $NODEFLOW_FASHION_MNIST_DIR, the Debian folder, then the subset). */
  dir?: string;
  /** Use the shipped subset even when the full set is installed (tests, quick demos). */
  subset?: boolean;
  /** Keep images as [n, 28, 28, 1] instead of [n, 784]. */
  imageShape?: 'flat' | 'nhwc';
}

export interface FashionMnist {
  train: DataSplit;
  test: DataSplit;
  /** 'full' or 'subset', and the folder read. */
  source: 'full' | 'subset';
  dir: string;
  classNames: readonly string[];
}

export function fashionMnistSubsetDir(): string {
  return join(packageRoot(), 'data', 'fashion-mnist-subset');
}

function chooseDir(opts: FashionMnistOptions): string {
  if (opts.dir) return opts.dir;
  if (opts.subset) return fashionMnistSubsetDir();
  const env = process.env.NODEFLOW_FASHION_MNIST_DIR;
  if (env) return env;
  if (existsSync(join(FASHION_MNIST_DEBIAN_DIR, 'train-images-idx3-ubyte.gz'))) return FASHION_MNIST_DEBIAN_DIR;
  return fashionMnistSubsetDir();
}

async function loadSplit(dir: string, prefix: string, opts: FashionMnistOptions): Promise<DataSplit> {
  const [img, lab] = await Promise.all([
    readIdx(findFile(dir, `${prefix}-images-idx3-ubyte`)),
    readIdx(findFile(dir, `${prefix}-labels-idx1-ubyte`)),
  ]);
  const n = img.shape[0];
  if (img.shape.length !== 3 || lab.shape.length !== 1 || lab.shape[0] !== n) {
    throw new Error(`fashionMnist: ${dir}: images [${img.shape}] and labels [${lab.shape}] do not match`);
  }
  const [h, w] = [img.shape[1], img.shape[2]];
  const pixels = new Float32Array(n * h * w);
  for (let i = 0; i < pixels.length; i++) pixels[i] = img.data[i] / 255;
  const rowShape = opts.imageShape === 'nhwc' ? [h, w, 1] : [h * w];
  const x = { data: pixels, rowShape, dtype: 'float32' as const };
  if (opts.oneHot) {
    const y = new Float32Array(n * 10);
    for (let i = 0; i < n; i++) y[i * 10 + lab.data[i]] = 1;
    return new DataSplit(n, x, { data: y, rowShape: [10], dtype: 'float32' });
  }
  return new DataSplit(n, x, { data: Int32Array.from(lab.data), rowShape: [], dtype: 'int32' });
}

function findFile(dir: string, base: string): string {
  for (const name of [`${base}.gz`, base]) if (existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`fashionMnist: ${join(dir, base)}(.gz) not found (apt-get install dataset-fashion-mnist, or pass { dir })`);
}

/**
 * Loads Fashion-MNIST: images float32 [n, 784] scaled to [0, 1], labels int32 [n] or one-hot.
 *
 *   const data = await tf.datasets.fashionMnist({ oneHot: true });
 *   for (const [xs, ys] of data.train.batches(100, { shuffle: true })) { ... }
 */
export async function fashionMnist(opts: FashionMnistOptions = {}): Promise<FashionMnist> {
  const dir = chooseDir(opts);
  const [train, test] = await Promise.all([loadSplit(dir, 'train', opts), loadSplit(dir, 't10k', opts)]);
  const source = resolve(dir) === resolve(fashionMnistSubsetDir()) ? 'subset' : 'full';
  return { train, test, source, dir, classNames: FASHION_MNIST_CLASSES };
}
