// print (TF 1.x tf.Print): passes input 0 through unchanged and, each time it runs, writes
// message followed by each further input, summarised, as one line to stderr:
//   message[1 2 3...][[0.5 1][2 4]]
// At most `summarize` elements of each tensor are shown (nested brackets follow its shape;
// "..." marks the cut). Written with one fwrite per line so lines of concurrent runs do not mix.
#include "ops/op_table.h"
#include <cstdio>
#include <string>

namespace nf {

namespace {

std::vector<TensorMeta> infer_print(const std::vector<TensorMeta> & in, const Attrs & a) {
    a.get_string("message");
    NF_CHECK(a.get_int("summarize") >= 0, "summarize must be >= 0, got %lld",
             (long long)a.get_int("summarize"));
    return {in[0]};
}

void append_value(std::string & s, const Tensor & t, int64_t i) {
    char buf[32];
    switch (t.dtype()) {
        case DType::F32: std::snprintf(buf, sizeof buf, "%g", (double)t.data<float>()[i]); break;
        case DType::F64: std::snprintf(buf, sizeof buf, "%g", t.data<double>()[i]); break;
        case DType::I32: std::snprintf(buf, sizeof buf, "%d", t.data<int32_t>()[i]); break;
        case DType::BOOL: std::snprintf(buf, sizeof buf, "%d", (int)t.data<uint8_t>()[i]); break;
    }
    s += buf;
}

// Appends dims [d, rank) of t starting at flat element `at`; `shown` counts elements written.
// Returns false once `limit` elements are shown and more remain (the caller stops there).
bool append_dims(std::string & s, const Tensor & t, size_t d, int64_t at, int64_t & shown,
                 int64_t limit) {
    const Shape & shape = t.shape();
    int64_t inner = 1;
    for (size_t k = d + 1; k < shape.size(); k++) inner *= shape[k];
    s += '[';
    for (int64_t i = 0; i < shape[d]; i++) {
        if (i > 0 && d + 1 == shape.size()) s += ' ';
        // Cut only where elements remain (a [2, 0] tensor prints [[][]] whatever the limit).
        if (shown == limit && (d + 1 == shape.size() || inner > 0)) {
            s += "...";
            s += ']';
            return false;
        }
        if (d + 1 == shape.size()) {
            append_value(s, t, at + i);
            shown++;
        } else if (!append_dims(s, t, d + 1, at + i * inner, shown, limit)) {
            s += ']';
            return false;
        }
    }
    s += ']';
    return true;
}

void print_forward_cpu(OpCall & call) {
    const int64_t limit = call.attrs.get_int("summarize");
    std::string line = call.attrs.get_string("message");
    for (size_t k = 1; k < call.inputs.size(); k++) {
        const Tensor & t = call.input(k);
        int64_t shown = 0;
        if (t.ndim() == 0) append_value(line, t, 0);
        else append_dims(line, t, 0, 0, shown, limit);
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
    call.outputs = {call.input(0)};
}

} // namespace

void register_logging_ops() {
    register_op({"print", 1, -1, infer_print, print_forward_cpu, OP_KERNEL_ALLOCATES});
}

} // namespace nf
