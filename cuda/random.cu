// random_normal, random_uniform, truncated_normal and dropout on CUDA: the CPU's Philox4x32-10
// stream (cpp/cpu/random_philox.h, compiled for both devices), so element i draws the same bits
// on either device for the same (seed, seed2, counter). One thread per Philox block; the value
// transforms are the CPU's (random.cpp, random_dropout.cpp). Uniform bits, dropout masks and
// kept values are identical; normals agree to the last bits of the GPU's log/sin/cos.
#include "cpu/random_philox.h"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"

namespace nf::cuda {

namespace {

using cpu::PhiloxStream;
constexpr double kTwoPi = 6.283185307179586;

__device__ inline void box_muller(float u1, float u2, float & z0, float & z1) {
    const float r = sqrtf(-2.0f * logf(u1)), t = (float)kTwoPi * u2;
    z0 = r * cosf(t);
    z1 = r * sinf(t);
}
__device__ inline void box_muller(double u1, double u2, double & z0, double & z1) {
    const double r = sqrt(-2.0 * log(u1)), t = kTwoPi * u2;
    z0 = r * cos(t);
    z1 = r * sin(t);
}

__device__ inline void block_words(const PhiloxStream & s, int64_t b, uint32_t w[4]) {
    cpu::philox_block(s, (uint64_t)b, 0, w);
}

__global__ void normal_f32_kernel(float * out, int64_t n, PhiloxStream s, float mean, float sd) {
    NF_GRID_STRIDE(b, (n + 3) / 4) {
        uint32_t w[4];
        block_words(s, b, w);
        float z[4];
        box_muller(cpu::u01_open_f32(w[0]), cpu::u01_f32(w[1]), z[0], z[1]);
        box_muller(cpu::u01_open_f32(w[2]), cpu::u01_f32(w[3]), z[2], z[3]);
        for (int64_t k = 0; k < 4 && 4 * b + k < n; k++) out[4 * b + k] = mean + sd * z[k];
    }
}

__global__ void normal_f64_kernel(double * out, int64_t n, PhiloxStream s, double mean, double sd) {
    NF_GRID_STRIDE(b, (n + 1) / 2) {
        uint32_t w[4];
        block_words(s, b, w);
        double z[2];
        box_muller(cpu::u01_open_f64(w[0], w[1]), cpu::u01_f64(w[2], w[3]), z[0], z[1]);
        for (int64_t k = 0; k < 2 && 2 * b + k < n; k++) out[2 * b + k] = mean + sd * z[k];
    }
}

// minval + (maxval − minval)·u in double; a value rounding up to maxval becomes the largest
// value below it, so the range stays [minval, maxval).
__device__ inline float scale_u(double u, double lo, double range, float hi) {
    const float v = (float)(lo + range * u);
    return v < hi ? v : nextafterf(hi, (float)lo);
}
__device__ inline double scale_u(double u, double lo, double range, double hi) {
    const double v = lo + range * u;
    return v < hi ? v : nextafter(hi, lo);
}

__global__ void uniform_f32_kernel(float * out, int64_t n, PhiloxStream s, double lo, double hi) {
    NF_GRID_STRIDE(b, (n + 3) / 4) {
        uint32_t w[4];
        block_words(s, b, w);
        for (int64_t k = 0; k < 4 && 4 * b + k < n; k++) {
            out[4 * b + k] = scale_u((double)cpu::u01_f32(w[k]), lo, hi - lo, (float)hi);
        }
    }
}

__global__ void uniform_f64_kernel(double * out, int64_t n, PhiloxStream s, double lo, double hi) {
    NF_GRID_STRIDE(b, (n + 1) / 2) {
        uint32_t w[4];
        block_words(s, b, w);
        out[2 * b] = scale_u(cpu::u01_f64(w[0], w[1]), lo, hi - lo, hi);
        if (2 * b + 1 < n) out[2 * b + 1] = scale_u(cpu::u01_f64(w[2], w[3]), lo, hi - lo, hi);
    }
}

// Integers in [lo, hi): a 64-bit draw modulo the range.
__global__ void uniform_i32_kernel(int32_t * out, int64_t n, PhiloxStream s, int64_t lo,
                                   int64_t hi) {
    const uint64_t range = (uint64_t)(hi - lo);
    NF_GRID_STRIDE(b, (n + 1) / 2) {
        uint32_t w[4];
        block_words(s, b, w);
        out[2 * b] = (int32_t)(lo + (int64_t)(cpu::bits64(w[0], w[1]) % range));
        if (2 * b + 1 < n)
            out[2 * b + 1] = (int32_t)(lo + (int64_t)(cpu::bits64(w[2], w[3]) % range));
    }
}

// Truncated normal: element i takes Philox block i (attempt 0, 1, ...) and keeps the first
// normal with |z| < 2 (float32: from up to two Box-Muller pairs; float64: one pair).
template <typename T>
__device__ inline bool pick(T a, T b, T & z) {
    if (fabs(a) < T(2)) {
        z = a;
        return true;
    }
    if (fabs(b) < T(2)) {
        z = b;
        return true;
    }
    return false;
}
__device__ inline bool first_within_2(const uint32_t w[4], float & z) {
    float a, b;
    box_muller(cpu::u01_open_f32(w[0]), cpu::u01_f32(w[1]), a, b);
    if (pick(a, b, z)) return true;
    box_muller(cpu::u01_open_f32(w[2]), cpu::u01_f32(w[3]), a, b);
    return pick(a, b, z);
}
__device__ inline bool first_within_2(const uint32_t w[4], double & z) {
    double a, b;
    box_muller(cpu::u01_open_f64(w[0], w[1]), cpu::u01_f64(w[2], w[3]), a, b);
    return pick(a, b, z);
}

template <typename T>
__global__ void truncated_kernel(T * out, int64_t n, PhiloxStream s, T mean, T sd) {
    NF_GRID_STRIDE(i, n) {
        uint32_t w[4];
        cpu::philox_block(s, (uint64_t)i, 0, w);
        T z = 0;
        for (uint32_t a = 1; !first_within_2(w, z) && a < 256; a++) {
            cpu::philox_block(s, (uint64_t)i, a, w);
        }
        out[i] = mean + sd * z;
    }
}

} // namespace

void random_normal_forward_cuda(OpCall & call) {
    Tensor & out = call.output(0);
    const int64_t n = out.numel();
    if (n == 0) return;
    const PhiloxStream s = cpu::philox_stream(call.attrs);
    const double mean = call.attrs.get_float("mean"), sd = call.attrs.get_float("stddev");
    if (out.dtype() == DType::F32) {
        normal_f32_kernel<<<grid_for((n + 3) / 4), kBlock, 0, stream()>>>(out.data<float>(), n, s,
                                                                          (float)mean, (float)sd);
    } else {
        normal_f64_kernel<<<grid_for((n + 1) / 2), kBlock, 0, stream()>>>(out.data<double>(), n, s,
                                                                          mean, sd);
    }
    CUDA_CHECK_LAUNCH();
}

void random_uniform_forward_cuda(OpCall & call) {
    Tensor & out = call.output(0);
    const int64_t n = out.numel();
    if (n == 0) return;
    const PhiloxStream s = cpu::philox_stream(call.attrs);
    const double lo = call.attrs.get_float("minval"), hi = call.attrs.get_float("maxval");
    switch (out.dtype()) {
        case DType::F32:
            uniform_f32_kernel<<<grid_for((n + 3) / 4), kBlock, 0, stream()>>>(out.data<float>(), n,
                                                                               s, lo, hi);
            break;
        case DType::F64:
            uniform_f64_kernel<<<grid_for((n + 1) / 2), kBlock, 0, stream()>>>(out.data<double>(),
                                                                               n, s, lo, hi);
            break;
        case DType::I32:
            uniform_i32_kernel<<<grid_for((n + 1) / 2), kBlock, 0, stream()>>>(
                out.data<int32_t>(), n, s, (int64_t)lo, (int64_t)hi);
            break;
        default: NF_FAIL("unsupported dtype %s on cuda", dtype_name(out.dtype()));
    }
    CUDA_CHECK_LAUNCH();
}

void truncated_normal_forward_cuda(OpCall & call) {
    Tensor & out = call.output(0);
    const int64_t n = out.numel();
    if (n == 0) return;
    const PhiloxStream s = cpu::philox_stream(call.attrs);
    const double mean = call.attrs.get_float("mean"), sd = call.attrs.get_float("stddev");
    if (out.dtype() == DType::F32) {
        truncated_kernel<float>
            <<<grid_for(n), kBlock, 0, stream()>>>(out.data<float>(), n, s, (float)mean, (float)sd);
    } else {
        truncated_kernel<double>
            <<<grid_for(n), kBlock, 0, stream()>>>(out.data<double>(), n, s, mean, sd);
    }
    CUDA_CHECK_LAUNCH();
}

} // namespace nf::cuda
