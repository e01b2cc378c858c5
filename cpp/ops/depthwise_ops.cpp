// depthwise_conv2d and its backward kernels: shape rules (TF's SAME / VALID arithmetic, NHWC
// input, filter [KH, KW, C, M] giving C·M output channels). Attrs: strides [sh, sw], dilations
// [dh, dw] (default 1), padding SAME|VALID. The backward ops return the shape of a trailing "like"
// input (the forward tensor, so unknown graph dims resolve at run time) or of an attribute.
#include "cpu/depthwise.h"

namespace nf {

namespace {

using Metas = std::vector<TensorMeta>;

bool agree(int64_t a, int64_t b) { return a < 0 || b < 0 || a == b; }

std::vector<int64_t> pair_attr(const Attrs & a, const char * name) {
    std::vector<int64_t> v = a.get_ints(name, {1, 1});
    NF_CHECK(v.size() == 2 && v[0] > 0 && v[1] > 0, "%s must be two positive integers, got %s",
             name, shape_str(v).c_str());
    return v;
}

bool same_padding(const Attrs & a) {
    const std::string p = a.get_string("padding");
    NF_CHECK(p == "SAME" || p == "VALID", "padding must be 'SAME' or 'VALID', got '%s'", p.c_str());
    return p == "SAME";
}

// Output size along one axis; unknown (-1) stays unknown. Throws when a VALID window is too big.
int64_t out_dim(int64_t in, int64_t k, int64_t s, int64_t d, bool same) {
    if (in < 0) return -1;
    int64_t out, pad;
    cpu::conv_out_size(in, k, s, d, same, out, pad);
    return out;
}

void check_rank4(const TensorMeta & t, const char * arg, const char * layout) {
    NF_CHECK(t.shape.size() == 4, "'%s' must be %s (rank 4), got %s", arg, layout,
             shape_str(t.shape).c_str());
}

// y's shape for x [N,H,W,C] and filter [KH,KW,C,M]; validates the channels and the attrs.
Shape depthwise_out(const Shape & x, const Shape & f, const Attrs & a) {
    NF_CHECK(agree(x[3], f[2]),
             "input has %lld channels but the filter expects %lld (input %s, filter %s)",
             (long long)x[3], (long long)f[2], shape_str(x).c_str(), shape_str(f).c_str());
    NF_CHECK(f[0] > 0 && f[1] > 0, "filter size must be known and positive, got %s",
             shape_str(f).c_str());
    const auto s = pair_attr(a, "strides"), d = pair_attr(a, "dilations");
    const bool same = same_padding(a);
    const int64_t c = x[3] >= 0 ? x[3] : f[2];
    return {x[0], out_dim(x[1], f[0], s[0], d[0], same), out_dim(x[2], f[1], s[1], d[1], same),
            c >= 0 && f[3] >= 0 ? c * f[3] : -1};
}

// A static shape attribute of 4 dims >= 0. With `batch` (input_shape), a -1 batch takes dy's
// batch (itself -1 while unknown at graph-build time).
Shape attr_shape(const Attrs & a, const char * name, const int64_t * batch) {
    Shape s = a.get_ints(name);
    NF_CHECK(s.size() == 4, "%s must have 4 dims, got %s", name, shape_str(s).c_str());
    const bool batch_from_dy = batch && s[0] == -1;
    for (size_t i = batch_from_dy ? 1 : 0; i < 4; i++) {
        NF_CHECK(s[i] >= 0, "%s has a negative dim: %s", name, shape_str(s).c_str());
    }
    if (batch_from_dy) s[0] = *batch;
    return s;
}

void check_dy(const Shape & dy, const Shape & expect, const Shape & x) {
    bool ok = true;
    for (size_t i = 0; i < 4; i++) ok = ok && agree(dy[i], expect[i]);
    NF_CHECK(ok, "dy %s does not match the depthwise output %s of input %s",
             shape_str(dy).c_str(), shape_str(expect).c_str(), shape_str(x).c_str());
}

// (input, filter) -> y
Metas infer_depthwise(const Metas & in, const Attrs & a) {
    check_float(in[0], "input");
    check_same_dtype(in);
    check_rank4(in[0], "input", "NHWC");
    check_rank4(in[1], "filter", "[height, width, in_channels, multiplier]");
    return {{in[0].dtype, depthwise_out(in[0].shape, in[1].shape, a)}};
}

// (dy, filter[, like input]) -> dx; without `like`, attr input_shape (-1 batch: dy's).
Metas infer_bwd_input(const Metas & in, const Attrs & a) {
    check_float(in[0], "dy");
    check_same_dtype({in[0], in[1]});
    check_rank4(in[0], "dy", "NHWC");
    check_rank4(in[1], "filter", "[height, width, in_channels, multiplier]");
    const Shape dx =
        in.size() == 3 ? in[2].shape : attr_shape(a, "input_shape", &in[0].shape[0]);
    NF_CHECK(dx.size() == 4, "the input shape must be NHWC (rank 4), got %s",
             shape_str(dx).c_str());
    check_dy(in[0].shape, depthwise_out(dx, in[1].shape, a), dx);
    return {{in[0].dtype, dx}};
}

// (input, dy[, like filter]) -> dfilter; without `like`, attr filter_shape.
Metas infer_bwd_filter(const Metas & in, const Attrs & a) {
    check_float(in[0], "input");
    check_same_dtype({in[0], in[1]});
    check_rank4(in[0], "input", "NHWC");
    check_rank4(in[1], "dy", "NHWC");
    const Shape f = in.size() == 3 ? in[2].shape : attr_shape(a, "filter_shape", nullptr);
    NF_CHECK(f.size() == 4, "the filter shape must have rank 4, got %s", shape_str(f).c_str());
    check_dy(in[1].shape, depthwise_out(in[0].shape, f, a), in[0].shape);
    return {{in[0].dtype, f}};
}

} // namespace

void register_depthwise_ops() {
    register_op({"depthwise_conv2d", 2, 2, infer_depthwise, cpu::depthwise_conv2d_forward_cpu});
    register_op({"depthwise_conv2d_backward_input", 2, 3, infer_bwd_input,
                 cpu::depthwise_conv2d_backward_input_cpu});
    register_op({"depthwise_conv2d_backward_filter", 2, 3, infer_bwd_filter,
                 cpu::depthwise_conv2d_backward_filter_cpu});
}

} // namespace nf
