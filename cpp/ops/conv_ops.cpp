// conv and pooling ops: shape rules (TF SAME / VALID arithmetic, NHWC, filters HWIO) and the op
// table lines. Attrs: strides [sh, sw], dilations [dh, dw], ksize [kh, kw], padding SAME|VALID.
#include "cpu/conv.h"

namespace nf {

namespace {

std::vector<int64_t> pair_attr(const Attrs & a, const char * name, int64_t def) {
    std::vector<int64_t> v = a.has(name) ? a.get_ints(name) : std::vector<int64_t>{def, def};
    NF_CHECK(v.size() == 2 && v[0] > 0 && v[1] > 0, "%s must be two positive integers, got %s", name,
             shape_str(v).c_str());
    return v;
}

bool same_padding(const Attrs & a) {
    const std::string p = a.get_string("padding");
    NF_CHECK(p == "SAME" || p == "VALID", "padding must be 'SAME' or 'VALID', got '%s'", p.c_str());
    return p == "SAME";
}

void check_nhwc(const TensorMeta & t, const char * arg) {
    check_float(t, arg);
    NF_CHECK(t.shape.size() == 4, "'%s' must be NHWC (rank 4), got %s", arg, shape_str(t.shape).c_str());
}

// Output size along one axis; unknown (-1) stays unknown.
int64_t out_dim(int64_t in, int64_t k, int64_t s, int64_t d, bool same) {
    if (in < 0) return -1;
    int64_t out, pad;
    cpu::conv_out_size(in, k, s, d, same, out, pad);
    return out;
}

std::vector<TensorMeta> infer_conv2d(const std::vector<TensorMeta> & in, const Attrs & a) {
    check_nhwc(in[0], "input");
    check_float(in[1], "filter");
    check_same_dtype(in);
    const Shape & x = in[0].shape;
    const Shape & f = in[1].shape;
    NF_CHECK(f.size() == 4, "filter must be [height, width, in_channels, out_channels], got %s", shape_str(f).c_str());
    NF_CHECK(x[3] < 0 || f[2] < 0 || x[3] == f[2], "input has %lld channels but the filter expects %lld (input %s, filter %s)",
             (long long)x[3], (long long)f[2], shape_str(x).c_str(), shape_str(f).c_str());
    NF_CHECK(f[0] > 0 && f[1] > 0, "filter size must be known and positive, got %s", shape_str(f).c_str());
    const auto s = pair_attr(a, "strides", 1), d = pair_attr(a, "dilations", 1);
    const bool same = same_padding(a);
    return {{in[0].dtype, {x[0], out_dim(x[1], f[0], s[0], d[0], same), out_dim(x[2], f[1], s[1], d[1], same), f[3]}}};
}

// fused_conv2d(x, filter, bias): conv2d's shape; bias is [out_channels] of the same dtype.
std::vector<TensorMeta> infer_fused_conv2d(const std::vector<TensorMeta> & in, const Attrs & a) {
    std::vector<TensorMeta> out = infer_conv2d({in[0], in[1]}, a);
    const int64_t o = in[1].shape[3];
    NF_CHECK(in[2].dtype == in[0].dtype, "bias is %s but the input is %s", dtype_name(in[2].dtype),
             dtype_name(in[0].dtype));
    NF_CHECK(in[2].shape.size() == 1 && (o < 0 || in[2].shape[0] < 0 || in[2].shape[0] == o),
             "bias must be a vector of the filter's %lld output channels, got %s (filter %s)", (long long)o,
             shape_str(in[2].shape).c_str(), shape_str(in[1].shape).c_str());
    cpu::fused_activation(a);   // validates the name
    return out;
}

// conv2d_backward_input(dy, filter[, like]): dx with like's shape or attr input_shape.
std::vector<TensorMeta> infer_conv_bwd_input(const std::vector<TensorMeta> & in, const Attrs & a) {
    check_nhwc(in[0], "dy");
    check_float(in[1], "filter");
    NF_CHECK(in[0].dtype == in[1].dtype, "dy and filter dtypes differ");
    Shape dx;
    if (in.size() == 3) {
        dx = in[2].shape;
    } else {
        dx = a.get_ints("input_shape");
        NF_CHECK(dx.size() == 4, "input_shape must have 4 dims, got %s", shape_str(dx).c_str());
        if (dx[0] == -1) dx[0] = in[0].shape[0];
    }
    NF_CHECK(dx.size() == 4, "the input shape must be NHWC, got %s", shape_str(dx).c_str());
    const Shape & f = in[1].shape;
    NF_CHECK(f.size() == 4 && (dx[3] < 0 || dx[3] == f[2]) && (in[0].shape[3] < 0 || in[0].shape[3] == f[3]),
             "filter %s does not connect dy %s to an input of %s", shape_str(f).c_str(),
             shape_str(in[0].shape).c_str(), shape_str(dx).c_str());
    infer_conv2d({{in[0].dtype, dx}, in[1]}, a);   // validates attrs and that the window fits
    return {{in[0].dtype, dx}};
}

// conv2d_backward_filter(x, dy, like): df with like's (the filter's) shape.
std::vector<TensorMeta> infer_conv_bwd_filter(const std::vector<TensorMeta> & in, const Attrs & a) {
    check_nhwc(in[0], "input");
    check_nhwc(in[1], "dy");
    // The kernel reads dy as the input's dtype.
    NF_CHECK(in[1].dtype == in[0].dtype, "dy is %s but the input is %s", dtype_name(in[1].dtype),
             dtype_name(in[0].dtype));
    infer_conv2d({in[0], {in[0].dtype, in[2].shape}}, a);
    return {{in[0].dtype, in[2].shape}};
}

std::vector<TensorMeta> infer_pool(const std::vector<TensorMeta> & in, const Attrs & a) {
    check_nhwc(in[0], "value");
    const auto k = pair_attr(a, "ksize", 1), s = pair_attr(a, "strides", 1);
    const bool same = same_padding(a);
    const Shape & x = in[0].shape;
    return {{in[0].dtype, {x[0], out_dim(x[1], k[0], s[0], 1, same), out_dim(x[2], k[1], s[1], 1, same), x[3]}}};
}

// pool backward (dy, x_or_like): dx with the input's shape. The kernels read dy as the input's
// dtype and one dy pixel per window, so both must match.
std::vector<TensorMeta> infer_pool_bwd(const std::vector<TensorMeta> & in, const Attrs & a) {
    check_nhwc(in[0], "dy");
    NF_CHECK(in[0].dtype == in[1].dtype, "dy is %s but the input is %s", dtype_name(in[0].dtype),
             dtype_name(in[1].dtype));
    check_dy_shape(in[0].shape, infer_pool({in[1]}, a)[0].shape);
    return {{in[0].dtype, in[1].shape}};
}

// max_pool_grad_grad (x, g): the pooled shape; g is a gradient for x (same dtype and shape).
std::vector<TensorMeta> infer_pool_grad_grad(const std::vector<TensorMeta> & in, const Attrs & a) {
    NF_CHECK(in[1].dtype == in[0].dtype, "g is %s but the input is %s", dtype_name(in[1].dtype),
             dtype_name(in[0].dtype));
    check_dy_shape(in[1].shape, in[0].shape);
    return infer_pool({in[0]}, a);
}

} // namespace

void register_conv_ops() {
    register_op({"conv2d", 2, 2, infer_conv2d, cpu::conv2d_forward_cpu});
    register_op({"fused_conv2d", 3, 3, infer_fused_conv2d, cpu::fused_conv2d_forward_cpu});
    register_op({"conv2d_backward_input", 2, 3, infer_conv_bwd_input, cpu::conv2d_backward_input_cpu});
    register_op({"conv2d_backward_filter", 3, 3, infer_conv_bwd_filter, cpu::conv2d_backward_filter_cpu});
    register_op({"max_pool", 1, 1, infer_pool, cpu::max_pool_forward_cpu});
    register_op({"max_pool_backward", 2, 2, infer_pool_bwd, cpu::max_pool_backward_cpu});
    register_op({"max_pool_grad_grad", 2, 2, infer_pool_grad_grad, cpu::max_pool_grad_grad_cpu});
    register_op({"avg_pool", 1, 1, infer_pool, cpu::avg_pool_forward_cpu});
    register_op({"avg_pool_backward", 2, 2, infer_pool_bwd, cpu::avg_pool_backward_cpu});
}

} // namespace nf
