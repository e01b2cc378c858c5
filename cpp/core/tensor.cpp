// Tensor and Storage: aligned host allocation, memory accounting, views, strided copy.
#include "core/tensor.h"
#include "core/device.h"
#include "core/host_allocator.h"
#include "core/parallel.h"
#include <cstdlib>
#include <cstring>

namespace nf {

namespace {
std::atomic<int64_t> g_storages[2];
std::atomic<int64_t> g_bytes[2];
} // namespace

const char * device_name(Device d) { return d == Device::CPU ? "cpu" : "cuda:0"; }

DType dtype_from_name(const std::string & n) {
    if (n == "float32") return DType::F32;
    if (n == "float64") return DType::F64;
    if (n == "int32") return DType::I32;
    if (n == "bool") return DType::BOOL;
    NF_FAIL("unknown dtype '%s' (expected float32, float64, int32 or bool)", n.c_str());
}

Storage::Storage(size_t n, Device dev) : nbytes(n), device(dev) {
    if (dev == Device::CPU) {
        data = host_alloc(n);
    } else {
        data = cuda_alloc(n);
    }
    g_storages[(int)dev]++;
    g_bytes[(int)dev] += (int64_t)n;
}

Storage::~Storage() {
    if (device == Device::CPU) {
        host_free(data, nbytes);
    } else {
        cuda_free(data, nbytes);
    }
    g_storages[(int)device]--;
    g_bytes[(int)device] -= (int64_t)nbytes;
}

MemoryStats memory_stats(Device d) { return {g_storages[(int)d].load(), g_bytes[(int)d].load()}; }

Tensor Tensor::empty(const Shape & shape, DType dtype, Device device) {
    for (int64_t d : shape) {
        NF_CHECK(d >= 0, "cannot allocate a tensor of shape %s", shape_str(shape).c_str());
    }
    Tensor t;
    t.dtype_ = dtype;
    t.shape_ = shape;
    t.strides_ = contiguous_strides(shape);
    t.storage_ = std::make_shared<Storage>((size_t)shape_numel(shape) * dtype_size(dtype), device);
    return t;
}

Tensor Tensor::zeros(const Shape & shape, DType dtype, Device device) {
    Tensor t = empty(shape, dtype, device);
    if (device != Device::CPU) {
        cuda_zero(t);
        return t;
    }
    std::memset(t.storage_->data, 0, t.nbytes());
    return t;
}

bool Tensor::is_contiguous() const {
    // No elements: nothing to lay out (and contiguous_strides gives [2,0] strides [1,1], which
    // the walk below would call non-contiguous, so a fresh empty tensor failed reshape_view).
    if (numel() == 0) return true;
    int64_t expect = 1;
    for (int64_t i = ndim() - 1; i >= 0; i--) {
        if (shape_[i] != 1 && strides_[i] != expect) {
            return false;
        }
        expect *= shape_[i];
    }
    return true;
}

Tensor Tensor::as_strided(const Shape & shape, const std::vector<int64_t> & strides,
                          int64_t offset) const {
    Tensor t = *this;
    t.shape_ = shape;
    t.strides_ = strides;
    t.offset_ = offset;
    return t;
}

Tensor Tensor::reshape_view(const Shape & shape) const {
    NF_CHECK(is_contiguous(), "reshape_view: tensor is not contiguous");
    NF_CHECK(shape_numel(shape) == numel(), "reshape: cannot reshape %s into %s",
             desc().c_str(), shape_str(shape).c_str());
    return as_strided(shape, contiguous_strides(shape), offset_);
}

Tensor Tensor::permute(const std::vector<int64_t> & perm) const {
    Shape s(perm.size());
    std::vector<int64_t> st(perm.size());
    for (size_t i = 0; i < perm.size(); i++) {
        s[i] = shape_[perm[i]];
        st[i] = strides_[perm[i]];
    }
    return as_strided(s, st, offset_);
}

Tensor Tensor::contiguous() const { return is_contiguous() ? *this : clone(); }

Tensor Tensor::clone() const {
    Tensor out = empty(shape_, dtype_, device());
    copy_strided(*this, out);
    return out;
}

std::string Tensor::desc() const { return std::string(dtype_name(dtype_)) + shape_str(shape_); }

// Generic strided gather into a dense buffer, by element size (dtype-agnostic).
template <typename T>
static void copy_strided_t(const Tensor & src, Tensor & dst) {
    const T * in = src.data<T>();
    T * out = dst.data<T>();
    const int64_t n = src.numel(), rank = src.ndim();
    const Shape & shape = src.shape();
    const std::vector<int64_t> & st = src.strides();
    parallel_for(0, n, 1 << 15, [&](int64_t b, int64_t e) {
        std::vector<int64_t> idx(rank, 0);
        int64_t rem = b, off = 0;
        for (int64_t d = rank - 1; d >= 0; d--) {
            idx[d] = rem % shape[d];
            rem /= shape[d];
            off += idx[d] * st[d];
        }
        for (int64_t i = b; i < e; i++) {
            out[i] = in[off];
            for (int64_t d = rank - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    off += st[d];
                    break;
                }
                off -= (shape[d] - 1) * st[d];
                idx[d] = 0;
            }
        }
    });
}

void copy_strided(const Tensor & src, Tensor & dst) {
    NF_CHECK(src.shape() == dst.shape() && src.dtype() == dst.dtype(),
             "copy: %s does not match %s", src.desc().c_str(), dst.desc().c_str());
    if (src.numel() == 0) {
        return;
    }
    if (src.device() != Device::CPU || dst.device() != Device::CPU) {
        cuda_copy(src, dst);   // any pair of devices, any strides (cuda/runtime/copy.cu)
        return;
    }
    if (src.is_contiguous()) {
        std::memcpy(dst.raw(), src.raw(), src.nbytes());
        return;
    }
    switch (dtype_size(src.dtype())) {
        case 1: copy_strided_t<uint8_t>(src, dst); break;
        case 4: copy_strided_t<uint32_t>(src, dst); break;
        case 8: copy_strided_t<uint64_t>(src, dst); break;
        default: NF_FAIL("copy: unsupported element size");
    }
}

} // namespace nf
