// shape ops: shape/dtype rules and the op table lines (kernels in cpp/cpu/shape_*.cpp). Every
// dtype is accepted (these ops move bytes) except by the summing gradients. Unknown dims (-1)
// propagate: reshape of [?,784] to [-1,28,28,1] gives [?,28,28,1]; concat over a ? gives ?.
#include "cpu/shape.h"

namespace nf {

namespace {

using Metas = std::vector<TensorMeta>;

// Ops that grow tensors (tile, pad, concat, stack) refuse shapes whose size overflows.
Metas checked_size(Metas out) {
    for (const TensorMeta & m : out) {
        int64_t n = 1;
        for (int64_t d : m.shape) {
            NF_CHECK(d <= 0 || n <= (INT64_MAX >> 4) / d, "the result shape %s is too large",
                     shape_str(m.shape).c_str());
            n *= d < 0 ? 1 : d;
        }
    }
    return out;
}

Metas infer_reshape(const Metas & in, const Attrs & attrs) {
    return {{in[0].dtype, cpu::resolve_reshape(in[0].shape, attrs.get_ints("shape"))}};
}

Metas infer_transpose(const Metas & in, const Attrs & attrs) {
    const std::vector<int64_t> perm = cpu::transpose_perm((int64_t)in[0].shape.size(), attrs);
    Shape out;
    for (int64_t p : perm) out.push_back(in[0].shape[p]);
    return {{in[0].dtype, out}};
}

Metas infer_expand_dims(const Metas & in, const Attrs & attrs) {
    Shape out = in[0].shape;
    out.insert(out.begin() + cpu::expand_dims_axis((int64_t)out.size(), attrs), 1);
    return {{in[0].dtype, out}};
}

Metas infer_squeeze(const Metas & in, const Attrs & attrs) {
    const std::vector<bool> drop = cpu::squeeze_mask(in[0].shape, attrs);
    Shape out;
    for (size_t d = 0; d < drop.size(); d++) {
        if (!drop[d]) out.push_back(in[0].shape[d]);
    }
    return {{in[0].dtype, out}};
}

// Dims of a and b must agree except `skip`; an unknown dim takes the other's value.
Shape merge_dims(const Shape & a, const Shape & b, int64_t skip, size_t index) {
    NF_CHECK(a.size() == b.size(), "input %zu has shape %s, rank %zu; input 0 has rank %zu",
             index, shape_str(b).c_str(), b.size(), a.size());
    Shape out = a;
    for (size_t d = 0; d < a.size(); d++) {
        if ((int64_t)d == skip) continue;
        NF_CHECK(a[d] < 0 || b[d] < 0 || a[d] == b[d],
                 "input %zu has shape %s, which does not match %s in dimension %zu", index,
                 shape_str(b).c_str(), shape_str(a).c_str(), d);
        out[d] = a[d] < 0 ? b[d] : a[d];
    }
    return out;
}

Metas infer_concat(const Metas & in, const Attrs & attrs) {
    check_same_dtype(in);
    const int64_t rank = (int64_t)in[0].shape.size();
    NF_CHECK(rank > 0, "cannot concatenate scalars (use stack)");
    const int64_t axis = normalize_axis(attrs.get_int("axis"), rank);
    Shape out = in[0].shape;
    for (size_t i = 1; i < in.size(); i++) {
        out = merge_dims(out, in[i].shape, axis, i);
        const int64_t n = in[i].shape[axis];
        out[axis] = out[axis] < 0 || n < 0 ? -1 : out[axis] + n;
    }
    return checked_size({{in[0].dtype, out}});
}

Metas infer_stack(const Metas & in, const Attrs & attrs) {
    check_same_dtype(in);
    Shape shape = in[0].shape;
    for (size_t i = 1; i < in.size(); i++) shape = merge_dims(shape, in[i].shape, -1, i);
    const int64_t rank = (int64_t)shape.size();
    const int64_t axis = attrs.get_int("axis");
    NF_CHECK(axis >= -rank - 1 && axis <= rank, "axis %lld is out of range [%lld, %lld] for "
             "inputs of rank %lld", (long long)axis, (long long)(-rank - 1), (long long)rank,
             (long long)rank);
    shape.insert(shape.begin() + (axis < 0 ? axis + rank + 1 : axis), (int64_t)in.size());
    return checked_size({{in[0].dtype, shape}});
}

Metas infer_split(const Metas & in, const Attrs & attrs) {
    const int64_t axis = normalize_axis(attrs.get_int("axis"), (int64_t)in[0].shape.size());
    Metas out;
    for (int64_t s : cpu::split_sizes(in[0].shape, axis, attrs)) {
        out.push_back(in[0]);
        out.back().shape[axis] = s;
    }
    return out;
}

Metas infer_unstack(const Metas & in, const Attrs & attrs) {
    const int64_t axis = normalize_axis(attrs.get_int("axis"), (int64_t)in[0].shape.size());
    NF_CHECK(in[0].shape[axis] >= 0, "cannot unstack axis %lld of unknown size (shape %s)",
             (long long)axis, shape_str(in[0].shape).c_str());
    TensorMeta piece = in[0];
    piece.shape.erase(piece.shape.begin() + axis);
    return Metas((size_t)in[0].shape[axis], piece);
}

Metas infer_slice(const Metas & in, const Attrs & attrs) {
    std::vector<int64_t> begin, size;
    cpu::slice_window(in[0].shape, attrs, begin, size);
    return {{in[0].dtype, size}};
}

Metas infer_strided_slice(const Metas & in, const Attrs & attrs) {
    return {{in[0].dtype, cpu::strided_slice_spec(in[0].shape, attrs).out_shape}};
}

Metas infer_tile(const Metas & in, const Attrs & attrs) {
    const std::vector<int64_t> m = attrs.get_ints("multiples");
    Shape out = in[0].shape;
    NF_CHECK(m.size() == out.size(), "multiples must have one entry per dimension of shape %s",
             shape_str(out).c_str());
    for (size_t d = 0; d < m.size(); d++) {
        NF_CHECK(m[d] >= 0, "multiples must be >= 0, got %lld at %zu", (long long)m[d], d);
        NF_CHECK(out[d] <= 0 || m[d] <= (INT64_MAX >> 4) / out[d], "multiples %lld at %zu is too "
                 "large for shape %s", (long long)m[d], d, shape_str(in[0].shape).c_str());
        out[d] = m[d] == 0 ? 0 : out[d] < 0 ? -1 : out[d] * m[d];
    }
    return checked_size({{in[0].dtype, out}});
}

Metas infer_pad(const Metas & in, const Attrs & attrs) {
    const cpu::PadSpec p = cpu::pad_spec(in[0].shape, attrs);
    Shape out = in[0].shape;
    for (size_t d = 0; d < out.size(); d++) {
        out[d] = out[d] < 0 ? -1 : out[d] + p.before[d] + p.after[d];
    }
    return checked_size({{in[0].dtype, out}});
}

Metas infer_reverse(const Metas & in, const Attrs & attrs) {
    const int64_t rank = (int64_t)in[0].shape.size();
    std::vector<bool> seen((size_t)rank, false);
    for (int64_t a : attrs.get_ints("axis")) {
        const int64_t d = normalize_axis(a, rank);
        NF_CHECK(!seen[d], "axis %lld is listed more than once", (long long)a);
        seen[d] = true;
    }
    return {in[0]};
}

// reverse_sequence(x, lengths): attrs seq_axis, batch_axis (distinct); lengths int32 [batch].
Metas infer_reverse_sequence(const Metas & in, const Attrs & attrs) {
    const int64_t rank = (int64_t)in[0].shape.size();
    NF_CHECK(rank >= 2, "input must have rank >= 2, got %s", shape_str(in[0].shape).c_str());
    const int64_t seq = normalize_axis(attrs.get_int("seq_axis"), rank);
    const int64_t batch = normalize_axis(attrs.get_int("batch_axis", 0), rank);
    NF_CHECK(seq != batch, "seq_axis and batch_axis must differ, both are %lld", (long long)seq);
    NF_CHECK(in[1].dtype == DType::I32 && in[1].shape.size() == 1,
             "seq_lengths must be an int32 vector, got %s%s", dtype_name(in[1].dtype), shape_str(in[1].shape).c_str());
    const int64_t b = in[0].shape[batch], n = in[1].shape[0];
    NF_CHECK(b < 0 || n < 0 || b == n, "seq_lengths has %lld entries for a batch of %lld (input %s)",
             (long long)n, (long long)b, shape_str(in[0].shape).c_str());
    return {in[0]};
}

// ---- backward ops: (dy, x) -> x's shape with dy's dtype; dy must have the forward's shape.

using InferMetas = Metas (*)(const Metas &, const Attrs &);

Metas backward_of(const Metas & in, const Attrs & attrs, InferMetas forward) {
    check_dy_shape(in[0].shape, forward({{in[0].dtype, in[1].shape}}, attrs)[0].shape);
    return {{in[0].dtype, in[1].shape}};
}

Metas infer_reshape_backward(const Metas & in, const Attrs &) {
    const int64_t a = shape_numel(in[0].shape), b = shape_numel(in[1].shape);
    NF_CHECK(a < 0 || b < 0 || a == b, "cannot reshape gradient %s back to %s",
             shape_str(in[0].shape).c_str(), shape_str(in[1].shape).c_str());
    return {{in[0].dtype, in[1].shape}};
}

Metas infer_concat_backward(const Metas & in, const Attrs & attrs) {
    const Metas xs(in.begin() + 1, in.end());
    check_dy_shape(in[0].shape, infer_concat(xs, attrs)[0].shape);
    Metas out;
    for (const TensorMeta & x : xs) out.push_back({in[0].dtype, x.shape});
    return out;
}

Metas infer_slice_backward(const Metas & in, const Attrs & a) {
    return backward_of(in, a, infer_slice);
}
Metas infer_strided_slice_backward(const Metas & in, const Attrs & a) {
    return backward_of(in, a, infer_strided_slice);
}
Metas infer_tile_backward(const Metas & in, const Attrs & a) {
    check_float(in[0], "dy");
    return backward_of(in, a, infer_tile);
}
Metas infer_pad_backward(const Metas & in, const Attrs & a) {
    check_float(in[0], "dy");
    return backward_of(in, a, infer_pad);
}

} // namespace

void register_shape_ops() {
    const uint32_t VIEW = OP_STRIDED | OP_KERNEL_ALLOCATES;   // returns views: zero-copy
    const uint32_t ANY = OP_STRIDED;   // reads any strides (x may only lend its shape)
    register_op({"reshape", 1, 1, infer_reshape, cpu::reshape_forward_cpu, VIEW});
    register_op({"reshape_backward", 2, 2, infer_reshape_backward, cpu::reshape_backward_cpu,
                 VIEW});
    register_op({"transpose", 1, 1, infer_transpose, cpu::transpose_forward_cpu, VIEW});
    register_op({"expand_dims", 1, 1, infer_expand_dims, cpu::expand_dims_forward_cpu, VIEW});
    register_op({"squeeze", 1, 1, infer_squeeze, cpu::squeeze_forward_cpu, VIEW});
    register_op({"slice", 1, 1, infer_slice, cpu::slice_forward_cpu, VIEW});
    register_op({"slice_backward", 2, 2, infer_slice_backward, cpu::slice_backward_cpu, ANY});
    register_op({"split", 1, 1, infer_split, cpu::split_forward_cpu, VIEW});
    register_op({"unstack", 1, 1, infer_unstack, cpu::unstack_forward_cpu, VIEW});
    register_op({"concat", 1, -1, infer_concat, cpu::concat_forward_cpu});
    register_op({"concat_backward", 2, -1, infer_concat_backward, cpu::concat_backward_cpu, VIEW});
    register_op({"stack", 1, -1, infer_stack, cpu::stack_forward_cpu});
    register_op({"strided_slice", 1, 1, infer_strided_slice, cpu::strided_slice_forward_cpu, VIEW});
    register_op({"strided_slice_backward", 2, 2, infer_strided_slice_backward,
                 cpu::strided_slice_backward_cpu, ANY});
    register_op({"tile", 1, 1, infer_tile, cpu::tile_forward_cpu, ANY});
    register_op({"tile_backward", 2, 2, infer_tile_backward, cpu::tile_backward_cpu, ANY});
    register_op({"pad", 1, 1, infer_pad, cpu::pad_forward_cpu, ANY});
    register_op({"pad_backward", 2, 2, infer_pad_backward, cpu::pad_backward_cpu, VIEW});
    register_op({"reverse", 1, 1, infer_reverse, cpu::reverse_forward_cpu, ANY});
    register_op({"reverse_sequence", 2, 2, infer_reverse_sequence, cpu::reverse_sequence_forward_cpu});
}

} // namespace nf
