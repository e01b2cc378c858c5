// dropout(x, keep_prob) -> (y, mask) on CUDA, as cpp/cpu/random_dropout.cpp: element i keeps
// its value (scaled by 1/keep_prob) when the Philox uniform at its noise-shape index is below
// keep_prob, so masks are bit-identical to the CPU's for the same (seed, seed2, counter).
// keep_prob is a host input (read, and range-checked, on the host).
#include "cpu/random_philox.h"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"

namespace nf::cuda {

namespace {

template <typename T>
__global__ void dropout_kernel(const T * x, T * y, T * mask, StridedIndex noise, int64_t n,
                               cpu::PhiloxStream s, double keep, T scale) {
    NF_GRID_STRIDE(i, n) {
        const int64_t j = noise.offset(i); // the element's position in the noise shape
        uint32_t w[4];
        cpu::philox_block(s, (uint64_t)(j / 4), 0, w);
        const bool kept = (double)cpu::u01_f32(w[j % 4]) < keep;
        mask[i] = kept ? scale : T(0);
        y[i] = kept ? x[i] * scale : T(0);
    }
}

} // namespace

void dropout_forward_cuda(OpCall & call) {
    const Tensor & x = call.input(0);
    const Tensor & kp = call.input(1);
    const double keep =
        kp.dtype() == DType::F32 ? (double)kp.data<float>()[0] : kp.data<double>()[0];
    NF_CHECK(keep > 0 && keep <= 1, "keep_prob must be in (0, 1], got %g", keep);
    Shape noise = call.attrs.has("noise_shape") ? call.attrs.get_ints("noise_shape") : x.shape();
    for (size_t d = 0; d < noise.size(); d++) {
        if (noise[d] < 0) noise[d] = x.shape()[d]; // -1: the input's run-time size
    }
    const int64_t n = x.numel();
    if (n == 0) return;
    const StridedIndex idx =
        make_index(x.shape(), broadcast_strides(noise, contiguous_strides(noise), x.shape()));
    const cpu::PhiloxStream s = cpu::philox_stream(call.attrs);
    if (x.dtype() == DType::F32) {
        dropout_kernel<float><<<grid_for(n), kBlock, 0, stream()>>>(
            x.data<float>(), call.output(0).data<float>(), call.output(1).data<float>(), idx, n, s,
            keep, (float)(1.0 / keep));
    } else {
        dropout_kernel<double><<<grid_for(n), kBlock, 0, stream()>>>(
            x.data<double>(), call.output(0).data<double>(), call.output(1).data<double>(), idx, n,
            s, keep, 1.0 / keep);
    }
    CUDA_CHECK_LAUNCH();
}

} // namespace nf::cuda
