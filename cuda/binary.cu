// Binary family on CUDA (NumPy broadcasting, inputs any strides: OP_STRIDED), the semantics of
// cpp/cpu/binary_*.cpp: int32 wraps, int32 div floors with x / 0 = 0, maximum/minimum keep
// NaN, comparisons give bool (0/1 bytes), where/clip_by_value broadcast all three inputs.
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"

namespace nf::cuda {

namespace {

using U32 = uint32_t;

struct Add {
    __device__ int32_t operator()(int32_t a, int32_t b) const { return (int32_t)(U32(a) + U32(b)); }
    template <typename T>
    __device__ T operator()(T a, T b) const {
        return a + b;
    }
};
struct Sub {
    __device__ int32_t operator()(int32_t a, int32_t b) const { return (int32_t)(U32(a) - U32(b)); }
    template <typename T>
    __device__ T operator()(T a, T b) const {
        return a - b;
    }
};
struct Mul {
    __device__ int32_t operator()(int32_t a, int32_t b) const { return (int32_t)(U32(a) * U32(b)); }
    template <typename T>
    __device__ T operator()(T a, T b) const {
        return a * b;
    }
};
struct Div {
    // NOTE: integer x / 0 is 0 and INT_MIN / -1 wraps (see binary_arith.cpp); floor division.
    __device__ int32_t operator()(int32_t a, int32_t b) const {
        if (b == 0) return 0;
        if (b == -1) return (int32_t)(U32(0) - U32(a));
        const int32_t q = a / b;
        return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
    }
    template <typename T>
    __device__ T operator()(T a, T b) const {
        return a / b;
    }
};
struct Pow {
    template <typename T>
    __device__ T operator()(T a, T b) const {
        return pow(a, b);
    }
};
struct Maximum {
    __device__ int32_t operator()(int32_t a, int32_t b) const { return a >= b ? a : b; }
    template <typename T>
    __device__ T operator()(T a, T b) const {
        return (a >= b || isnan(a)) ? a : b;
    }
};
struct Minimum {
    __device__ int32_t operator()(int32_t a, int32_t b) const { return a <= b ? a : b; }
    template <typename T>
    __device__ T operator()(T a, T b) const {
        return (a <= b || isnan(a)) ? a : b;
    }
};
struct SquaredDifference {
    __device__ int32_t operator()(int32_t a, int32_t b) const {
        const U32 d = U32(a) - U32(b);
        return (int32_t)(d * d);
    }
    template <typename T>
    __device__ T operator()(T a, T b) const {
        return (a - b) * (a - b);
    }
};

template <typename Op, bool Ints = true>
void arith(OpCall & call) {
    const Tensor & a = call.input(0);
    const Tensor & b = call.input(1);
    Tensor & y = call.output(0);
    switch (a.dtype()) {
        case DType::F32: launch_broadcast2<float, float>(a, b, y, Op{}); return;
        case DType::F64: launch_broadcast2<double, double>(a, b, y, Op{}); return;
        case DType::I32:
            if constexpr (Ints) {
                launch_broadcast2<int32_t, int32_t>(a, b, y, Op{});
                return;
            }
            break;
        default: break;
    }
    NF_FAIL("unsupported dtype %s on cuda", dtype_name(a.dtype()));
}

// Comparisons: bool bytes are normalised first, so a stray 255 "true" equals a 1 "true".
template <typename Cmp>
struct Compare {
    __device__ uint8_t operator()(uint8_t a, uint8_t b) const { return Cmp{}(a != 0, b != 0); }
    template <typename T>
    __device__ uint8_t operator()(T a, T b) const {
        return Cmp{}(a, b);
    }
};
struct Eq {
    template <typename T>
    __device__ uint8_t operator()(T a, T b) const {
        return a == b;
    }
};
struct Ne {
    template <typename T>
    __device__ uint8_t operator()(T a, T b) const {
        return a != b;
    }
};
struct Lt {
    template <typename T>
    __device__ uint8_t operator()(T a, T b) const {
        return a < b;
    }
};
struct Le {
    template <typename T>
    __device__ uint8_t operator()(T a, T b) const {
        return a <= b;
    }
};
struct Gt {
    template <typename T>
    __device__ uint8_t operator()(T a, T b) const {
        return a > b;
    }
};
struct Ge {
    template <typename T>
    __device__ uint8_t operator()(T a, T b) const {
        return a >= b;
    }
};

template <typename Cmp>
void compare(OpCall & call) {
    const Tensor & a = call.input(0);
    const Tensor & b = call.input(1);
    Tensor & y = call.output(0);
    switch (a.dtype()) {
        case DType::F32: launch_broadcast2<float, uint8_t>(a, b, y, Compare<Cmp>{}); break;
        case DType::F64: launch_broadcast2<double, uint8_t>(a, b, y, Compare<Cmp>{}); break;
        case DType::I32: launch_broadcast2<int32_t, uint8_t>(a, b, y, Compare<Cmp>{}); break;
        case DType::BOOL: launch_broadcast2<uint8_t, uint8_t>(a, b, y, Compare<Cmp>{}); break;
    }
}

struct And {
    __device__ uint8_t operator()(uint8_t a, uint8_t b) const { return a != 0 && b != 0; }
};
struct Or {
    __device__ uint8_t operator()(uint8_t a, uint8_t b) const { return a != 0 || b != 0; }
};
struct Not {
    __device__ uint8_t operator()(uint8_t a, uint8_t) const { return a == 0; }
};

struct Select {
    template <typename T>
    __device__ T operator()(uint8_t c, T a, T b) const {
        return c != 0 ? a : b;
    }
};
// min(max(t, lo), hi) as TF 1.x composes it: lo > hi gives hi; NaN in any input comes out.
struct Clip {
    __device__ int32_t operator()(int32_t t, int32_t lo, int32_t hi) const {
        const int32_t r = t >= lo ? t : lo;
        return r <= hi ? r : hi;
    }
    template <typename T>
    __device__ T operator()(T t, T lo, T hi) const {
        const T r = (t >= lo || isnan(t)) ? t : lo;
        return (r <= hi || isnan(r)) ? r : hi;
    }
};

} // namespace

void add_forward_cuda(OpCall & c) { arith<Add>(c); }
void sub_forward_cuda(OpCall & c) { arith<Sub>(c); }
void mul_forward_cuda(OpCall & c) { arith<Mul>(c); }
void div_forward_cuda(OpCall & c) { arith<Div>(c); }
void pow_forward_cuda(OpCall & c) { arith<Pow, false>(c); }
void maximum_forward_cuda(OpCall & c) { arith<Maximum>(c); }
void minimum_forward_cuda(OpCall & c) { arith<Minimum>(c); }
void squared_difference_forward_cuda(OpCall & c) { arith<SquaredDifference>(c); }

void equal_forward_cuda(OpCall & c) { compare<Eq>(c); }
void not_equal_forward_cuda(OpCall & c) { compare<Ne>(c); }
void less_forward_cuda(OpCall & c) { compare<Lt>(c); }
void less_equal_forward_cuda(OpCall & c) { compare<Le>(c); }
void greater_forward_cuda(OpCall & c) { compare<Gt>(c); }
void greater_equal_forward_cuda(OpCall & c) { compare<Ge>(c); }

void logical_and_forward_cuda(OpCall & c) {
    launch_broadcast2<uint8_t, uint8_t>(c.input(0), c.input(1), c.output(0), And{});
}
void logical_or_forward_cuda(OpCall & c) {
    launch_broadcast2<uint8_t, uint8_t>(c.input(0), c.input(1), c.output(0), Or{});
}
// Unary, read through the same strided path (x paired with itself).
void logical_not_forward_cuda(OpCall & c) {
    launch_broadcast2<uint8_t, uint8_t>(c.input(0), c.input(0), c.output(0), Not{});
}

void where_forward_cuda(OpCall & c) {
    // Selecting moves bits: one instantiation per element size serves every dtype.
    const Tensor & cond = c.input(0);
    switch (dtype_size(c.input(1).dtype())) {
        case 1:
            launch_broadcast3<uint8_t, uint8_t, uint8_t>(cond, c.input(1), c.input(2), c.output(0),
                                                         Select{});
            break;
        case 4:
            launch_broadcast3<uint8_t, uint32_t, uint32_t>(cond, c.input(1), c.input(2),
                                                           c.output(0), Select{});
            break;
        default:
            launch_broadcast3<uint8_t, uint64_t, uint64_t>(cond, c.input(1), c.input(2),
                                                           c.output(0), Select{});
            break;
    }
}

void clip_by_value_forward_cuda(OpCall & c) {
    const Tensor & t = c.input(0);
    switch (t.dtype()) {
        case DType::F32:
            launch_broadcast3<float, float, float>(t, c.input(1), c.input(2), c.output(0), Clip{});
            break;
        case DType::F64:
            launch_broadcast3<double, double, double>(t, c.input(1), c.input(2), c.output(0),
                                                      Clip{});
            break;
        case DType::I32:
            launch_broadcast3<int32_t, int32_t, int32_t>(t, c.input(1), c.input(2), c.output(0),
                                                         Clip{});
            break;
        default: NF_FAIL("unsupported dtype %s on cuda", dtype_name(t.dtype()));
    }
}

} // namespace nf::cuda
