// Core ops that every layer needs: identity and stop_gradient (same forward; stop_gradient has
// no gradient, declared in lib/ops/core.ts; outputs alias the input: tensors are immutable), and
// shape / size / rank: the run-time shape of any tensor as int32 (TF's tf.shape, tf.size, tf.rank).
#include "ops/op_table.h"
#include <cstdint>

namespace nf {

static void identity_forward_cpu(OpCall & call) { call.outputs = {call.input(0)}; }

// shape: int32 [rank]; size and rank: int32 scalars. Known even when static dims are unknown.
static std::vector<TensorMeta> infer_shape(const std::vector<TensorMeta> & in, const Attrs &) {
    return {{DType::I32, {(int64_t)in[0].shape.size()}}};
}
static std::vector<TensorMeta> infer_scalar_i32(const std::vector<TensorMeta> &, const Attrs &) {
    return {{DType::I32, {}}};
}

static void shape_forward_cpu(OpCall & call) {
    int32_t * out = call.output(0).data<int32_t>();
    for (int64_t i = 0; i < call.input(0).ndim(); i++) {
        NF_CHECK(call.input(0).shape()[i] <= INT32_MAX, "dimension %lld exceeds int32", (long long)i);
        out[i] = (int32_t)call.input(0).shape()[i];
    }
}

static void size_forward_cpu(OpCall & call) {
    NF_CHECK(call.input(0).numel() <= INT32_MAX, "size %lld exceeds int32", (long long)call.input(0).numel());
    call.output(0).data<int32_t>()[0] = (int32_t)call.input(0).numel();
}

static void rank_forward_cpu(OpCall & call) { call.output(0).data<int32_t>()[0] = (int32_t)call.input(0).ndim(); }

void register_core_ops() {
    register_op({"identity", 1, 1, infer_same_as_input0, identity_forward_cpu,
                 OP_STRIDED | OP_KERNEL_ALLOCATES});
    register_op({"stop_gradient", 1, 1, infer_same_as_input0, identity_forward_cpu,
                 OP_STRIDED | OP_KERNEL_ALLOCATES});
    register_op({"shape", 1, 1, infer_shape, shape_forward_cpu, OP_STRIDED | OP_SHAPE_ONLY});
    register_op({"size", 1, 1, infer_scalar_i32, size_forward_cpu, OP_STRIDED | OP_SHAPE_ONLY});
    register_op({"rank", 1, 1, infer_scalar_i32, rank_forward_cpu, OP_STRIDED | OP_SHAPE_ONLY});
}

} // namespace nf
