/**
 * tf.cuda: the GPU as nodeflow sees it. Ops run on `cuda:0` when a GPU is present (see
 * `tf.device` to choose); this namespace reports what the build and the machine have, and
 * controls the caching device allocator.
 *
 *   if (tf.cuda.isAvailable()) console.log(tf.cuda.memoryInfo().bytesInUse);
 */
import type { NativeCudaInfo, NativeCudaMemory } from './native.js';
import { native } from './native.js';

export type CudaInfo = NativeCudaInfo;
export type CudaMemoryInfo = NativeCudaMemory;

let warnedGrowth = false;

/**
 * A version number as the libraries encode it (12040, 90100, 8907) as text ("12.4", "9.1.0",
 * "8.9.7"): CUDA M·1000 + m·10, cuDNN 8 M·1000 + m·100 + p, cuDNN 9 and cuBLAS
 * M·10000 + m·100 + p.
 */
export function formatVersion(v: number, kind: 'cuda' | 'cudnn' | 'cublas'): string {
  const f = Math.floor;
  if (!v) return 'none';
  if (kind === 'cuda') return `${f(v / 1000)}.${f((v % 1000) / 10)}`;
  if (kind === 'cudnn' && v < 10000) return `${f(v / 1000)}.${f((v % 1000) / 100)}.${v % 100}`;
  return `${f(v / 10000)}.${f((v % 10000) / 100)}.${v % 100}`;
}

export const cuda = {
  /** True when this build has CUDA, a driver is installed and a GPU is visible. */
  isAvailable(): boolean {
    return native.cudaAvailable();
  },
  /** Build and run-time facts: versions, GPUs and their memory, or why CUDA is unavailable. */
  info(): CudaInfo {
    return native.cudaInfo();
  },
  /** True when op `name` has a CUDA kernel in this build (else it runs on the CPU). */
  hasKernel(name: string): boolean {
    return native.opDevices(name).cuda;
  },
  /** The caching allocator: bytes held by tensors, cached for reuse, peak, cudaMalloc calls. */
  memoryInfo(): CudaMemoryInfo {
    return native.cudaMemory();
  },
  /** Returns every cached (unused) device block to the driver. */
  emptyCache(): void {
    native.cudaEmptyCache();
  },
  /** Caps the device memory nodeflow holds (MiB); `null` removes the cap. */
  setMemoryLimit(mb: number | null): void {
    if (mb !== null && !(typeof mb === 'number' && Number.isFinite(mb) && mb > 0)) {
      throw new Error(
        `tf.cuda.setMemoryLimit: expected a positive number of MiB or null, got ${String(mb)}`);
    }
    native.cudaSetMemoryLimit(mb === null ? 0 : Math.floor(mb * 1024 * 1024));
  },
  /** Allows TF32 tensor-core math in float32 matmuls and convs (10-bit inputs). Off by default. */
  setAllowTf32(allow: boolean): void {
    if (typeof allow !== 'boolean') {
      throw new Error(`tf.cuda.setAllowTf32: expected a boolean, got ${typeof allow}`);
    }
    native.cudaSetAllowTf32(allow);
  },
  /** Waits for all queued GPU work (for timing; fetching values waits anyway). */
  synchronize(): void {
    native.synchronize();
  },
};

/** TF's GPUOptions, as the Session config takes them. */
export interface GpuOptions {
  /** nodeflow always grows its device memory on demand (TF's allow_growth: true). */
  allowGrowth?: boolean;
  /** Caps the device memory nodeflow holds, in MiB (TF2's memory_limit). */
  memoryLimitMb?: number;
  /** Caps it as a fraction of GPU 0's total memory (TF's per_process_gpu_memory_fraction). */
  perProcessGpuMemoryFraction?: number;
}

/** @internal applies a Session's gpuOptions to the (process-wide) device allocator. */
export function applyGpuOptions(o: GpuOptions | undefined): void {
  if (o === undefined) return;
  if (typeof o !== 'object' || o === null) {
    throw new Error('Session: config.gpuOptions must be an object');
  }
  const known = ['allowGrowth', 'memoryLimitMb', 'perProcessGpuMemoryFraction'];
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) {
      throw new Error(`Session: unknown gpuOptions field '${k}' (${known.join(', ')})`);
    }
  }
  if (o.allowGrowth !== undefined && typeof o.allowGrowth !== 'boolean') {
    throw new Error('Session: gpuOptions.allowGrowth must be a boolean');
  }
  if (o.allowGrowth === false && !warnedGrowth) {
    warnedGrowth = true;
    console.warn('nodeflow: gpuOptions.allowGrowth: false (reserving GPU memory up front) is not ' +
      'supported; device memory grows on demand. Use memoryLimitMb to cap it.');
  }
  const f = o.perProcessGpuMemoryFraction;
  if (f !== undefined && !(typeof f === 'number' && f > 0 && f <= 1)) {
    throw new Error(
      `Session: gpuOptions.perProcessGpuMemoryFraction must be in (0, 1], got ${String(f)}`);
  }
  if (o.memoryLimitMb !== undefined) {
    cuda.setMemoryLimit(o.memoryLimitMb);
  } else if (f !== undefined && native.cudaAvailable()) {
    const total = native.cudaInfo().devices[0]?.totalBytes ?? 0;
    if (total > 0) native.cudaSetMemoryLimit(Math.floor(total * f));
  }
}
