/**
 * Loads the native addon and declares its whole surface, once. Everything here is thin: the
 * math lives in C++ (cpp/), and every entry point re-validates what JavaScript sends.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DType, TypedArray } from './dtype.js';

/** An opaque native tensor handle; `dtype` and `shape` are mirrored for convenience. */
export interface NativeHandle {
  readonly dtype: DType;
  readonly shape: number[];
  /** 'cpu' or 'cuda:0'. */
  readonly device: string;
}

/** Static shape information for graph-time inference; `null` dims are unknown. */
export interface NativeMeta {
  dtype: DType;
  shape: (number | null)[];
}

export type AttrValue = number | boolean | string | number[] | boolean[];
export type Attrs = Record<string, AttrValue | undefined>;

export interface NativeMemory {
  numStorages: number;
  numBytes: number;
}

/** The CUDA build and what the run time found (cpp/binding/device.cpp). */
export interface NativeCudaInfo {
  available: boolean;
  built: boolean;
  builtCublas: boolean;
  builtCudnn: boolean;
  /** Versions as the libraries encode them: CUDA 12040 = 12.4, cuDNN 90100 = 9.1.0. */
  compiledRuntime: number;
  compiledCudnn: number;
  architectures: string;
  runtimeVersion: number;
  driverVersion: number;
  cublasVersion: number;
  cudnnVersion: number;
  cudnnUsable: boolean;
  /** Why CUDA is not available ('' when it is). */
  reason: string;
  devices: {
    index: number;
    name: string;
    computeCapability: string;
    totalBytes: number;
    freeBytes: number;
    multiprocessors: number;
  }[];
}

export interface NativeCudaMemory {
  bytesInUse: number;
  bytesCached: number;
  bytesReserved: number;
  peakBytesInUse: number;
  numDeviceAllocs: number;
  limitBytes: number;
}

export interface NativeBinding {
  /** `device`: the eager tf.device scope ('cpu', 'cuda:0'); absent: CUDA when it can. */
  runOp(name: string, inputs: NativeHandle[], attrs: Attrs, device?: string): NativeHandle[];
  inferShapes(name: string, inputs: NativeMeta[], attrs: Attrs): NativeMeta[];
  fromTypedArray(dtype: DType, shape: number[], data: TypedArray): NativeHandle;
  toTypedArray(h: NativeHandle): TypedArray;
  dispose(h: NativeHandle): void;
  listOps(): string[];
  memory(): { cpu: NativeMemory & { numBytesInCache: number; numSystemAllocations: number }; cuda: NativeMemory };
  buildInfo(): {
    blas: string;
    cuda: boolean;
    cudaBuilt: boolean;
    openmp: boolean;
    threads: number;
  };
  setOption(name: string, value: string): void;
  getOption(name: string): string;
  cudaAvailable(): boolean;
  // Session (cpp/binding/session.cpp): compiled plans run against a variable store.
  createPlan(spec: unknown): object;
  createStore(config?: { allowSoftPlacement?: boolean; preferCuda?: boolean }): object;
  runPlan(plan: object, store: object, feeds: NativeHandle[]): NativeHandle[];
  runPlanAsync(plan: object, store: object, feeds: NativeHandle[]): Promise<NativeHandle[]>;
  storeGet(store: object, id: number): NativeHandle | null;
  storeSet(store: object, id: number, value: NativeHandle): void;
  storeClear(store: object): void;
  /** The store's random-run counter (the `counter` of random steps; see cpp/graph/executor.h). */
  storeGetCounter(store: object): number;
  storeSetCounter(store: object, value: number): void;
  /** Where each step of the plan's last run ran. */
  planPlacement(plan: object): { node: string; op: string; device: string }[];
  // Devices (cpp/binding/device.cpp).
  toDevice(h: NativeHandle, device: string): NativeHandle;
  synchronize(): void;
  cudaInfo(): NativeCudaInfo;
  cudaMemory(): NativeCudaMemory;
  cudaEmptyCache(): void;
  cudaSetMemoryLimit(bytes: number): void;
  cudaSetAllowTf32(allow: boolean): void;
  opDevices(name: string): { cpu: boolean; cuda: boolean };
}

/** The package root: the nearest folder above this file whose package.json names nodeflow. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && JSON.parse(readFileSync(pj, 'utf8')).name === 'nodeflow') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('nodeflow: cannot find the package root (package.json)');
    dir = up;
  }
}

function load(): NativeBinding {
  const root = packageRoot();
  const candidates = [
    process.env.NODEFLOW_ADDON,
    join(root, process.env.NODEFLOW_BUILD_DIR ?? 'build', 'Release', 'nodeflow.node'),
    join(root, 'build', 'Release', 'nodeflow.node'),
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `nodeflow: the native addon is not built (looked in ${candidates.join(', ')}). ` +
        'Run `npm run build` (needs cmake and g++).',
    );
  }
  // OpenBLAS's worker threads spin for 2^28 cycles (~0.1 s) after each call by default, taking
  // the cores from the OpenMP kernels that follow (conv nets: 88 → 52 ms/step with 2^4). The
  // library reads this when it loads, which is now; a value the user set wins.
  process.env.OPENBLAS_THREAD_TIMEOUT ??= '4';
  return createRequire(import.meta.url)(found) as NativeBinding;
}

export const native: NativeBinding = load();
