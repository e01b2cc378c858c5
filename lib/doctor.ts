/**
 * `npx nodeflow doctor`: what this build of nodeflow has and what the machine offers: the
 * addon, BLAS, OpenMP threads, the CUDA build (architectures, cuBLAS, cuDNN), the run-time
 * versions (driver, runtime, cuBLAS, cuDNN), every GPU with its memory, or why CUDA is off.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatVersion } from './cuda.js';
import { native, packageRoot } from './native.js';

const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

/** The report as lines of text. */
export function doctorReport(): string[] {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
  const version = pkg.version as string;
  const b = native.buildInfo();
  const c = native.cudaInfo();
  const out = [
    `nodeflow ${version} on Node.js ${process.versions.node} (${process.platform}-${process.arch})`,
    `BLAS:    ${b.blas === 'none' ? 'none (built-in GEMM)' : b.blas}`,
    `OpenMP:  ${b.openmp ? `yes, ${b.threads} threads` : 'no (one thread)'}`,
  ];
  if (!c.built) {
    out.push('CUDA:    not built (no CUDA toolkit at build time, or NODEFLOW_CUDA=OFF)');
    return out;
  }
  const v = (x: number) => formatVersion(x, 'cuda');
  out.push(`CUDA:    built with ${v(c.compiledRuntime)} for sm ${c.architectures}; ` +
    `driver ${v(c.driverVersion)}, runtime ${v(c.runtimeVersion)}`);
  const cublas = !c.builtCublas
    ? "not built (matmul uses nodeflow's own GEMM kernel)"
    : c.cublasVersion ? formatVersion(c.cublasVersion, 'cublas') : 'built in (not loaded: no GPU)';
  out.push(`cuBLAS:  ${cublas}`);
  const ownConv = native.opDevices('conv2d').cuda
    ? 'own CUDA conv/pool kernels'
    : 'conv/pool run on the CPU';
  const versions = `built with ${formatVersion(c.compiledCudnn, 'cudnn')}, ` +
    (c.cudnnVersion ? `loaded ${formatVersion(c.cudnnVersion, 'cudnn')}` : 'not loaded');
  const cudnn = !c.builtCudnn ? `not built (${ownConv})`
    : versions + (c.cudnnUsable ? '' : ` (not used: no GPU or major version mismatch; ${ownConv})`);
  out.push(`cuDNN:   ${cudnn}`);
  if (!c.available) {
    out.push(`GPUs:    none usable: ${c.reason}`);
    return out;
  }
  for (const d of c.devices) {
    const free = d.index === 0 ? `, ${gib(d.freeBytes)} free` : '';
    out.push(`GPU ${d.index}:   ${d.name} (sm_${d.computeCapability.replace('.', '')}, ` +
      `${d.multiprocessors} SMs), ${gib(d.totalBytes)}${free}`);
  }
  return out;
}
