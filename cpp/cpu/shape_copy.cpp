// Copying shape ops. concat / stack: row-wise memcpy of contiguous inputs into the output.
// pad, tile, reverse, slice_backward: one gather through per-dim offset tables (any input
// strides): out[o] = x[sum_d tab_d[o_d]] or a fill value. tile/pad backward sum into x's shape.
#include "core/device.h"
#include "cpu/shape.h"
#include "core/parallel.h"
#include <algorithm>
#include <cstring>

namespace nf::cpu {

namespace {

constexpr int64_t kGrain = 1 << 15;   // elements; smaller tensors stay on one thread

// A stretch of the last dim's table: `len` outputs from src offset `src` + i * step, or fill.
struct Run {
    int64_t start, len, src, step;
};

std::vector<Run> runs_of(const std::vector<int64_t> & tab) {
    std::vector<Run> runs;
    const int64_t n = (int64_t)tab.size();
    for (int64_t i = 0, j; i < n; i = j) {
        const bool fill = tab[i] == kFill;
        const int64_t step = !fill && i + 1 < n && tab[i + 1] != kFill ? tab[i + 1] - tab[i] : 1;
        auto extends = [&](int64_t k) {
            return fill ? tab[k] == kFill : tab[k] != kFill && tab[k] - tab[k - 1] == step;
        };
        for (j = i + 1; j < n && extends(j); j++) {
        }
        runs.push_back({i, j - i, tab[i], step});
    }
    return runs;
}

// Rows of the last dim are copied run by run, so unit-stride runs (the bulk of pad, tile and
// slice gradients) are plain vectorised copies.
template <typename T>
void gather_t(const T * src, const std::vector<std::vector<int64_t>> & tabs, const Shape & os,
              T * out, T fill) {
    const int64_t rank = (int64_t)os.size();
    if (rank == 0) {
        out[0] = src[0];
        return;
    }
    const int64_t inner = os[rank - 1], n = shape_numel(os);
    if (n == 0) {
        return;
    }
    const std::vector<Run> runs = runs_of(tabs[rank - 1]);
    parallel_for(0, n / inner, std::max<int64_t>(1, kGrain / inner), [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; r++) {
            int64_t base = 0, rem = r;
            for (int64_t d = rank - 2; d >= 0 && base != kFill; d--) {
                const int64_t t = tabs[d][rem % os[d]];
                rem /= os[d];
                base = t == kFill ? kFill : base + t;
            }
            T * row = out + r * inner;
            for (const Run & run : runs) {
                T * o = row + run.start;
                if (base == kFill || run.src == kFill) {
                    std::fill(o, o + run.len, fill);
                    continue;
                }
                const T * s = src + base + run.src;
                if (run.step == 1) {
                    for (int64_t i = 0; i < run.len; i++) o[i] = s[i];
                } else {
                    for (int64_t i = 0; i < run.len; i++) o[i] = s[i * run.step];
                }
            }
        }
    });
}

// Copies each input's rows (`row_elems[k]` elements per outer index) side by side into out.
// Parallel over output elements, so concatenating along axis 0 (one row) also uses all cores.
void concat_rows(const std::vector<Tensor> & ins, const std::vector<int64_t> & row_elems,
                 int64_t outer, Tensor & out) {
    const size_t es = dtype_size(out.dtype());
    std::vector<int64_t> ends;   // prefix sums of row_elems: input k covers [ends[k-1], ends[k])
    for (int64_t r : row_elems) ends.push_back((ends.empty() ? 0 : ends.back()) + r);
    const int64_t out_row = ends.back();
    if (out_row == 0 || outer == 0) {
        return;
    }
    char * dst = static_cast<char *>(out.raw());
    parallel_for(0, outer * out_row, kGrain, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e;) {
            const int64_t o = i / out_row, col = i % out_row;
            const size_t k = std::upper_bound(ends.begin(), ends.end(), col) - ends.begin();
            const int64_t at = col - (ends[k] - row_elems[k]);
            const int64_t len = std::min(row_elems[k] - at, e - i);
            const char * src = static_cast<const char *>(ins[k].raw());
            std::memcpy(dst + i * es, src + (o * row_elems[k] + at) * es, (size_t)len * es);
            i += len;
        }
    });
}

int64_t prod(const Shape & s, int64_t from, int64_t to) {
    int64_t p = 1;
    for (int64_t d = from; d < to; d++) p *= s[d];
    return p;
}

// tab[o] = stride * (source index of o), or kFill.
std::vector<int64_t> scaled(std::vector<int64_t> idx, int64_t stride) {
    for (int64_t & v : idx) v = v < 0 ? kFill : v * stride;
    return idx;
}

} // namespace

void gather_tables(const Tensor & src, const std::vector<std::vector<int64_t>> & tabs,
                   Tensor & out, double fill) {
    if (src.device() != Device::CPU) {   // the same gather on the GPU (cuda/shape_gather.cu)
        cuda_gather_tables(src, tabs, out, fill);
        return;
    }
    switch (src.dtype()) {
        case DType::F32:
            gather_t(src.data<float>(), tabs, out.shape(), out.data<float>(), (float)fill);
            break;
        case DType::F64:
            gather_t(src.data<double>(), tabs, out.shape(), out.data<double>(), fill);
            break;
        case DType::I32:
            gather_t(src.data<int32_t>(), tabs, out.shape(), out.data<int32_t>(), (int32_t)fill);
            break;
        case DType::BOOL:
            gather_t(src.data<uint8_t>(), tabs, out.shape(), out.data<uint8_t>(),
                     (uint8_t)(fill != 0));
            break;
    }
}

// ---- concat / stack (inputs contiguous, output preallocated)

void concat_forward_cpu(OpCall & call) {
    Tensor & out = call.output(0);
    const int64_t axis = normalize_axis(call.attrs.get_int("axis"), out.ndim());
    const int64_t inner = prod(out.shape(), axis + 1, out.ndim());
    std::vector<int64_t> rows;
    for (const Tensor & t : call.inputs) rows.push_back(t.shape()[axis] * inner);
    concat_rows(call.inputs, rows, prod(out.shape(), 0, axis), out);
}

void stack_forward_cpu(OpCall & call) {
    Tensor & out = call.output(0);
    const int64_t axis = normalize_axis(call.attrs.get_int("axis"), out.ndim());
    const Shape & in = call.input(0).shape();
    const std::vector<int64_t> rows(call.inputs.size(), prod(in, axis, (int64_t)in.size()));
    concat_rows(call.inputs, rows, prod(in, 0, axis), out);
}

// ---- gathers (OP_STRIDED: tables carry the input strides)

void tile_forward_cpu(OpCall & call) {
    const Tensor & x = call.input(0);
    Tensor & out = call.output(0);
    std::vector<std::vector<int64_t>> tabs((size_t)x.ndim());
    for (int64_t d = 0; d < x.ndim(); d++) {
        for (int64_t o = 0; o < out.shape()[d]; o++) {
            tabs[d].push_back((o % x.shape()[d]) * x.strides()[d]);
        }
    }
    gather_tables(x, tabs, out, 0.0);
}

void reverse_forward_cpu(OpCall & call) {
    const Tensor & x = call.input(0);
    std::vector<bool> rev((size_t)x.ndim(), false);
    for (int64_t a : call.attrs.get_ints("axis")) rev[normalize_axis(a, x.ndim())] = true;
    std::vector<std::vector<int64_t>> tabs((size_t)x.ndim());
    for (int64_t d = 0; d < x.ndim(); d++) {
        const int64_t n = x.shape()[d];
        for (int64_t o = 0; o < n; o++) {
            tabs[d].push_back((rev[d] ? n - 1 - o : o) * x.strides()[d]);
        }
    }
    gather_tables(x, tabs, call.output(0), 0.0);
}

// TF's ReverseSequence: along seq_axis, the first lengths[b] elements of batch entry b reversed,
// the rest kept. Any dtype (bytes are copied); lengths are checked before any copy.
void reverse_sequence_forward_cpu(OpCall & call) {
    const Tensor & x = call.input(0);
    const Tensor & lengths = call.input(1);
    Tensor & out = call.output(0);
    const int64_t rank = x.ndim();
    const int64_t seq = normalize_axis(call.attrs.get_int("seq_axis"), rank);
    const int64_t batch = normalize_axis(call.attrs.get_int("batch_axis", 0), rank);
    NF_CHECK(lengths.numel() == x.shape()[batch], "seq_lengths has %lld entries for a batch of %lld",
             (long long)lengths.numel(), (long long)x.shape()[batch]);
    const int32_t * len = lengths.data<int32_t>();
    for (int64_t b = 0; b < lengths.numel(); b++) {
        NF_CHECK(len[b] >= 0 && len[b] <= x.shape()[seq], "seq_lengths[%lld] = %d is out of range [0, %lld]",
                 (long long)b, len[b], (long long)x.shape()[seq]);
    }
    const size_t elem = dtype_size(x.dtype());
    const char * src = static_cast<const char *>(x.raw());
    char * dst = static_cast<char *>(out.raw());
    // Walk the output in order, keeping its coordinates; only the seq coordinate is remapped.
    std::vector<int64_t> coord((size_t)rank, 0);
    const std::vector<int64_t> & strides = x.strides();
    for (int64_t i = 0, n = x.numel(); i < n; i++) {
        const int64_t t = coord[seq], l = len[coord[batch]];
        const int64_t from = i + (t < l ? (l - 1 - 2 * t) * strides[seq] : 0);
        std::memcpy(dst + i * elem, src + from * elem, elem);
        for (int64_t d = rank - 1; d >= 0 && ++coord[d] == x.shape()[d]; d--) coord[d] = 0;
    }
}

void pad_forward_cpu(OpCall & call) {
    const Tensor & x = call.input(0);
    const PadSpec p = pad_spec(x.shape(), call.attrs);
    std::vector<std::vector<int64_t>> tabs((size_t)x.ndim());
    for (int64_t d = 0; d < x.ndim(); d++) {
        std::vector<int64_t> idx;
        for (int64_t o = 0; o < call.output(0).shape()[d]; o++) {
            idx.push_back(pad_source(o, p.before[d], x.shape()[d], p.mode));
        }
        tabs[d] = scaled(idx, x.strides()[d]);
    }
    gather_tables(x, tabs, call.output(0), call.attrs.get_float("constantValue", 0.0));
}

// slice_backward(dy, x): dy placed at `begin` in zeros of x's run-time shape.
void slice_backward_cpu(OpCall & call) {
    const Tensor & dy = call.input(0);
    std::vector<int64_t> begin, size;
    slice_window(call.input(1).shape(), call.attrs, begin, size);
    std::vector<std::vector<int64_t>> tabs((size_t)dy.ndim());
    for (int64_t d = 0; d < dy.ndim(); d++) {
        std::vector<int64_t> idx;
        for (int64_t i = 0; i < call.input(1).shape()[d]; i++) {
            idx.push_back(i >= begin[d] && i < begin[d] + size[d] ? i - begin[d] : -1);
        }
        tabs[d] = scaled(idx, dy.strides()[d]);
    }
    gather_tables(dy, tabs, call.output(0), 0.0);
}

} // namespace nf::cpu
