// index ops: shape/dtype rules and op table lines for gather, gather_nd (+ backwards), one_hot,
// cast and the creation ops fill, range, linspace, eye (kernels in cpp/cpu/index_*.cpp).
// Unknown dims (-1) propagate; every attribute a kernel reads is validated here.
#include "cpu/index.h"
#include <cfloat>
#include <cmath>

namespace nf {

namespace {

void check_indices_dtype(const TensorMeta & t) {
    NF_CHECK(t.dtype == DType::I32, "expected int32 indices 'indices', got %s",
             dtype_name(t.dtype));
}

// ---- gather / gather_nd

Shape gather_shape(const TensorMeta & params, const TensorMeta & indices, const Attrs & attrs) {
    check_indices_dtype(indices);
    const int64_t rank = (int64_t)params.shape.size();
    NF_CHECK(rank >= 1, "params must have rank >= 1, got a scalar");
    const int64_t axis = normalize_axis(attrs.get_int("axis", 0), rank, "axis");
    Shape out(params.shape.begin(), params.shape.begin() + axis);
    out.insert(out.end(), indices.shape.begin(), indices.shape.end());
    out.insert(out.end(), params.shape.begin() + axis + 1, params.shape.end());
    return out;
}

std::vector<TensorMeta> infer_gather(const std::vector<TensorMeta> & in, const Attrs & attrs) {
    return {{in[0].dtype, gather_shape(in[0], in[1], attrs)}};
}

// inputs: dy, indices, params; output: dy's dtype, params' (run-time) shape.
std::vector<TensorMeta> infer_gather_backward(const std::vector<TensorMeta> & in,
                                              const Attrs & attrs) {
    check_float(in[0], "dy");
    NF_CHECK(in[2].dtype == in[0].dtype, "params and dy must have the same dtype, got %s and %s",
             dtype_name(in[2].dtype), dtype_name(in[0].dtype));
    check_dy_shape(in[0].shape, gather_shape(in[2], in[1], attrs));
    return {{in[0].dtype, in[2].shape}};
}

Shape gather_nd_shape(const TensorMeta & params, const TensorMeta & indices) {
    check_indices_dtype(indices);
    NF_CHECK(!indices.shape.empty(), "indices must have rank >= 1, got a scalar");
    const int64_t k = indices.shape.back();
    // The output rank depends on it, and a Shape cannot say "unknown rank".
    NF_CHECK(k >= 0, "the last dimension of indices (the index depth) must be known, got %s",
             shape_str(indices.shape).c_str());
    NF_CHECK(k <= (int64_t)params.shape.size(),
             "index depth %lld (last dim of indices %s) exceeds the rank of params %s",
             (long long)k, shape_str(indices.shape).c_str(), shape_str(params.shape).c_str());
    Shape out(indices.shape.begin(), indices.shape.end() - 1);
    out.insert(out.end(), params.shape.begin() + k, params.shape.end());
    return out;
}

std::vector<TensorMeta> infer_gather_nd(const std::vector<TensorMeta> & in, const Attrs &) {
    return {{in[0].dtype, gather_nd_shape(in[0], in[1])}};
}

std::vector<TensorMeta> infer_gather_nd_backward(const std::vector<TensorMeta> & in,
                                                 const Attrs &) {
    check_float(in[0], "dy");
    NF_CHECK(in[2].dtype == in[0].dtype, "params and dy must have the same dtype, got %s and %s",
             dtype_name(in[2].dtype), dtype_name(in[0].dtype));
    check_dy_shape(in[0].shape, gather_nd_shape(in[2], in[1]));
    return {{in[0].dtype, in[2].shape}};
}

// ---- one_hot, cast

DType dtype_attr(const Attrs & attrs, const char * def) {
    return dtype_from_name(attrs.get_string("dtype", def));
}

// A scalar attribute must be representable in the output dtype.
// NOTE: non-finite values are allowed for float outputs (tf.fill(shape, -inf) builds masks).
void check_value(const char * name, double v, DType t) {
    switch (t) {
        case DType::F32:
            NF_CHECK(!std::isfinite(v) || std::fabs(v) <= FLT_MAX,
                     "attribute '%s' = %g overflows float32", name, v);
            break;
        case DType::F64: break;
        case DType::I32:
            NF_CHECK(std::isfinite(v) && v == std::floor(v) && v >= -2147483648.0 &&
                         v <= 2147483647.0,
                     "attribute '%s' = %g is not an int32 value", name, v);
            break;
        case DType::BOOL:
            NF_CHECK(v == 0 || v == 1, "attribute '%s' = %g is not a bool (0 or 1)", name, v);
            break;
    }
}

std::vector<TensorMeta> infer_one_hot(const std::vector<TensorMeta> & in, const Attrs & attrs) {
    check_indices_dtype(in[0]);
    const int64_t rank = (int64_t)in[0].shape.size();
    const int64_t depth = attrs.get_int("depth");
    NF_CHECK(depth >= 0, "depth must be >= 0, got %lld", (long long)depth);
    const int64_t axis = attrs.get_int("axis", -1);
    NF_CHECK(axis >= -1 && axis <= rank, "axis %lld is out of range for indices of rank %lld "
             "(must be in [-1, %lld])", (long long)axis, (long long)rank, (long long)rank);
    const DType t = dtype_attr(attrs, "float32");
    check_value("on_value", attrs.get_float("on_value", 1.0), t);
    check_value("off_value", attrs.get_float("off_value", 0.0), t);
    Shape out = in[0].shape;
    out.insert(out.begin() + (axis < 0 ? rank : axis), depth);
    return {{t, out}};
}

std::vector<TensorMeta> infer_cast(const std::vector<TensorMeta> & in, const Attrs & attrs) {
    return {{dtype_from_name(attrs.get_string("dtype")), in[0].shape}};
}

// ---- creation ops (no inputs: every dim is known)

// "[3,-1,2]": shape_str would print a negative dim as unknown ("?"), hiding the bad value.
std::string dims_str(const Shape & s) {
    std::string r = "[";
    for (size_t i = 0; i < s.size(); i++) r += (i ? "," : "") + std::to_string(s[i]);
    return r + "]";
}

// Dims >= 0 and a size whose byte count cannot overflow.
Shape checked_shape(const Shape & s, DType t, const char * what) {
    double bytes = (double)dtype_size(t);
    for (int64_t d : s) {
        NF_CHECK(d >= 0, "%s %s has a negative dimension", what, dims_str(s).c_str());
        bytes *= (double)d;
    }
    NF_CHECK(bytes < 9.0e15, "%s %s is too large (%g bytes)", what, shape_str(s).c_str(), bytes);
    return s;
}

std::vector<TensorMeta> infer_fill(const std::vector<TensorMeta> &, const Attrs & attrs) {
    const DType t = dtype_attr(attrs, "float32");
    check_value("value", attrs.get_float("value"), t);
    return {{t, checked_shape(attrs.get_ints("shape"), t, "shape")}};
}

std::vector<TensorMeta> infer_range(const std::vector<TensorMeta> &, const Attrs & attrs) {
    const DType t = dtype_attr(attrs, "float32");
    NF_CHECK(t != DType::BOOL, "dtype must be float32, float64 or int32, got bool");
    const double start = attrs.get_float("start"), limit = attrs.get_float("limit");
    const double delta = attrs.get_float("delta");
    NF_CHECK(std::isfinite(start) && std::isfinite(limit) && std::isfinite(delta),
             "start, limit and delta must be finite, got %g, %g, %g", start, limit, delta);
    NF_CHECK(delta != 0, "delta must not be 0 (start %g, limit %g)", start, limit);
    NF_CHECK(delta > 0 ? start <= limit : start >= limit,
             "requires start %s limit when delta %s 0, got start %g, limit %g, delta %g",
             delta > 0 ? "<=" : ">=", delta > 0 ? ">" : "<", start, limit, delta);
    if (t == DType::I32) {
        check_value("start", start, t);
        check_value("limit", limit, t);
        check_value("delta", delta, t);
    }
    // Integers: exact ceil division (every operand is an exact double below 2^33).
    const double size = t == DType::I32
        ? std::floor((std::fabs(limit - start) + std::fabs(delta) - 1) / std::fabs(delta))
        : std::ceil(std::fabs((limit - start) / delta));
    NF_CHECK(size < 9.0e15, "range [%g, %g) with delta %g has too many elements", start, limit,
             delta);
    return {{t, checked_shape({(int64_t)size}, t, "range of shape")}};
}

std::vector<TensorMeta> infer_linspace(const std::vector<TensorMeta> &, const Attrs & attrs) {
    const DType t = dtype_attr(attrs, "float32");
    NF_CHECK(is_float(t), "dtype must be float32 or float64, got %s", dtype_name(t));
    const double start = attrs.get_float("start"), stop = attrs.get_float("stop");
    NF_CHECK(std::isfinite(start) && std::isfinite(stop),
             "start and stop must be finite, got %g, %g", start, stop);
    const int64_t num = attrs.get_int("num");
    NF_CHECK(num >= 1, "num must be >= 1, got %lld", (long long)num);
    return {{t, checked_shape({num}, t, "linspace of shape")}};
}

std::vector<TensorMeta> infer_eye(const std::vector<TensorMeta> &, const Attrs & attrs) {
    const DType t = dtype_attr(attrs, "float32");
    const int64_t rows = attrs.get_int("num_rows");
    const int64_t cols = attrs.get_int("num_columns", rows);
    NF_CHECK(rows >= 0 && cols >= 0, "num_rows and num_columns must be >= 0, got %lld and %lld",
             (long long)rows, (long long)cols);
    Shape s = attrs.get_ints("batch_shape", {});
    s.push_back(rows);
    s.push_back(cols);
    return {{t, checked_shape(s, t, "batch_shape + [num_rows, num_columns] =")}};
}

} // namespace

void register_index_ops() {
    register_op({"gather", 2, 2, infer_gather, cpu::gather_forward_cpu});
    register_op({"gather_backward", 3, 3, infer_gather_backward, cpu::gather_backward_cpu});
    register_op({"gather_nd", 2, 2, infer_gather_nd, cpu::gather_nd_forward_cpu});
    register_op({"gather_nd_backward", 3, 3, infer_gather_nd_backward,
                 cpu::gather_nd_backward_cpu});
    register_op({"one_hot", 1, 1, infer_one_hot, cpu::one_hot_forward_cpu});
    register_op({"cast", 1, 1, infer_cast, cpu::cast_forward_cpu});
    register_op({"fill", 0, 0, infer_fill, cpu::fill_forward_cpu});
    register_op({"range", 0, 0, infer_range, cpu::range_forward_cpu});
    register_op({"linspace", 0, 0, infer_linspace, cpu::linspace_forward_cpu});
    register_op({"eye", 0, 0, infer_eye, cpu::eye_forward_cpu});
}

} // namespace nf
