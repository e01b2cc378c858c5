// Tensor: dtype, device, shape and strides (in elements), an element offset, and shared storage.
// Views (reshape of contiguous data, transpose, slice) share storage; kernels that need dense
// memory get it through contiguous(). Host storage is 64-byte aligned (AVX-512 lines).
#pragma once
#include "core/check.h"
#include "core/dtype.h"
#include "core/shape.h"
#include <atomic>
#include <memory>

namespace nf {

enum class Device : uint8_t { CPU = 0, CUDA = 1 };
const char * device_name(Device d);

// One allocation. Freed when the last Tensor (or view) that shares it goes away.
struct Storage {
    void * data = nullptr;
    size_t nbytes = 0;
    Device device = Device::CPU;
    Storage(size_t nbytes, Device device);
    ~Storage();
    Storage(const Storage &) = delete;
    Storage & operator=(const Storage &) = delete;
};

// Live host/device storage, for tf.memory(): counts every allocation exactly once.
struct MemoryStats {
    int64_t num_storages;
    int64_t num_bytes;
};
MemoryStats memory_stats(Device d);

class Tensor {
  public:
    Tensor() = default;
    // Fresh contiguous tensor, uninitialised memory.
    static Tensor empty(const Shape & shape, DType dtype, Device device = Device::CPU);
    static Tensor zeros(const Shape & shape, DType dtype, Device device = Device::CPU);

    DType dtype() const { return dtype_; }
    Device device() const { return storage_ ? storage_->device : Device::CPU; }
    const Shape & shape() const { return shape_; }
    const std::vector<int64_t> & strides() const { return strides_; }
    int64_t offset() const { return offset_; }
    int64_t ndim() const { return (int64_t)shape_.size(); }
    int64_t dim(int64_t i) const { return shape_[normalize_axis(i, ndim())]; }
    int64_t numel() const { return shape_numel(shape_); }
    size_t nbytes() const { return (size_t)numel() * dtype_size(dtype_); }
    bool defined() const { return storage_ != nullptr; }
    bool is_contiguous() const;
    const std::shared_ptr<Storage> & storage() const { return storage_; }

    // Pointer to the first element (offset applied). T must match the dtype's size.
    template <typename T> T * data() const {
        return reinterpret_cast<T *>(static_cast<char *>(storage_->data)) + offset_;
    }
    void * raw() const { return static_cast<char *>(storage_->data) + offset_ * dtype_size(dtype_); }

    // Views sharing storage.
    Tensor as_strided(const Shape & shape, const std::vector<int64_t> & strides, int64_t offset) const;
    Tensor reshape_view(const Shape & shape) const;     // requires is_contiguous()
    Tensor permute(const std::vector<int64_t> & perm) const;
    // A dense copy when not contiguous, else *this.
    Tensor contiguous() const;
    // Always a fresh dense copy.
    Tensor clone() const;
    std::string desc() const;                           // "float32[2,3]"

  private:
    std::shared_ptr<Storage> storage_;
    DType dtype_ = DType::F32;
    Shape shape_;
    std::vector<int64_t> strides_;
    int64_t offset_ = 0;
};

// Copies src (any strides) into dst (contiguous, same shape and dtype), element by element.
// Either may be a device tensor: then the copy goes through cuda_copy (core/device.h).
void copy_strided(const Tensor & src, Tensor & dst);

} // namespace nf
