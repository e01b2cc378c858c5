#!/usr/bin/env node
// Builds nodeflow from source: the native addon (cmake-js over CMakeLists.txt; node-gyp over
// binding.gyp as a CPU-only fallback when CMake is missing), then the TypeScript into dist/.
// Nothing is downloaded: Node-API headers come from the node-api-headers package.
//   --native-only / --ts-only     one half only
//   NODEFLOW_PORTABLE=1           no -march=native
//   NODEFLOW_CUDA=ON|OFF|AUTO     CUDA backend (default AUTO: when nvcc is found)
//   NODEFLOW_CUDA_ARCH=90;80      CUDA architectures (default: the visible GPU's, else 90)
//   CUBLAS_ROOT, CUDNN_ROOT       folders with include/ and lib/ of cuBLAS and cuDNN
//   NODEFLOW_BLAS=ON|OFF|AUTO     OpenBLAS (default AUTO)
//   NODEFLOW_BUILD_DIR=dir        build folder (default build)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const args = new Set(process.argv.slice(2));

function run(cmd, argv, { exitOnFailure = true } = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0 && exitOnFailure) {
    console.error(`nodeflow: build step failed: ${cmd} ${argv.join(' ')}`);
    process.exit(r.status ?? 1);
  }
  return r.status === 0;
}

function hasCmake() {
  try {
    execFileSync('cmake', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function buildNative() {
  const out = process.env.NODEFLOW_BUILD_DIR ?? 'build';
  if (hasCmake()) {
    const defs = [
      `--CDNF_PORTABLE=${process.env.NODEFLOW_PORTABLE === '1' ? 'ON' : 'OFF'}`,
      `--CDNF_WITH_CUDA=${process.env.NODEFLOW_CUDA ?? 'AUTO'}`,
      `--CDNF_WITH_BLAS=${process.env.NODEFLOW_BLAS ?? 'AUTO'}`,
      ...(process.env.NODEFLOW_CUDA_ARCH
        ? [`--CDCMAKE_CUDA_ARCHITECTURES=${process.env.NODEFLOW_CUDA_ARCH}`]
        : []),
    ];
    const jobs = ['--parallel', String(Math.min(8, availableParallelism()))];
    const cmakeJs = [require.resolve('cmake-js/bin/cmake-js'), 'compile', '--out', out, ...jobs];
    // With CUDA on AUTO, a toolkit that cannot build (e.g. an unsupported host compiler) must not
    // cost the user the CPU build: retry without CUDA, and say so.
    const auto = (process.env.NODEFLOW_CUDA ?? 'AUTO') === 'AUTO';
    if (!run(process.execPath, [...cmakeJs, ...defs], { exitOnFailure: !auto })) {
      console.log('nodeflow: ✗ the build failed (see above): trying again without CUDA ' +
        '(with NODEFLOW_CUDA=ON a failure is final)');
      const cpuOnly = defs.map((d) =>
        (d.startsWith('--CDNF_WITH_CUDA=') ? '--CDNF_WITH_CUDA=OFF' : d));
      run(process.execPath, [...cmakeJs, ...cpuOnly]);
    }
  } else {
    console.log('nodeflow: ✗ cmake not found: CPU-only fallback build with node-gyp (no OpenBLAS, no CUDA)');
    // npm hands its bundled node-gyp to lifecycle scripts; outside npm, use one on the PATH.
    // Headers come from this Node installation (prefix/include/node), never from a download.
    const prefix = dirname(dirname(process.execPath));
    const nodedir = process.env.npm_config_nodedir ?? (existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null);
    const gypArgs = ['rebuild', '--jobs', 'max', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
    const gyp = process.env.npm_config_node_gyp;
    if (gyp) run(process.execPath, [gyp, ...gypArgs]);
    else run('node-gyp', gypArgs);
  }
}

function buildTs() {
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);
}

if (!args.has('--ts-only')) buildNative();
if (!args.has('--native-only')) buildTs();
