#!/usr/bin/env bash
# Builds and checks the CUDA backend on a lent GPU machine (see ../shared/GPU.md), in two halves:
#
#   here:  scripts/gpu-check.sh pack
#          compiles the TypeScript (dist/) and puts what the GPU machine lacks into .gpu/
#          (git-ignored): node (xz), node_modules without the TypeScript compiler and typedoc.
#   there: one `run` call per phase, carrying .gpu and dist, each well inside 10 minutes:
#            bash scripts/gpu-check.sh build   # nvcc build for sm_90 with the wheels' cuBLAS/cuDNN
#            bash scripts/gpu-check.sh test    # the whole suite (CPU vs CUDA for each checkOp case)
#            bash scripts/gpu-check.sh bench   # mlp and cnn on the GPU, and PyTorch on the same GPU
#          (`all` runs the three in a row). Logs and results go to $OUT (or .gpu-out/).
#
# The GPU machine has nvcc, CMake, ninja and PyTorch with the NVIDIA wheels at /opt/torch/.venv,
# no Node.js and no network. The build lives in build-gpu/ (kept while the machine stays warm).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
phase=${1:-all}

pack() {
  node node_modules/typescript/bin/tsc -p tsconfig.json
  mkdir -p .gpu
  xz -T2 -6 -c "$(command -v node)" > .gpu/node.xz
  local nm
  nm=$(readlink -f node_modules)
  tar -C "$(dirname "$nm")" -cf - --exclude=node_modules/typescript --exclude=node_modules/typedoc \
    --exclude=node_modules/@gerrit0 --exclude=node_modules/@shikijs --exclude=node_modules/lunr \
    --exclude=node_modules/markdown-it "$(basename "$nm")" | xz -T2 -6 > .gpu/node_modules.tar.xz
  du -ch .gpu/node.xz .gpu/node_modules.tar.xz dist | tail -1
  echo "now: run(command='bash scripts/gpu-check.sh build', carry=['.gpu', 'dist'])," \
    "then the same with test, then with bench"
}

# Node on the PATH, node_modules in place, the wheels' cuBLAS/cuDNN found and loadable.
setup() {
  OUT=${OUT:-$ROOT/.gpu-out}
  mkdir -p "$OUT"
  local tools=/tmp/nodeflow-gpu
  mkdir -p "$tools/bin"
  if [ ! -x "$tools/bin/node" ]; then
    xz -dc .gpu/node.xz > "$tools/bin/node"
    chmod +x "$tools/bin/node"
  fi
  export PATH="$tools/bin:$PATH"
  if [ ! -d node_modules ] || [ -L node_modules ]; then
    rm -f node_modules
    xz -dc .gpu/node_modules.tar.xz | tar -xf -
  fi
  export PATH="$PATH:/usr/local/cuda/bin"
  PY=${PY:-/opt/torch/.venv/bin/python}
  local sp
  local find_sp='import nvidia, os; print(os.path.dirname(nvidia.__path__[0]))'
  if sp=$("$PY" -c "$find_sp" 2>/dev/null); then
    # The wheels' folders vary (nvidia/cublas or nvidia/cu13 for cuBLAS): find the headers.
    local h
    h=$(find "$sp/nvidia" -name cublas_v2.h | head -1)
    [ -z "$h" ] || export CUBLAS_ROOT=${CUBLAS_ROOT:-$(dirname "$(dirname "$h")")}
    h=$(find "$sp/nvidia" -name cudnn_version.h | head -1)
    [ -z "$h" ] || export CUDNN_ROOT=${CUDNN_ROOT:-$(dirname "$(dirname "$h")")}
    export LD_LIBRARY_PATH="${CUBLAS_ROOT:-.}/lib:${CUDNN_ROOT:-.}/lib:${LD_LIBRARY_PATH:-}"
    echo "gpu-check: CUBLAS_ROOT=${CUBLAS_ROOT:-} CUDNN_ROOT=${CUDNN_ROOT:-}"
  else
    echo "gpu-check: no NVIDIA wheels through $PY: building without cuBLAS/cuDNN unless *_ROOT set"
  fi
  export NODEFLOW_BUILD_DIR=${NODEFLOW_BUILD_DIR:-build-gpu}
}

build() {
  { nvidia-smi; nvcc --version; cmake --version; node --version; } > "$OUT/machine.txt" 2>&1 || true
  local t0=$SECONDS rc=0
  NODEFLOW_CUDA=ON NODEFLOW_CUDA_ARCH=${NODEFLOW_CUDA_ARCH:-90} \
    node scripts/build.mjs --native-only > "$OUT/build.log" 2>&1 || rc=$?
  grep -E 'nodeflow: |error|FAILED' "$OUT/build.log" || true
  [ "$rc" -eq 0 ] || { echo "build failed ($rc): see $OUT/build.log"; exit 1; }
  echo "build: $((SECONDS - t0)) s" | tee -a "$OUT/build.log"
  node bin/nodeflow.mjs doctor | tee "$OUT/doctor.txt"
}

vitest() {
  node node_modules/vitest/vitest.mjs run --poolOptions.forks.maxForks="${FORKS:-8}" "$@"
}

run_tests() {
  local t0=$SECONDS status=0
  # Everything, CPU semantics and CPU-vs-CUDA comparisons; then the matmul cases again on
  # nodeflow's own GEMM kernel (the one a build without cuBLAS uses).
  # shellcheck disable=SC2086 # TESTS: optional test paths (default: the whole suite)
  vitest --reporter=default --reporter=json --outputFile="$OUT/vitest.json" ${TESTS:-} \
    > "$OUT/test.log" 2>&1 || status=1
  NODEFLOW_CUDA_GEMM=builtin vitest test/ops/matmul.test.ts test/cuda/kernels.test.ts -t matmul \
    > "$OUT/test-own-gemm.log" 2>&1 || status=1
  tail -n 8 "$OUT/test.log" "$OUT/test-own-gemm.log"
  echo "tests: $((SECONDS - t0)) s, status $status"
  return $status
}

bench() {
  local epochs=${EPOCHS:-10}   # the shipped subset has 2000 examples: 20 mlp steps an epoch
  {
    node dist/bench/run.js mlp --epochs "$epochs"
    "$PY" bench/torch_gpu.py mlp "$epochs"
    node dist/bench/run.js cnn
    "$PY" bench/torch_gpu.py cnn 1
  } 2>&1 | tee "$OUT/bench.log" | grep '^{' > "$OUT/bench.jsonl" || true
  node scripts/bench-ratio.mjs "$OUT/bench.jsonl" | tee "$OUT/bench-ratio.jsonl"
}

case "$phase" in
  pack) pack ;;
  build) setup; build ;;
  test) setup; run_tests ;;
  bench) setup; bench ;;
  all) setup; build; run_tests || true; bench ;;
  *) echo "usage: $0 pack | build | test | bench | all" >&2; exit 2 ;;
esac
