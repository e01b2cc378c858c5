// Image resizing ops on NHWC images: resize_nearest_neighbor (float32, float64, int32) and
// resize_bilinear (float32, float64), with their backward kernels. Attrs: size [OH, OW],
// alignCorners, halfPixelCenters (not both, as TF). Unknown dims (-1) propagate.
#include "cpu/resize.h"

namespace nf {

namespace {

using Metas = std::vector<TensorMeta>;

bool agree(int64_t a, int64_t b) { return a < 0 || b < 0 || a == b; }

// [N, OH, OW, C] for images [N, H, W, C]; validates rank, size and flags.
Shape resize_out(const TensorMeta & x, const Attrs & a) {
    NF_CHECK(x.shape.size() == 4, "'images' must be NHWC (rank 4), got %s",
             shape_str(x.shape).c_str());
    const std::vector<int64_t> size = a.get_ints("size");
    NF_CHECK(size.size() == 2 && size[0] > 0 && size[1] > 0,
             "size must be two positive integers [height, width], got %s",
             shape_str(size).c_str());
    NF_CHECK(!(a.get_bool("alignCorners") && a.get_bool("halfPixelCenters")),
             "alignCorners must be false when halfPixelCenters is true");
    NF_CHECK(x.shape[1] != 0 && x.shape[2] != 0, "cannot resize an empty image %s",
             shape_str(x.shape).c_str());
    return {x.shape[0], size[0], size[1], x.shape[3]};
}

Metas infer_nearest(const Metas & in, const Attrs & a) {
    NF_CHECK(in[0].dtype != DType::BOOL, "expected float32, float64 or int32 'images', got bool");
    return {{in[0].dtype, resize_out(in[0], a)}};
}

Metas infer_bilinear(const Metas & in, const Attrs & a) {
    check_float(in[0], "images");
    return {{in[0].dtype, resize_out(in[0], a)}};
}

// (dy [N,OH,OW,C], images) -> dimages
Metas infer_backward(const Metas & in, const Attrs & a) {
    check_float(in[0], "dy");
    check_same_dtype(in);
    const Shape expect = resize_out(in[1], a);
    bool ok = in[0].shape.size() == 4;
    for (size_t i = 0; ok && i < 4; i++) ok = agree(in[0].shape[i], expect[i]);
    NF_CHECK(ok, "dy %s does not match the resized shape %s of images %s",
             shape_str(in[0].shape).c_str(), shape_str(expect).c_str(),
             shape_str(in[1].shape).c_str());
    return {in[1]};
}

} // namespace

void register_image_ops() {
    register_op({"resize_nearest_neighbor", 1, 1, infer_nearest,
                 cpu::resize_nearest_neighbor_forward_cpu});
    register_op({"resize_nearest_neighbor_backward", 2, 2, infer_backward,
                 cpu::resize_nearest_neighbor_backward_cpu});
    register_op({"resize_bilinear", 1, 1, infer_bilinear, cpu::resize_bilinear_forward_cpu});
    register_op({"resize_bilinear_backward", 2, 2, infer_backward,
                 cpu::resize_bilinear_backward_cpu});
}

} // namespace nf
