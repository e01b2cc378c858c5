// tf.cond, tf.whileLoop and the loop's gradient over sub-plans (control_flow.h).
#include "graph/control_flow.h"
#include "core/device.h"
#include "core/parallel.h"
#include <tuple>

namespace nf {

namespace {

// The salt of iteration i of a loop run under `salt`: distinct for the first 2^20 iterations of
// a loop (it wraps there, and nested loops' salts may meet: their random ops would then repeat
// numbers), and below 2^20, so salt << 32 plus the run count stays an exact counter attribute.
int64_t iteration_salt(int64_t salt, int64_t i) {
    return (salt * 1000003 + i + 1) % (int64_t(1) << 20);
}

bool truth(const Tensor & pred, const Step & st) {
    NF_CHECK(pred.dtype() == DType::BOOL && pred.numel() == 1 && pred.ndim() <= 1,
             "%s '%s': the predicate must be a bool scalar, got %s",
             st.kind == Step::COND ? "cond" : "whileLoop", st.node.c_str(), pred.desc().c_str());
    Tensor host = pred.device() == Device::CPU ? pred : to_device(pred, Device::CPU);
    return *host.data<uint8_t>() != 0;
}

std::vector<Tensor> slice(const std::vector<Tensor> & v, size_t from, size_t n) {
    return {v.begin() + (std::ptrdiff_t)from, v.begin() + (std::ptrdiff_t)(from + n)};
}

std::vector<Tensor> concat(std::vector<Tensor> a, const std::vector<Tensor> & b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::vector<Tensor> run_cond(const Step & st, const std::vector<Tensor> & in, VariableStore & store,
                             int64_t salt) {
    const Plan & branch = *st.subplans[truth(in[0], st) ? 0 : 1];
    return run_subplan(branch, store, slice(in, 1, in.size() - 1), salt);
}

// One loop variable's values at the start of each iteration, packed: their elements one after
// another (1-D, on the device of the last one) and their shapes (int32 [iterations, rank], host).
// A variable may change shape between iterations (within its shape invariant).
std::pair<Tensor, Tensor> pack_history(std::vector<Tensor> & values, const Tensor & initial) {
    const int64_t rank = initial.ndim();
    Tensor shapes = Tensor::empty({(int64_t)values.size(), rank}, DType::I32);
    for (size_t i = 0; i < values.size(); i++) {
        for (int64_t d = 0; d < rank; d++) shapes.data<int32_t>()[(int64_t)i * rank + d] = (int32_t)values[i].dim(d);
    }
    if (values.empty()) return {Tensor::empty({0}, initial.dtype(), initial.device()), shapes};
    const Device dev = values.back().device();
    for (Tensor & v : values) {
        if (v.device() != dev) v = to_device(v, dev);
        v = v.contiguous().reshape_view({v.numel()});
    }
    Attrs axis0;
    axis0.set("axis", 0.0);
    return {dispatch_on("concat", values, axis0, dev)[0], shapes};
}

// Per-iteration output j stacked over the iterations, [iterations, ...shape]; with no iteration,
// empty, of the static shape the attrs give (unknown dimensions as 0).
Tensor stack_outputs(std::vector<Tensor> & values, const Step & st, size_t j) {
    const std::string key = "out" + std::to_string(j);
    if (values.empty()) {
        Shape shape{0};
        for (int64_t d : st.attrs.get_ints(key + "_shape")) shape.push_back(d < 0 ? 0 : d);
        return Tensor::empty(shape, dtype_from_name(st.attrs.get_string(key + "_dtype")));
    }
    const Device dev = values.back().device();
    for (size_t i = 0; i < values.size(); i++) {
        NF_CHECK(values[i].shape() == values[0].shape() && values[i].dtype() == values[0].dtype(),
                 "whileLoop '%s': per-iteration output %zu is %s in iteration 0 but %s in iteration %zu; "
                 "they are stacked, so they must agree", st.node.c_str(), j, values[0].desc().c_str(),
                 values[i].desc().c_str(), i);
        if (values[i].device() != dev) values[i] = to_device(values[i], dev);
    }
    Attrs axis0;
    axis0.set("axis", 0.0);
    return dispatch_on("stack", values, axis0, dev)[0];
}

// acc += g for the gradient of a captured tensor, summed over iterations. On the host the sum
// is kept in one buffer of its own, added to in place (a fresh tensor per iteration made the
// sum of a weight's gradient cost an allocation of the weight's size each step); elsewhere it
// is the add op.
void accumulate(Tensor & acc, const Tensor & g) {
    if (!acc.defined()) {
        acc = g.device() == Device::CPU && (g.dtype() == DType::F32 || g.dtype() == DType::F64) ? g.clone() : g;
        return;
    }
    const bool in_place = acc.device() == Device::CPU && g.device() == Device::CPU && acc.dtype() == g.dtype() &&
                          acc.shape() == g.shape() && acc.is_contiguous() && g.is_contiguous() &&
                          (acc.dtype() == DType::F32 || acc.dtype() == DType::F64);
    if (!in_place) {
        acc = dispatch_on("add", {acc, g}, Attrs{}, g.device())[0];
        return;
    }
    auto add_into = [&](auto * a, const auto * b) {
        parallel_for(0, acc.numel(), int64_t(1) << 15, [=](int64_t lo, int64_t hi) {
            for (int64_t i = lo; i < hi; i++) a[i] += b[i];
        });
    };
    if (acc.dtype() == DType::F32) add_into(acc.data<float>(), g.data<float>());
    else add_into(acc.data<double>(), g.data<double>());
}

// Row i of a tensor: a view.
Tensor row(const Tensor & t, int64_t i) {
    Shape shape(t.shape().begin() + 1, t.shape().end());
    std::vector<int64_t> strides(t.strides().begin() + 1, t.strides().end());
    return t.as_strided(shape, strides, t.offset() + i * t.strides()[0]);
}

// Row i of each per-iteration input, checked to exist.
std::vector<Tensor> rows_at(const std::vector<Tensor> & elems, int64_t i, const Step & st) {
    std::vector<Tensor> rows;
    for (size_t j = 0; j < elems.size(); j++) {
        NF_CHECK(elems[j].ndim() > 0 && i < elems[j].dim(0), "whileLoop '%s': iteration %lld reads row %lld of "
                 "per-iteration input %zu, which is %s", st.node.c_str(), (long long)i, (long long)i, j,
                 elems[j].desc().c_str());
        rows.push_back(row(elems[j], i));
    }
    return rows;
}

// A loop step's counts: loop variables, per-iteration outputs and inputs (checked by
// check_control_step at compile time).
struct LoopCounts {
    size_t n, k_out, e, saved;
};
LoopCounts loop_counts(const Step & st) {
    return {(size_t)st.attrs.get_int("n"), (size_t)st.attrs.get_int("k", 0), (size_t)st.attrs.get_int("e", 0),
            (size_t)st.attrs.get_int("s", 0)};
}

std::vector<Tensor> run_while(const Step & st, const std::vector<Tensor> & in, VariableStore & store,
                              int64_t salt) {
    const auto [n, k_out, e, saved] = loop_counts(st);
    const int64_t max_iterations = st.attrs.get_int("max_iterations", -1);
    const bool record = st.attrs.get_bool("record");
    const Plan & cond = *st.subplans[0];
    const Plan & body = *st.subplans[1];
    std::vector<Tensor> vars = slice(in, 0, n);
    const std::vector<Tensor> elems = slice(in, n, e);
    const std::vector<Tensor> caps = slice(in, n + e, in.size() - n - e);
    // Recorded per iteration (with `record`): the loop variables, then the saved values.
    std::vector<std::vector<Tensor>> history(record ? n + saved : 0), outs(k_out);
    for (int64_t i = 0; max_iterations < 0 || i < max_iterations; i++) {
        const int64_t s = iteration_salt(salt, i);
        // The condition sees the loop variables and captures; the body also row i of each
        // per-iteration input.
        if (!truth(run_subplan(cond, store, concat(vars, caps), s)[0], st)) break;
        std::vector<Tensor> next = run_subplan(body, store, concat(concat(vars, rows_at(elems, i, st)), caps), s);
        for (size_t k = 0; k < n; k++) {
            NF_CHECK(next[k].defined(), "plan: whileLoop '%s' does not compute loop variable %zu", st.node.c_str(), k);
            NF_CHECK(next[k].dtype() == vars[k].dtype(),
                     "whileLoop '%s': loop variable %zu entered as %s but the body returned %s",
                     st.node.c_str(), k, vars[k].desc().c_str(), next[k].desc().c_str());
            NF_CHECK(next[k].ndim() == vars[k].ndim(),
                     "whileLoop '%s': loop variable %zu changed rank from %s to %s in iteration %lld",
                     st.node.c_str(), k, shape_str(vars[k].shape()).c_str(), shape_str(next[k].shape()).c_str(),
                     (long long)i);
            // A value that aliases a variable could be updated in place by a later iteration.
            if (record) history[k].push_back(aliases_variable(vars[k], store) ? vars[k].clone() : vars[k]);
        }
        for (size_t j = 0; j < k_out; j++) {
            if (next[n + j].defined()) outs[j].push_back(next[n + j]);   // undefined: nothing reads it
        }
        for (size_t j = 0; j < saved && record; j++) {
            const Tensor & v = next[n + k_out + j];
            NF_CHECK(v.defined(), "plan: whileLoop '%s' does not compute saved value %zu", st.node.c_str(), j);
            history[n + j].push_back(aliases_variable(v, store) ? v.clone() : v);
        }
        next.resize(n);
        vars = std::move(next);
    }
    std::vector<Tensor> out = vars;
    out.resize(3 * n);
    for (size_t k = 0; k < n && record; k++) {
        std::tie(out[n + k], out[2 * n + k]) = pack_history(history[k], in[k]);
    }
    for (size_t j = 0; j < k_out; j++) {
        out.push_back(body.fetches[n + j] == -1 ? Tensor() : stack_outputs(outs[j], st, j));
    }
    out.resize(3 * n + k_out + 2 * saved);
    for (size_t j = 0; j < saved && record; j++) {   // packed, shapes: one pair per saved value
        // With no iteration there is no value to take a dtype or rank from: nothing is read.
        const Tensor none = history[n + j].empty() ? Tensor::empty({0}, DType::F32) : history[n + j][0];
        std::tie(out[3 * n + k_out + 2 * j], out[3 * n + k_out + 2 * j + 1]) = pack_history(history[n + j], none);
    }
    return out;
}

// A packed history (pack_history) as one view per iteration.
std::vector<Tensor> unpack_history(const Tensor & packed, const Tensor & shapes, const Step & st, size_t k) {
    NF_CHECK(shapes.dtype() == DType::I32 && shapes.ndim() == 2 && packed.ndim() == 1 && packed.is_contiguous(),
             "whileLoop gradient '%s': history %zu is %s with shapes %s", st.node.c_str(), k,
             packed.desc().c_str(), shapes.desc().c_str());
    Tensor host = shapes.device() == Device::CPU ? shapes.contiguous() : to_device(shapes, Device::CPU);
    std::vector<Tensor> rows;
    int64_t offset = 0;
    for (int64_t i = 0; i < host.dim(0); i++) {
        Shape shape(host.data<int32_t>() + i * host.dim(1), host.data<int32_t>() + (i + 1) * host.dim(1));
        for (int64_t d : shape) {
            NF_CHECK(d >= 0, "whileLoop gradient '%s': history %zu has a negative dimension", st.node.c_str(), k);
        }
        const int64_t numel = shape_numel(shape);
        NF_CHECK(offset + numel <= packed.numel(), "whileLoop gradient '%s': history %zu is too short",
                 st.node.c_str(), k);
        rows.push_back(packed.as_strided(shape, contiguous_strides(shape), packed.offset() + offset));
        offset += numel;
    }
    return rows;
}

std::vector<Tensor> run_while_grad(const Step & st, const std::vector<Tensor> & in, VariableStore & store,
                                   int64_t salt) {
    const auto [n, k_out, e, saved] = loop_counts(st);
    const size_t m = in.size() - 3 * n - e - k_out - 2 * saved;
    std::vector<std::vector<Tensor>> hist, kept;
    for (size_t k = 0; k < n; k++) hist.push_back(unpack_history(in[k], in[n + k], st, k));
    const size_t at_saved = 3 * n + e + m + k_out;
    for (size_t j = 0; j < saved; j++) kept.push_back(unpack_history(in[at_saved + 2 * j], in[at_saved + 2 * j + 1], st, n + j));
    const std::vector<Tensor> elems = slice(in, 2 * n, e);
    const std::vector<Tensor> caps = slice(in, 2 * n + e, m);
    std::vector<Tensor> dvars = slice(in, 2 * n + e + m, n);
    const std::vector<Tensor> douts = slice(in, 3 * n + e + m, k_out);   // d of the stacked outputs
    const int64_t iterations = (int64_t)hist[0].size();
    for (size_t k = 1; k < n + saved; k++) {
        const size_t got = k < n ? hist[k].size() : kept[k - n].size();
        NF_CHECK((int64_t)got == iterations, "whileLoop gradient '%s': history %zu has %zu iterations, "
                 "history 0 has %lld", st.node.c_str(), k, got, (long long)iterations);
    }
    for (size_t j = 0; j < k_out; j++) {
        NF_CHECK(douts[j].ndim() > 0 && douts[j].dim(0) == iterations, "whileLoop gradient '%s': the gradient "
                 "of per-iteration output %zu is %s, expected %lld rows", st.node.c_str(), j,
                 douts[j].desc().c_str(), (long long)iterations);
    }
    // Fetch positions: d vars (n), d rows (e), d captures (m); -1 where nothing reads them.
    const std::vector<int> & fetched = st.subplans[0]->fetches;
    std::vector<Tensor> delems(e), dcaps(m);
    for (size_t j = 0; j < e; j++) {
        if (fetched[n + j] != -1) delems[j] = Tensor::zeros(elems[j].shape(), elems[j].dtype(), elems[j].device());
    }
    for (int64_t i = iterations - 1; i >= 0; i--) {
        std::vector<Tensor> vars, douts_i, kept_i;
        for (const auto & h : hist) vars.push_back(h[(size_t)i]);
        for (const Tensor & d : douts) douts_i.push_back(row(d, i));
        for (const auto & h : kept) kept_i.push_back(h[(size_t)i]);
        std::vector<Tensor> feeds =
            concat(concat(concat(concat(concat(vars, rows_at(elems, i, st)), caps), dvars), douts_i), kept_i);
        std::vector<Tensor> d = run_subplan(*st.subplans[0], store, feeds, iteration_salt(salt, i));
        dvars = slice(d, 0, n);
        for (size_t k = 0; k < n; k++) {
            NF_CHECK(dvars[k].defined(), "plan: whileLoop gradient '%s' does not compute d var %zu", st.node.c_str(), k);
        }
        for (size_t j = 0; j < e; j++) {   // iteration i's row of each per-iteration input
            if (!delems[j].defined()) continue;
            Tensor dst = row(delems[j], i);
            const Tensor & g = d[n + j];
            NF_CHECK(g.defined() && g.shape() == dst.shape() && g.dtype() == dst.dtype(),
                     "whileLoop gradient '%s': the gradient of row %lld of per-iteration input %zu is %s, "
                     "expected %s", st.node.c_str(), (long long)i, j, g.defined() ? g.desc().c_str() : "missing",
                     dst.desc().c_str());
            copy_strided(g.device() == dst.device() ? g : to_device(g, dst.device()), dst);
        }
        for (size_t j = 0; j < m; j++) {
            const Tensor & g = d[n + e + j];   // undefined when nothing reads it
            if (g.defined()) accumulate(dcaps[j], g);
        }
    }
    for (size_t j = 0; j < m; j++) {
        if (!dcaps[j].defined() && fetched[n + e + j] != -1) {
            dcaps[j] = Tensor::zeros(caps[j].shape(), caps[j].dtype(), caps[j].device());
        }
    }
    return concat(concat(dvars, delems), dcaps);
}

} // namespace

void check_control_step(const Step & st) {
    const char * node = st.node.c_str();
    auto arity = [&](size_t k, size_t feeds, size_t fetches) {
        const Plan & p = *st.subplans[k];
        NF_CHECK(p.feeds.size() == feeds && p.fetches.size() == fetches,
                 "plan: node '%s': sub-plan %zu takes %zu feeds and gives %zu fetches, expected %zu and %zu",
                 node, k, p.feeds.size(), p.fetches.size(), feeds, fetches);
    };
    for (auto & p : st.subplans) NF_CHECK(p != nullptr, "plan: node '%s' has an empty sub-plan", node);
    if (st.kind == Step::COND) {
        NF_CHECK(st.subplans.size() == 2 && !st.inputs.empty(), "plan: cond '%s' needs 2 branches and a predicate", node);
        arity(0, st.inputs.size() - 1, st.outputs.size());
        arity(1, st.inputs.size() - 1, st.outputs.size());
        return;
    }
    const int64_t n = st.attrs.get_int("n");
    NF_CHECK(n >= 1, "plan: loop '%s' needs at least one loop variable", node);
    const size_t un = (size_t)n;
    const int64_t k = st.attrs.get_int("k", 0), e = st.attrs.get_int("e", 0), sv = st.attrs.get_int("s", 0);
    NF_CHECK(k >= 0 && e >= 0 && sv >= 0, "plan: loop '%s' has a negative count of per-iteration values", node);
    const size_t uk = (size_t)k, ue = (size_t)e, us = (size_t)sv;
    if (st.kind == Step::WHILE) {
        NF_CHECK(st.subplans.size() == 2 && st.inputs.size() >= un + ue && st.outputs.size() == 3 * un + uk + 2 * us,
                 "plan: whileLoop '%s' has a bad arity", node);
        for (size_t j = 0; j < uk; j++) {   // read once here, so a bad attr fails at compile time
            const std::string key = "out" + std::to_string(j);
            st.attrs.get_ints(key + "_shape");
            dtype_from_name(st.attrs.get_string(key + "_dtype"));
        }
        arity(0, st.inputs.size() - ue, 1);
        arity(1, st.inputs.size(), un + uk + us);
    } else {
        NF_CHECK(st.subplans.size() == 1 && st.inputs.size() >= 3 * un + ue + uk + 2 * us &&
                 st.outputs.size() == st.inputs.size() - 2 * un - uk - 2 * us,
                 "plan: whileLoop gradient '%s' has a bad arity", node);
        arity(0, st.inputs.size() - un - us, st.outputs.size());
    }
}

std::vector<Tensor> run_control_step(const Step & st, const std::vector<Tensor> & in, VariableStore & store,
                                     int64_t salt) {
    switch (st.kind) {
        case Step::COND: return run_cond(st, in, store, salt);
        case Step::WHILE: return run_while(st, in, store, salt);
        default: return run_while_grad(st, in, store, salt);
    }
}

} // namespace nf
