// conv2d through cuDNN (builds with NF_HAVE_CUDNN, when the run-time cuDNN's major version
// matches the headers): NHWC tensors, the HWIO filter permuted to cuDNN's KRSC ([O, KH, KW, C])
// by the strided copy kernel, the algorithm chosen once per shape by cudnnFind* (benchmarked)
// and cached with its workspace size. TF32 only when tf.cuda.setAllowTf32(true). cuDNN takes
// symmetric padding only: TF's SAME with an odd total padding, float64, or NODEFLOW_CUDNN=off
// use nodeflow's own kernels (conv.cu) instead.
#include "core/device.h"
#include "cuda/conv.cuh"
#include "cuda/kernels.h"
#include "cuda/runtime/context.h"
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <tuple>

namespace nf::cuda {

#ifdef NF_HAVE_CUDNN

namespace {

enum Which { FWD = 0, BWD_DATA = 1, BWD_FILTER = 2 };

// Plain FP32 FMA math (no TF32 tensor cores); cuDNN before 8.1 has no such mode.
#if CUDNN_MAJOR > 8 || (CUDNN_MAJOR == 8 && CUDNN_MINOR >= 1)
constexpr cudnnMathType_t kNoTf32 = CUDNN_FMA_MATH;
#else
constexpr cudnnMathType_t kNoTf32 = CUDNN_DEFAULT_MATH;
#endif

bool cudnn_enabled() {
    static const bool off = [] {
        const char * e = std::getenv("NODEFLOW_CUDNN");
        return e && std::strcmp(e, "off") == 0;
    }();
    return !off && cudnn_usable();
}

// Total padding along one axis (TF SAME): cuDNN needs it split evenly.
bool symmetric(int64_t in, int64_t k, int64_t s, int64_t d, int64_t out) {
    const int64_t eff = (k - 1) * d + 1, total = (out - 1) * s + eff - in;
    return total <= 0 || total % 2 == 0;
}

bool applicable(const ConvGeom & g, DType dt) {
    return dt == DType::F32 && cudnn_enabled() && symmetric(g.h, g.kh, g.sh, g.dh, g.oh) &&
           symmetric(g.w, g.kw, g.sw, g.dw, g.ow) && g.n < INT32_MAX && g.h < INT32_MAX &&
           g.w < INT32_MAX && g.c < INT32_MAX && g.o < INT32_MAX && g.n > 0 && g.o > 0 && g.c > 0;
}

struct Descs {
    cudnnTensorDescriptor_t x = nullptr, y = nullptr;
    cudnnFilterDescriptor_t f = nullptr;
    cudnnConvolutionDescriptor_t conv = nullptr;
    explicit Descs(const ConvGeom & g) {
        CUDNN_CHECK(cudnnCreateTensorDescriptor(&x));
        CUDNN_CHECK(cudnnCreateTensorDescriptor(&y));
        CUDNN_CHECK(cudnnCreateFilterDescriptor(&f));
        CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&conv));
        const cudnnDataType_t dt = CUDNN_DATA_FLOAT;
        CUDNN_CHECK(cudnnSetTensor4dDescriptor(x, CUDNN_TENSOR_NHWC, dt, (int)g.n, (int)g.c,
                                               (int)g.h, (int)g.w));
        CUDNN_CHECK(cudnnSetTensor4dDescriptor(y, CUDNN_TENSOR_NHWC, dt, (int)g.n, (int)g.o,
                                               (int)g.oh, (int)g.ow));
        CUDNN_CHECK(cudnnSetFilter4dDescriptor(f, dt, CUDNN_TENSOR_NHWC, (int)g.o, (int)g.c,
                                               (int)g.kh, (int)g.kw));
        CUDNN_CHECK(cudnnSetConvolution2dDescriptor(conv, (int)g.pt, (int)g.pl, (int)g.sh,
                                                    (int)g.sw, (int)g.dh, (int)g.dw,
                                                    CUDNN_CROSS_CORRELATION, dt));
        CUDNN_CHECK(
            cudnnSetConvolutionMathType(conv, cuda_allow_tf32() ? CUDNN_DEFAULT_MATH : kNoTf32));
    }
    ~Descs() {
        cudnnDestroyTensorDescriptor(x);
        cudnnDestroyTensorDescriptor(y);
        cudnnDestroyFilterDescriptor(f);
        cudnnDestroyConvolutionDescriptor(conv);
    }
    Descs(const Descs &) = delete;
    Descs & operator=(const Descs &) = delete;
};

struct Choice {
    int algo = 0;
    size_t workspace = 0;
};

using Key = std::tuple<int, bool, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
                       int64_t, int64_t, int64_t, int64_t>;

// The fastest algorithm cudnnFind* measured for this shape, once; later calls reuse it.
Choice choose(const ConvGeom & g, const Descs & d, Which which) {
    static std::mutex mu;
    static std::map<Key, Choice> cache;
    const Key key{which,
                  cuda_allow_tf32(),
                  g.n,
                  g.h,
                  g.w,
                  g.c,
                  g.kh,
                  g.kw,
                  g.o,
                  g.sh,
                  g.sw,
                  g.dh * 1000 + g.dw,
                  g.pt * 1000 + g.pl};
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    cudnnHandle_t h = cudnn();
    Choice c;
    int n = 0;
    if (which == FWD) {
        cudnnConvolutionFwdAlgoPerf_t perf[8];
        CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithm(h, d.x, d.f, d.conv, d.y, 8, &n, perf));
        NF_CHECK(n > 0 && perf[0].status == CUDNN_STATUS_SUCCESS,
                 "cuDNN found no forward algorithm");
        c.algo = (int)perf[0].algo;
        CUDNN_CHECK(cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.f, d.conv, d.y, perf[0].algo,
                                                            &c.workspace));
    } else if (which == BWD_DATA) {
        cudnnConvolutionBwdDataAlgoPerf_t perf[8];
        CUDNN_CHECK(
            cudnnFindConvolutionBackwardDataAlgorithm(h, d.f, d.y, d.conv, d.x, 8, &n, perf));
        NF_CHECK(n > 0 && perf[0].status == CUDNN_STATUS_SUCCESS,
                 "cuDNN found no backward-data algorithm");
        c.algo = (int)perf[0].algo;
        CUDNN_CHECK(cudnnGetConvolutionBackwardDataWorkspaceSize(h, d.f, d.y, d.conv, d.x,
                                                                 perf[0].algo, &c.workspace));
    } else {
        cudnnConvolutionBwdFilterAlgoPerf_t perf[8];
        CUDNN_CHECK(
            cudnnFindConvolutionBackwardFilterAlgorithm(h, d.x, d.y, d.conv, d.f, 8, &n, perf));
        NF_CHECK(n > 0 && perf[0].status == CUDNN_STATUS_SUCCESS,
                 "cuDNN found no backward-filter algorithm");
        c.algo = (int)perf[0].algo;
        CUDNN_CHECK(cudnnGetConvolutionBackwardFilterWorkspaceSize(h, d.x, d.y, d.conv, d.f,
                                                                   perf[0].algo, &c.workspace));
    }
    cache[key] = c;
    return c;
}

// cuDNN's filter layout KRSC = [O, KH, KW, C] from our HWIO [KH, KW, C, O].
Tensor to_krsc(const Tensor & f) { return f.permute({3, 0, 1, 2}).contiguous(); }

Tensor workspace(size_t bytes) {
    return Tensor::empty({(int64_t)bytes}, DType::BOOL, Device::CUDA); // raw bytes
}

} // namespace

bool conv2d_cudnn(OpCall & call, int which) {
    const bool fwd = which == FWD, bdata = which == BWD_DATA;
    const Tensor & a = call.input(0);
    const Shape & xs = bdata ? call.output(0).shape() : a.shape();
    const Shape & fs = which == BWD_FILTER ? call.output(0).shape() : call.input(1).shape();
    const ConvGeom g = conv_geometry(xs, fs, call.attrs);
    if (!applicable(g, a.dtype()) || call.output(0).numel() == 0) return false;
    if (!fwd) check_dy(g, bdata ? a : call.input(1), bdata ? call.output(0) : a);
    const Descs d(g);
    const Choice c = choose(g, d, (Which)which);
    Tensor ws = workspace(c.workspace);
    const float one = 1.0f, zero = 0.0f;
    cudnnHandle_t h = cudnn();
    if (fwd) {
        const Tensor w = to_krsc(call.input(1));
        CUDNN_CHECK(cudnnConvolutionForward(h, &one, d.x, a.raw(), d.f, w.raw(), d.conv,
                                            (cudnnConvolutionFwdAlgo_t)c.algo, ws.raw(),
                                            c.workspace, &zero, d.y, call.output(0).raw()));
    } else if (bdata) {
        const Tensor w = to_krsc(call.input(1));
        CUDNN_CHECK(cudnnConvolutionBackwardData(h, &one, d.f, w.raw(), d.y, a.raw(), d.conv,
                                                 (cudnnConvolutionBwdDataAlgo_t)c.algo, ws.raw(),
                                                 c.workspace, &zero, d.x, call.output(0).raw()));
    } else {
        Tensor dw = Tensor::empty({g.o, g.kh, g.kw, g.c}, a.dtype(), Device::CUDA);
        CUDNN_CHECK(cudnnConvolutionBackwardFilter(h, &one, d.x, a.raw(), d.y, call.input(1).raw(),
                                                   d.conv, (cudnnConvolutionBwdFilterAlgo_t)c.algo,
                                                   ws.raw(), c.workspace, &zero, d.f, dw.raw()));
        Tensor & df = call.output(0);
        copy_strided(dw.permute({1, 2, 3, 0}), df); // back to HWIO
    }
    return true;
}

#else

bool conv2d_cudnn(OpCall &, int) { return false; } // built without cuDNN: own kernels

#endif

void conv2d_forward_cuda(OpCall & call) {
    if (!conv2d_cudnn(call, 0)) conv2d_forward_own(call);
}
void conv2d_backward_input_cuda(OpCall & call) {
    if (!conv2d_cudnn(call, 1)) conv2d_backward_input_own(call);
}
void conv2d_backward_filter_cuda(OpCall & call) {
    if (!conv2d_cudnn(call, 2)) conv2d_backward_filter_own(call);
}

} // namespace nf::cuda
