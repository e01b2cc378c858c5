// conv2d on CUDA, nodeflow's own kernels (used without cuDNN, or where cuDNN cannot take the
// case): im2col + GEMM as cpp/cpu/conv.cpp. Rows of the column matrix are output pixels
// (n, oh, ow), columns (kh, kw, c), matching the HWIO filter viewed as [K = KH·KW·C, O]:
//   forward: y = cols · F
//   backward input: dcols = dy · Fᵀ, then col2im (a gather: no atomics)
//   backward filter: dF = colsᵀ · dy (accumulated over chunks of images)
// Images go in chunks whose column buffer stays under 256 MiB.
#include "core/device.h"
#include "cuda/conv.cuh"
#include "cuda/elementwise.cuh"
#include "cuda/gemm.cuh"
#include "cuda/kernels.h"

namespace nf::cuda {

namespace {

// cols[r, k] for rows r of images [n0, n0 + nimg): the input under tap k of pixel r, or 0.
template <typename T>
__global__ void im2col_kernel(const T * x, T * cols, ConvGeom g, int64_t n0, int64_t total) {
    const int64_t K = g.kh * g.kw * g.c;
    NF_GRID_STRIDE(e, total) {
        const int64_t r = e / K, k = e - r * K;
        const int64_t c = k % g.c, j = k / g.c % g.kw, i = k / (g.c * g.kw);
        const int64_t n = n0 + r / (g.oh * g.ow), oh = r / g.ow % g.oh, ow = r % g.ow;
        const int64_t ih = oh * g.sh - g.pt + i * g.dh, iw = ow * g.sw - g.pl + j * g.dw;
        const bool in = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w;
        cols[e] = in ? x[((n * g.h + ih) * g.w + iw) * g.c + c] : T(0);
    }
}

// dx[n, ih, iw, c] = Σ over the taps (i, j) whose output pixel (oh, ow) reads (ih, iw).
template <typename T>
__global__ void col2im_kernel(const T * dcols, T * dx, ConvGeom g, int64_t n0, int64_t total) {
    const int64_t K = g.kh * g.kw * g.c;
    NF_GRID_STRIDE(e, total) {
        const int64_t c = e % g.c, iw = e / g.c % g.w, ih = e / (g.c * g.w) % g.h;
        const int64_t ni = e / (g.c * g.w * g.h); // image within the chunk
        T acc = 0;
        for (int64_t i = 0; i < g.kh; i++) {
            const int64_t th = ih + g.pt - i * g.dh;
            if (th < 0 || th % g.sh != 0 || th / g.sh >= g.oh) continue;
            for (int64_t j = 0; j < g.kw; j++) {
                const int64_t tw = iw + g.pl - j * g.dw;
                if (tw < 0 || tw % g.sw != 0 || tw / g.sw >= g.ow) continue;
                const int64_t r = (ni * g.oh + th / g.sh) * g.ow + tw / g.sw;
                acc += dcols[r * K + (i * g.kw + j) * g.c + c];
            }
        }
        dx[(n0 * g.h * g.w * g.c) + e] = acc;
    }
}

int64_t chunk_images(const ConvGeom & g, size_t elem) {
    const int64_t per = g.oh * g.ow * g.kh * g.kw * g.c * (int64_t)elem;
    const int64_t fit = per > 0 ? (int64_t(256) << 20) / per : g.n;
    return fit < 1 ? 1 : (fit < g.n ? fit : g.n);
}

template <typename T>
GemmBatch<T> plain(int64_t M, int64_t N, int64_t K, bool ta, bool tb, const T * a, int64_t lda,
                   const T * b, int64_t ldb, T * c, bool accumulate) {
    GemmBatch<T> g;
    g.M = M, g.N = N, g.K = K, g.ta = ta, g.tb = tb, g.lda = lda, g.ldb = ldb;
    g.a = a, g.b = b, g.c = c, g.accumulate = accumulate;
    g.a_off = {0};
    g.b_off = {0};
    return g;
}

template <typename T>
void forward(const Tensor & x, const Tensor & f, Tensor & y, const ConvGeom & g) {
    const int64_t K = g.kh * g.kw * g.c, P = g.oh * g.ow, chunk = chunk_images(g, sizeof(T));
    Tensor cols = Tensor::empty({chunk * P, K}, x.dtype(), Device::CUDA);
    for (int64_t n0 = 0; n0 < g.n; n0 += chunk) {
        const int64_t nimg = chunk < g.n - n0 ? chunk : g.n - n0, total = nimg * P * K;
        im2col_kernel<<<grid_for(total), kBlock, 0, stream()>>>(x.data<T>(), cols.data<T>(), g, n0,
                                                                total);
        CUDA_CHECK_LAUNCH();
        gemm(plain<T>(nimg * P, g.o, K, false, false, cols.data<T>(), K, f.data<T>(), g.o,
                      y.data<T>() + n0 * P * g.o, false));
    }
}

template <typename T>
void backward_input(const Tensor & dy, const Tensor & f, Tensor & dx, const ConvGeom & g) {
    const int64_t K = g.kh * g.kw * g.c, P = g.oh * g.ow, chunk = chunk_images(g, sizeof(T));
    Tensor dcols = Tensor::empty({chunk * P, K}, dy.dtype(), Device::CUDA);
    for (int64_t n0 = 0; n0 < g.n; n0 += chunk) {
        const int64_t nimg = chunk < g.n - n0 ? chunk : g.n - n0;
        gemm(plain<T>(nimg * P, K, g.o, false, true, dy.data<T>() + n0 * P * g.o, g.o, f.data<T>(),
                      g.o, dcols.data<T>(), false));
        const int64_t total = nimg * g.h * g.w * g.c;
        col2im_kernel<<<grid_for(total), kBlock, 0, stream()>>>(dcols.data<T>(), dx.data<T>(), g,
                                                                n0, total);
        CUDA_CHECK_LAUNCH();
    }
}

template <typename T>
void backward_filter(const Tensor & x, const Tensor & dy, Tensor & df, const ConvGeom & g) {
    const int64_t K = g.kh * g.kw * g.c, P = g.oh * g.ow, chunk = chunk_images(g, sizeof(T));
    Tensor cols = Tensor::empty({chunk * P, K}, x.dtype(), Device::CUDA);
    if (g.n == 0) cuda_zero(df);
    for (int64_t n0 = 0; n0 < g.n; n0 += chunk) {
        const int64_t nimg = chunk < g.n - n0 ? chunk : g.n - n0, total = nimg * P * K;
        im2col_kernel<<<grid_for(total), kBlock, 0, stream()>>>(x.data<T>(), cols.data<T>(), g, n0,
                                                                total);
        CUDA_CHECK_LAUNCH();
        gemm(plain<T>(K, g.o, nimg * P, true, false, cols.data<T>(), K, dy.data<T>() + n0 * P * g.o,
                      g.o, df.data<T>(), n0 > 0)); // chunks after the first accumulate
    }
}

} // namespace

void conv2d_forward_own(OpCall & call) {
    const Tensor &x = call.input(0), &f = call.input(1);
    const ConvGeom g = conv_geometry(x.shape(), f.shape(), call.attrs);
    if (call.output(0).numel() == 0) return;
    if (x.dtype() == DType::F32)
        forward<float>(x, f, call.output(0), g);
    else
        forward<double>(x, f, call.output(0), g);
}

void conv2d_backward_input_own(OpCall & call) {
    const Tensor &dy = call.input(0), &f = call.input(1);
    Tensor & dx = call.output(0);
    const ConvGeom g = conv_geometry(dx.shape(), f.shape(), call.attrs);
    check_dy(g, dy, dx);
    if (dx.numel() == 0) return;
    if (dy.dtype() == DType::F32)
        backward_input<float>(dy, f, dx, g);
    else
        backward_input<double>(dy, f, dx, g);
}

void conv2d_backward_filter_own(OpCall & call) {
    const Tensor &x = call.input(0), &dy = call.input(1);
    Tensor & df = call.output(0);
    const ConvGeom g = conv_geometry(x.shape(), df.shape(), call.attrs);
    check_dy(g, dy, x);
    if (df.numel() == 0) return;
    if (x.dtype() == DType::F32)
        backward_filter<float>(x, dy, df, g);
    else
        backward_filter<double>(x, dy, df, g);
}

ConvGeom conv_geometry(const Shape & x, const Shape & f, const Attrs & a) {
    const std::vector<int64_t> st = a.get_ints("strides"), dl = a.get_ints("dilations");
    const bool same = a.get_string("padding") == "SAME";
    ConvGeom g{x[0], x[1], x[2], x[3], f[0], f[1], f[3], st[0], st[1], dl[0], dl[1], 0, 0, 0, 0};
    cpu::conv_out_size(g.h, g.kh, g.sh, g.dh, same, g.oh, g.pt);
    cpu::conv_out_size(g.w, g.kw, g.sw, g.dw, same, g.ow, g.pl);
    return g;
}

void check_dy(const ConvGeom & g, const Tensor & dy, const Tensor & x) {
    NF_CHECK(g.oh == dy.shape()[1] && g.ow == dy.shape()[2] && g.n == dy.shape()[0],
             "dy %s does not match the output size of a conv over %s",
             shape_str(dy.shape()).c_str(), shape_str(x.shape()).c_str());
}

} // namespace nf::cuda
