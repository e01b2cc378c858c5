// reduce_sum / mean / max / min / prod / logsumexp and argmax / argmin on CUDA, with the
// semantics of cpp/cpu/reduce*.cpp: x viewed as [outer, r, inner] (the CPU's ReducePlan, x
// permuted first when the axes are not one block); float sums and products accumulate in
// double, int32 in int64 (wrapping when stored); max/min/arg keep NaN (NaN wins).
#include "cpu/reduce.h"
#include "cuda/kernels.h"
#include "cuda/slab.cuh"
#include <climits>
#include <type_traits>

namespace nf::cuda {

namespace {

template <typename T>
struct Acc {
    using type = double;
};
template <>
struct Acc<int32_t> {
    using type = int64_t;
};

template <typename T>
struct SumR {
    using A = typename Acc<T>::type;
    __device__ A init() const { return 0; }
    __device__ A step(A a, T x, double) const { return a + (A)x; }
    __device__ A merge(A a, A b) const { return a + b; }
    __device__ T finish(A a, int64_t, double) const { return (T)a; }
};
// NOTE: int32 mean is the truncated integer mean, as TF; float 0/0 is NaN.
template <typename T>
struct MeanR : SumR<T> {
    using A = typename SumR<T>::A;
    __device__ T finish(A a, int64_t n, double) const { return (T)(a / (A)n); }
};
template <typename T>
struct ProdR {
    using A = typename Acc<T>::type;
    __device__ A init() const { return 1; }
    __device__ A mul(A a, A b) const {
        if constexpr (std::is_integral_v<A>) {
            return (A)((unsigned long long)a * (unsigned long long)b); // int64: wraps
        } else {
            return a * b;
        }
    }
    __device__ A step(A a, T x, double) const { return mul(a, (A)x); }
    __device__ A merge(A a, A b) const { return mul(a, b); }
    __device__ T finish(A a, int64_t, double) const { return (T)a; }
};
template <typename T, bool IsMax>
struct ExtremeR {
    using A = T;
    __device__ A init() const {
        if constexpr (std::is_integral_v<T>)
            return IsMax ? INT_MIN : INT_MAX;
        else
            return IsMax ? -(T)INFINITY : (T)INFINITY;
    }
    __device__ A step(A a, T x, double) const { return merge(a, x); }
    __device__ A merge(A a, A b) const { return IsMax ? MaxNan{}(a, b) : MinNan{}(a, b); }
    __device__ T finish(A a, int64_t, double) const { return a; }
};
// Σ exp(x − s), s = the finite max (0 otherwise); exp in T as the CPU, the sum in double.
template <typename T>
struct LseR {
    using A = double;
    __device__ A init() const { return 0; }
    __device__ A step(A a, T x, double s) const { return a + (double)exp(x - (T)s); }
    __device__ A merge(A a, A b) const { return a + b; }
    __device__ T finish(A a, int64_t, double s) const { return (T)(log(a) + s); }
};

template <typename R>
struct MergeOf {
    R r;
    template <typename A>
    __device__ A operator()(A a, A b) const {
        return r.merge(a, b);
    }
};

// out[s] = reduce over slab s. `maxes` (logsumexp's second pass): the slab maxima, giving the
// shift; it may alias out (each slab reads its own entry before writing it).
template <typename T, typename R, bool Block>
__global__ void reduce_kernel(const T * x, T * out, SlabGeom g, R red, const T * maxes) {
    const int64_t slabs = g.outer * g.inner;
    for (int64_t s = slab_first<Block>(); s < slabs; s += slab_step<Block>()) {
        const int64_t o = s / g.inner, j = s - o * g.inner;
        const T * p = x + o * g.c * g.inner + j;
        double shift = 0;
        if (maxes) {
            const T m = maxes[s];
            shift = isfinite((double)m) ? (double)m : 0.0;
        }
        typename R::A a = red.init();
        for (int64_t k = slab_lane<Block>(); k < g.c; k += slab_stride<Block>()) {
            a = red.step(a, p[k * g.inner], shift);
        }
        a = slab_reduce<Block>(a, MergeOf<R>{red});
        if (slab_lane<Block>() == 0) out[s] = red.finish(a, g.c, shift);
    }
}

template <typename T, typename R>
struct ReduceLaunch {
    const T * x;
    T * out;
    SlabGeom g;
    const T * maxes;
    template <bool Block>
    void launch(unsigned grid, unsigned block) {
        reduce_kernel<T, R, Block><<<grid, block, 0, stream()>>>(x, out, g, R{}, maxes);
    }
};

template <typename T, template <class> class R>
void reduce_typed(OpCall & call) {
    const Tensor & x = call.input(0);
    cpu::ReducePlan p = cpu::make_reduce_plan(x.shape(), cpu::reduce_axes(call.attrs, x.ndim()));
    if (p.r == 1) { // nothing to combine: every reducer of one element returns the element
        Tensor out = call.output(0).reshape_view(x.shape());
        copy_strided(x, out);
        return;
    }
    Tensor xin = cpu::reduce_input(x, p);
    const SlabGeom g{p.outer, p.r, p.inner};
    T * out = call.output(0).data<T>();
    if constexpr (std::is_same_v<R<T>, LseR<T>>) {
        launch_slabs(g, ReduceLaunch<T, ExtremeR<T, true>>{xin.data<T>(), out, g, nullptr});
        launch_slabs(g, ReduceLaunch<T, LseR<T>>{xin.data<T>(), out, g, out});
    } else {
        launch_slabs(g, ReduceLaunch<T, R<T>>{xin.data<T>(), out, g, nullptr});
    }
}

template <typename T>
using MaxR = ExtremeR<T, true>;
template <typename T>
using MinR = ExtremeR<T, false>;

template <template <class> class R, bool Ints = true>
void reduce_dtype(OpCall & call) {
    switch (call.input(0).dtype()) {
        case DType::F32: reduce_typed<float, R>(call); return;
        case DType::F64: reduce_typed<double, R>(call); return;
        case DType::I32:
            if constexpr (Ints) {
                reduce_typed<int32_t, R>(call);
                return;
            }
            break;
        default: break;
    }
    NF_FAIL("unsupported dtype %s on cuda", dtype_name(call.input(0).dtype()));
}

// One thread per output: the first best index along r (NaN wins, ties keep the first).
template <typename T, bool IsMax>
__global__ void arg_kernel(const T * x, int32_t * out, SlabGeom g) {
    for (int64_t s = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; s < g.outer * g.inner;
         s += (int64_t)gridDim.x * blockDim.x) {
        const int64_t o = s / g.inner, j = s - o * g.inner;
        const T * p = x + o * g.c * g.inner + j;
        T best = p[0];
        int32_t idx = 0;
        for (int64_t k = 1; k < g.c; k++) {
            const T v = p[k * g.inner];
            if ((IsMax ? v > best : v < best) || (v != v && best == best)) {
                best = v;
                idx = (int32_t)k;
            }
        }
        out[s] = idx;
    }
}

template <bool IsMax>
void arg_dtype(OpCall & call) {
    const Tensor & x = call.input(0);
    const int64_t axis = normalize_axis(call.attrs.get_int("axis", 0), x.ndim());
    SlabGeom g{1, x.shape()[(size_t)axis], 1};
    for (int64_t d = 0; d < x.ndim(); d++) {
        if (d < axis) g.outer *= x.shape()[(size_t)d];
        if (d > axis) g.inner *= x.shape()[(size_t)d];
    }
    const int64_t n = g.outer * g.inner;
    if (n == 0) return;
    int32_t * out = call.output(0).data<int32_t>();
    const unsigned grid = grid_for(n);
    switch (x.dtype()) {
        case DType::F32:
            arg_kernel<float, IsMax><<<grid, kBlock, 0, stream()>>>(x.data<float>(), out, g);
            break;
        case DType::F64:
            arg_kernel<double, IsMax><<<grid, kBlock, 0, stream()>>>(x.data<double>(), out, g);
            break;
        case DType::I32:
            arg_kernel<int32_t, IsMax><<<grid, kBlock, 0, stream()>>>(x.data<int32_t>(), out, g);
            break;
        default: NF_FAIL("unsupported dtype %s on cuda", dtype_name(x.dtype()));
    }
    CUDA_CHECK_LAUNCH();
}

} // namespace

void reduce_sum_forward_cuda(OpCall & c) { reduce_dtype<SumR>(c); }
void reduce_prod_forward_cuda(OpCall & c) { reduce_dtype<ProdR>(c); }
void reduce_max_forward_cuda(OpCall & c) { reduce_dtype<MaxR>(c); }
void reduce_min_forward_cuda(OpCall & c) { reduce_dtype<MinR>(c); }
void reduce_logsumexp_forward_cuda(OpCall & c) { reduce_dtype<LseR, false>(c); }
void reduce_mean_forward_cuda(OpCall & c) {
    const Tensor & x = c.input(0);
    if (x.dtype() == DType::I32 && c.output(0).numel() > 0) {
        cpu::ReducePlan p = cpu::make_reduce_plan(x.shape(), cpu::reduce_axes(c.attrs, x.ndim()));
        NF_CHECK(p.r > 0, "the integer mean over an empty axis is undefined (division by zero)");
    }
    reduce_dtype<MeanR>(c);
}
void argmax_forward_cuda(OpCall & c) { arg_dtype<true>(c); }
void argmin_forward_cuda(OpCall & c) { arg_dtype<false>(c); }

} // namespace nf::cuda
