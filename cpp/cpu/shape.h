// Shape-family CPU kernels (cpp/cpu/shape_*.cpp) and the helpers that shape inference shares
// with them: reshape resolution, the strided_slice and pad specs, and a gather through
// per-dimension offset tables from which pad, tile, reverse and the slice gradients are built.
// These ops only move bytes: views where the result is a strided window, copies otherwise.
#pragma once
#include "ops/op_table.h"
#include <climits>

namespace nf::cpu {

// ---- helpers (shape_view.cpp, shape_copy.cpp, shape_strided.cpp)

// Table entry meaning "no source element here: write the fill value".
constexpr int64_t kFill = INT64_MIN;

// out[o] = src[sum_d tabs[d][o_d]] (element offsets from src's first element), or `fill` when
// any tabs[d][o_d] is kFill. out is contiguous; tabs[d] has out.shape()[d] entries.
void gather_tables(const Tensor & src, const std::vector<std::vector<int64_t>> & tabs,
                   Tensor & out, double fill);

// A view sharing x's storage; a size-0 view keeps x's offset so it never points past the end.
Tensor view_of(const Tensor & x, const Shape & shape, const std::vector<int64_t> & strides,
               int64_t offset);

// The reshape target with its single -1 resolved against `in` (-1 stays when `in` has unknown
// dims). Throws naming both shapes when the sizes cannot match.
Shape resolve_reshape(const Shape & in, const std::vector<int64_t> & spec);

// strided_slice in dense form (one entry per input dim), TF's sparse-to-dense rules.
struct StridedSpec {
    std::vector<int64_t> begin, stride;
    Shape proc_shape;   // elements taken per input dim (-1 when unknown)
    Shape out_shape;    // shrunk dims removed, new axes inserted as 1
    std::vector<int64_t> out_dims;   // per output dim: its input dim, or -1 for a new axis
};
StridedSpec strided_slice_spec(const Shape & in, const Attrs & attrs);

// Validated attribute readers, shared by shape inference and kernels (they throw on bad attrs).
std::vector<int64_t> transpose_perm(int64_t rank, const Attrs & attrs);   // default: reversed
int64_t expand_dims_axis(int64_t rank, const Attrs & attrs);               // in [0, rank]
std::vector<bool> squeeze_mask(const Shape & in, const Attrs & attrs);     // true: dim dropped
// slice: begin and size per dim, size -1 resolved to "to the end" (stays -1 if dim unknown).
void slice_window(const Shape & in, const Attrs & attrs, std::vector<int64_t> & begin,
                  std::vector<int64_t> & size);
// split: output sizes along the axis (a -1 stays when the dim is unknown).
std::vector<int64_t> split_sizes(const Shape & in, int64_t axis, const Attrs & attrs);

enum class PadMode { CONSTANT, REFLECT, SYMMETRIC };
struct PadSpec {
    std::vector<int64_t> before, after;
    PadMode mode;
};
PadSpec pad_spec(const Shape & in, const Attrs & attrs);
// Source index along one dim of size n for padded index o (-1: constant padding).
int64_t pad_source(int64_t o, int64_t before, int64_t n, PadMode mode);

// ---- kernels
void reshape_forward_cpu(OpCall & call);
void reshape_backward_cpu(OpCall & call);
void transpose_forward_cpu(OpCall & call);
void expand_dims_forward_cpu(OpCall & call);
void squeeze_forward_cpu(OpCall & call);
void slice_forward_cpu(OpCall & call);
void slice_backward_cpu(OpCall & call);
void split_forward_cpu(OpCall & call);
void unstack_forward_cpu(OpCall & call);
void concat_forward_cpu(OpCall & call);
void concat_backward_cpu(OpCall & call);
void stack_forward_cpu(OpCall & call);
void tile_forward_cpu(OpCall & call);
void tile_backward_cpu(OpCall & call);
void pad_forward_cpu(OpCall & call);
void pad_backward_cpu(OpCall & call);
void reverse_forward_cpu(OpCall & call);
void reverse_sequence_forward_cpu(OpCall & call);   // (x, lengths int32 [batch])
void strided_slice_forward_cpu(OpCall & call);
void strided_slice_backward_cpu(OpCall & call);

} // namespace nf::cpu
