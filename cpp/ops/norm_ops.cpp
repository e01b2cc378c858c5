// Normalisation ops over NHWC x: fused_batch_norm (TF's FusedBatchNorm: statistics over N, H, W
// per channel) and lrn (across channels), with their backward kernels. Channel vectors (scale,
// offset, mean, variance) are [C] with x's dtype. Unknown dims (-1) propagate.
#include "cpu/norm.h"
#include <cmath>

namespace nf {

namespace {

using Metas = std::vector<TensorMeta>;

bool agree(int64_t a, int64_t b) { return a < 0 || b < 0 || a == b; }

void check_x(const TensorMeta & x, const char * arg) {
    check_float(x, arg);
    NF_CHECK(x.shape.size() == 4, "'%s' must be NHWC (rank 4), got %s", arg,
             shape_str(x.shape).c_str());
}

void check_like_x(const TensorMeta & t, const char * arg, const TensorMeta & x) {
    NF_CHECK(t.dtype == x.dtype, "'%s' must be %s like x, got %s", arg, dtype_name(x.dtype),
             dtype_name(t.dtype));
    bool ok = t.shape.size() == 4;
    for (size_t i = 0; ok && i < 4; i++) ok = agree(t.shape[i], x.shape[i]);
    NF_CHECK(ok, "'%s' %s must have x's shape %s", arg, shape_str(t.shape).c_str(),
             shape_str(x.shape).c_str());
}

void check_channel_vector(const TensorMeta & t, const char * arg, const TensorMeta & x) {
    NF_CHECK(t.dtype == x.dtype, "'%s' must be %s like x, got %s", arg, dtype_name(x.dtype),
             dtype_name(t.dtype));
    NF_CHECK(t.shape.size() == 1 && agree(t.shape[0], x.shape[3]),
             "'%s' must have shape [%lld] (the channels of x %s), got %s", arg,
             (long long)x.shape[3], shape_str(x.shape).c_str(), shape_str(t.shape).c_str());
}

void check_fbn_attrs(const Attrs & a) {
    const double eps = a.get_float("epsilon");
    NF_CHECK(std::isfinite(eps) && eps >= 0, "epsilon must be a finite number >= 0, got %g", eps);
    a.get_bool("isTraining", true);   // validates the type
    const std::string f = a.get_string("dataFormat", "NHWC");
    NF_CHECK(f == "NHWC", "only dataFormat 'NHWC' is supported on the CPU, got '%s'", f.c_str());
}

// x, then one [C] vector per channel statistic; TF's layout of FusedBatchNorm's five outputs.
Metas fbn_outputs(const TensorMeta & x) {
    const TensorMeta v{x.dtype, {x.shape[3]}};
    return {x, v, v, v, v};
}

// (x, scale, offset[, mean, variance]) -> (y, batch_mean, batch_variance, saved_mean,
// saved_variance). Inference (isTraining false) needs mean and variance; training ignores them.
Metas infer_fbn(const Metas & in, const Attrs & a) {
    check_x(in[0], "x");
    const char * names[] = {"x", "scale", "offset", "mean", "variance"};
    for (size_t i = 1; i < in.size(); i++) check_channel_vector(in[i], names[i], in[0]);
    NF_CHECK(in.size() != 4, "give both mean and variance, or neither");
    check_fbn_attrs(a);
    NF_CHECK(a.get_bool("isTraining", true) || in.size() == 5,
             "inference (isTraining false) needs mean and variance");
    return fbn_outputs(in[0]);
}

// (dy, d batch_mean, d batch_variance, x, scale, saved_mean, saved_variance)
//   -> (dx, dscale, doffset, dmean, dvariance)
Metas infer_fbn_backward(const Metas & in, const Attrs & a) {
    check_x(in[3], "x");
    check_like_x(in[0], "dy", in[3]);
    const char * names[] = {"dy", "d_batch_mean", "d_batch_variance", "x", "scale",
                            "saved_mean", "saved_variance"};
    for (size_t i = 1; i < in.size(); i++) {
        if (i != 3) check_channel_vector(in[i], names[i], in[3]);
    }
    check_fbn_attrs(a);
    return fbn_outputs(in[3]);
}

void check_lrn_attrs(const Attrs & a) {
    const int64_t r = a.get_int("depthRadius");
    NF_CHECK(r >= 0, "depthRadius must be >= 0, got %lld", (long long)r);
    for (const char * k : {"bias", "alpha", "beta"}) {
        const double v = a.get_float(k);
        NF_CHECK(std::isfinite(v), "%s must be a finite number, got %g", k, v);
    }
}

// input [N,H,W,C] -> y
Metas infer_lrn(const Metas & in, const Attrs & a) {
    check_x(in[0], "input");
    check_lrn_attrs(a);
    return {in[0]};
}

// (dy, x) -> dx
Metas infer_lrn_backward(const Metas & in, const Attrs & a) {
    check_x(in[1], "x");
    check_like_x(in[0], "dy", in[1]);
    check_lrn_attrs(a);
    return {in[1]};
}

} // namespace

void register_norm_ops() {
    register_op({"fused_batch_norm", 3, 5, infer_fbn, cpu::fused_batch_norm_forward_cpu});
    register_op({"fused_batch_norm_backward", 7, 7, infer_fbn_backward,
                 cpu::fused_batch_norm_backward_cpu});
    register_op({"lrn", 1, 1, infer_lrn, cpu::lrn_forward_cpu});
    register_op({"lrn_backward", 2, 2, infer_lrn_backward, cpu::lrn_backward_cpu});
}

} // namespace nf
