// Shape and broadcast ops on CUDA that move data (the view ops are device-agnostic and reuse
// the CPU functions, see register.cu): concat and stack as strided copies into windows of the
// output, broadcast_to as a copy from a stride-0 view, tile_backward as a sum over the repeat
// blocks (double accumulation, as cpu/shape_pad.cpp), zeros_like / ones_like as fills.
#include "core/device.h"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"
#include <cstring>

namespace nf::cuda {

namespace {

// dx[j] = Σ_r dy[base(j) + reps[r]], base(j) = j's coordinates (in x's shape) times dy's strides.
template <typename T>
__global__ void tile_sum_kernel(const T * dy, StridedIndex pos, const int64_t * reps, int64_t nreps,
                                T * dx, int64_t n) {
    NF_GRID_STRIDE(j, n) {
        const int64_t base = pos.offset(j);
        double acc = 0;
        for (int64_t r = 0; r < nreps; r++) acc += (double)dy[base + reps[r]];
        dx[j] = (T)acc;
    }
}

} // namespace

void concat_forward_cuda(OpCall & call) {
    Tensor & out = call.output(0);
    const int64_t axis = normalize_axis(call.attrs.get_int("axis"), out.ndim());
    int64_t at = 0;
    for (const Tensor & in : call.inputs) {
        Tensor window =
            out.as_strided(in.shape(), out.strides(), out.offset() + at * out.strides()[axis]);
        copy_strided(in, window);
        at += in.shape()[axis];
    }
}

void stack_forward_cuda(OpCall & call) {
    Tensor & out = call.output(0);
    const int64_t axis = normalize_axis(call.attrs.get_int("axis"), out.ndim());
    std::vector<int64_t> strides = out.strides();
    strides.erase(strides.begin() + axis);
    for (size_t k = 0; k < call.inputs.size(); k++) {
        const Tensor & in = call.input(k);
        Tensor window =
            out.as_strided(in.shape(), strides, out.offset() + (int64_t)k * out.strides()[axis]);
        copy_strided(in, window);
    }
}

void broadcast_to_forward_cuda(OpCall & call) {
    const Tensor & x = call.input(0);
    Tensor & out = call.output(0);
    const Tensor view = x.as_strided(
        out.shape(), broadcast_strides(x.shape(), x.strides(), out.shape()), x.offset());
    copy_strided(view, out);
}

void tile_backward_cuda(OpCall & call) {
    const Tensor & dy = call.input(0);
    const Shape & xs = call.input(1).shape();
    const std::vector<int64_t> mult = call.attrs.get_ints("multiples");
    const std::vector<int64_t> & st = dy.strides(); // OP_STRIDED: any layout of dy
    std::vector<int64_t> reps{0}; // offset in dy of each repeat block's first element
    for (size_t d = 0; d < xs.size(); d++) {
        std::vector<int64_t> next;
        for (int64_t r : reps) {
            for (int64_t k = 0; k < mult[d]; k++) next.push_back(r + k * xs[d] * st[d]);
        }
        reps.swap(next);
    }
    Tensor & dx = call.output(0);
    const int64_t n = dx.numel();
    if (n == 0) return;
    Tensor host = Tensor::empty({(int64_t)reps.size() * 2}, DType::I32);
    std::memcpy(host.raw(), reps.data(), reps.size() * sizeof(int64_t));
    Tensor dev = Tensor::empty(host.shape(), DType::I32, Device::CUDA);
    cuda_copy(host, dev);
    const StridedIndex pos =
        make_index(xs, std::vector<int64_t>(st.begin() + (st.size() - xs.size()), st.end()));
    const int64_t * rp = (const int64_t *)dev.raw();
    if (dx.dtype() == DType::F32) {
        tile_sum_kernel<<<grid_for(n), kBlock, 0, stream()>>>(
            dy.data<float>(), pos, rp, (int64_t)reps.size(), dx.data<float>(), n);
    } else {
        tile_sum_kernel<<<grid_for(n), kBlock, 0, stream()>>>(
            dy.data<double>(), pos, rp, (int64_t)reps.size(), dx.data<double>(), n);
    }
    CUDA_CHECK_LAUNCH();
}

void zeros_like_forward_cuda(OpCall & call) { fill_value_cuda(call.output(0), 0.0); }
void ones_like_forward_cuda(OpCall & call) { fill_value_cuda(call.output(0), 1.0); }

} // namespace nf::cuda
