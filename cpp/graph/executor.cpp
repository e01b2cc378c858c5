// Plan execution: place and dispatch each step, move inputs between devices, manage slot
// lifetimes, read and write variables.
#include "graph/executor.h"
#include "core/device.h"
#include "graph/control_flow.h"
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>

namespace nf {

void validate_plan(Plan & plan) {
    auto check_slot = [&](int s, const char * what) {
        NF_CHECK(s >= 0 && s < plan.num_slots, "plan: %s slot %d out of range [0, %d)", what, s,
                 plan.num_slots);
    };
    for (auto & c : plan.consts) check_slot(c.first, "const");
    for (int s : plan.feeds) check_slot(s, "feed");
    // -1: an output of a control-flow function that nothing reads (its value is not computed).
    for (int s : plan.fetches) if (s != -1) check_slot(s, "fetch");
    for (const Step & st : plan.steps) {
        for (int s : st.inputs) check_slot(s, "input");
        for (int s : st.outputs) check_slot(s, "output");
        for (int s : st.free_after) check_slot(s, "free");
        if (st.kind == Step::OP) {
            NF_CHECK(find_op(st.op), "plan: node '%s' uses unknown op '%s'", st.node.c_str(), st.op.c_str());
            plan.draws_random = plan.draws_random || st.stateful;
        } else if (is_control_step(st)) {
            check_control_step(st);   // sub-plans were validated when they were created
            for (auto & sub : st.subplans) plan.draws_random = plan.draws_random || sub->draws_random;
        } else {
            NF_CHECK(st.var_id >= 0, "plan: node '%s' has no variable id", st.node.c_str());
            size_t want_in = st.kind == Step::VAR_READ ? 0 : 1;
            NF_CHECK(st.inputs.size() == want_in && st.outputs.size() <= 1,
                     "plan: node '%s' has a bad variable step", st.node.c_str());
        }
    }
}

Device variable_device(const VariableStore & store, DeviceRequest req) {
    if (req == DeviceRequest::CPU || !cuda_available()) return Device::CPU;
    if (req == DeviceRequest::ANY && !store.placement.prefer_cuda) return Device::CPU;
    return Device::CUDA;
}

namespace {

// One run's values: slots, and per slot a copy on the other device made for an earlier step.
struct RunState {
    int64_t salt = 0;   // run_subplan's: which loop iteration this is
    std::vector<Tensor> slots, copies;
    std::vector<bool> is_const;
    // Non-constant slots that hold a copy. Forgetting walks only these: walking every slot after
    // each in-place update (one per variable with Adam) made a step quadratic in the graph size.
    std::vector<int> copied;
    Tensor & copy_slot(int s) {
        if (!is_const[s] && !copies[s].defined()) copied.push_back(s);
        return copies[s];
    }
    // Variables may change in place: copies of anything but constants may be stale now.
    void forget_copies() {
        for (int s : copied) copies[s] = Tensor();
        copied.clear();
    }
};

// Writes `value` into variable `id` on `dev`: in place when the shape, dtype and device match
// (readers that alias the storage see the update), else as a fresh copy (the first assignment).
Tensor assign_variable(VariableStore & store, int64_t id, const Tensor & value, Device dev) {
    auto it = store.values.find(id);
    if (it != store.values.end() && it->second.shape() == value.shape() &&
        it->second.dtype() == value.dtype() && it->second.device() == dev) {
        copy_strided(value, it->second);
        return it->second;
    }
    Tensor fresh = value.device() == dev ? value.clone() : to_device(value, dev);
    store.values[id] = fresh;
    return fresh;
}

const Tensor & read_variable(VariableStore & store, int64_t id, const std::string & node) {
    auto it = store.values.find(id);
    if (it == store.values.end()) {
        NF_FAIL("Attempting to use uninitialized value %s: run its initializer first "
                "(e.g. sess.run(tf.globalVariablesInitializer()))", node.c_str());
    }
    return it->second;
}

// Places the op, moves its inputs (reusing this run's copies), runs it. Returns the device.
Device run_op_step(const Step & st, std::vector<Tensor> in, RunState & rs, VariableStore & store) {
    const OpDef & def = *find_op(st.op);
    Attrs counted;
    if (st.stateful) {
        counted = st.attrs;
        // Loop iterations (salt > 0) draw from their own part of the counter space.
        counted.set("counter", (double)(store.random_runs + (rs.salt << 32)));
    }
    const Attrs & attrs = st.stateful ? counted : st.attrs;
    Device dev;
    try {
        dev = place_op(def, in, attrs, st.device, store.placement);
    } catch (const Error & e) {
        NF_FAIL("%s: %s", st.op.c_str(), e.what());
    }
    for (size_t i = 0; i < in.size(); i++) {
        const Device want = input_device(def, i, dev);
        if (def.flags & OP_SHAPE_ONLY || in[i].device() == want || (def.in_place >> i & 1)) {
            continue;   // in-place inputs are moved (and written back) by dispatch_on
        }
        Tensor & copy = rs.copy_slot(st.inputs[i]);
        if (!copy.defined() || copy.device() != want) copy = to_device(in[i], want);
        in[i] = copy;
    }
    std::vector<Tensor> out = dispatch_on(st.op, std::move(in), attrs, dev);
    if (def.in_place) rs.forget_copies();
    for (size_t i = 0; i < st.outputs.size() && i < out.size(); i++) {
        rs.slots[st.outputs[i]] = std::move(out[i]);
    }
    return dev;
}

// Runs one step; returns where it ran (variable steps: the variable's device).
Device run_step(const Step & st, RunState & rs, VariableStore & store) {
    std::vector<Tensor> in;
    in.reserve(st.inputs.size());
    for (int s : st.inputs) {
        NF_CHECK(rs.slots[s].defined(), "internal: input slot %d of '%s' has no value", s,
                 st.node.c_str());
        in.push_back(rs.slots[s]);
    }
    switch (st.kind) {
        case Step::VAR_READ:
            rs.slots[st.outputs[0]] = read_variable(store, st.var_id, st.node);
            return rs.slots[st.outputs[0]].device();
        case Step::ASSIGN: {
            Tensor v = assign_variable(store, st.var_id, in[0], variable_device(store, st.device));
            rs.forget_copies();
            if (!st.outputs.empty()) rs.slots[st.outputs[0]] = v;
            return v.device();
        }
        case Step::ASSIGN_ADD:
        case Step::ASSIGN_SUB: {
            const Tensor & cur = read_variable(store, st.var_id, st.node);
            const char * op = st.kind == Step::ASSIGN_ADD ? "add" : "sub";
            Tensor sum = dispatch_on(op, {cur, in[0]}, Attrs{}, cur.device())[0];
            NF_CHECK(sum.shape() == cur.shape(), "%s: value of shape %s does not match the variable's %s",
                     st.node.c_str(), shape_str(in[0].shape()).c_str(), shape_str(cur.shape()).c_str());
            Tensor v = assign_variable(store, st.var_id, sum, cur.device());
            rs.forget_copies();
            if (!st.outputs.empty()) rs.slots[st.outputs[0]] = v;
            return v.device();
        }
        case Step::OP: return run_op_step(st, std::move(in), rs, store);
        case Step::COND:
        case Step::WHILE:
        case Step::WHILE_GRAD: {
            std::vector<Tensor> out = run_control_step(st, in, store, rs.salt);
            rs.forget_copies();   // the sub-plans may have updated variables in place
            for (size_t i = 0; i < st.outputs.size() && i < out.size(); i++) rs.slots[st.outputs[i]] = std::move(out[i]);
            return Device::CPU;
        }
    }
    return Device::CPU;
}

// NODEFLOW_PROFILE=1 (or =nodes): time spent per op (or graph node), summed over all runs,
// printed to stderr at exit.
struct Profile {
    std::mutex mu;
    std::map<std::string, std::pair<double, int64_t>> by_op;   // ms, calls
    ~Profile() {
        if (by_op.empty()) return;
        std::vector<std::pair<double, std::string>> rows;
        double total = 0;
        for (auto & kv : by_op) {
            rows.push_back({kv.second.first, kv.first});
            total += kv.second.first;
        }
        std::sort(rows.rbegin(), rows.rend());
        std::fprintf(stderr, "nodeflow profile (executor steps, %.1f ms in all):\n", total);
        for (auto & r : rows) {
            std::fprintf(stderr, "  %-32s %10.2f ms %6.1f%% %10lld calls\n", r.second.c_str(), r.first,
                         100 * r.first / total, (long long)by_op[r.second].second);
        }
    }
};
Profile * profile() {
    static Profile * p = std::getenv("NODEFLOW_PROFILE") ? new Profile() : nullptr;
    static struct Flush { ~Flush() { delete profile(); } } flush;
    return p;
}

void record_profile(Profile * prof, const Step & st, std::chrono::steady_clock::time_point t0) {
    const auto dt = std::chrono::steady_clock::now() - t0;
    const double ms = std::chrono::duration<double, std::milli>(dt).count();
    std::lock_guard<std::mutex> plock(prof->mu);
    // NODEFLOW_PROFILE=nodes keys by graph node instead of by op.
    static const bool by_node = std::string(std::getenv("NODEFLOW_PROFILE")) == "nodes";
    auto & e = prof->by_op[by_node ? st.node
                           : st.kind == Step::OP ? st.op
                           : st.kind == Step::VAR_READ ? "(variable read)"
                           : is_control_step(st) ? "(control flow, sub-plans included)" : "(assign)"];
    e.first += ms;
    e.second++;
}

} // namespace

bool aliases_variable(const Tensor & t, const VariableStore & store) {
    for (auto & kv : store.values) {
        if (kv.second.storage() == t.storage()) return true;
    }
    return false;
}

std::vector<Tensor> run_subplan(const Plan & plan, VariableStore & store, const std::vector<Tensor> & feeds,
                                int64_t salt) {
    NF_CHECK(feeds.size() == plan.feeds.size(), "run: expected %zu feeds, got %zu", plan.feeds.size(),
             feeds.size());
    RunState rs;
    rs.salt = salt;
    rs.slots.resize((size_t)plan.num_slots);
    rs.copies.resize((size_t)plan.num_slots);
    rs.is_const.assign((size_t)plan.num_slots, false);
    for (auto & c : plan.consts) {
        rs.slots[c.first] = c.second;
        rs.is_const[c.first] = true;
    }
    {
        std::lock_guard<std::mutex> plock(plan.mu);
        for (auto & kv : plan.const_copies) rs.copies[kv.first] = kv.second;
        plan.placed.resize(plan.steps.size(), -1);
    }
    for (size_t i = 0; i < feeds.size(); i++) rs.slots[plan.feeds[i]] = feeds[i];
    Profile * prof = profile();
    std::vector<int> placed(plan.steps.size(), -1);
    for (size_t k = 0; k < plan.steps.size(); k++) {
        const Step & st = plan.steps[k];
        auto t0 = std::chrono::steady_clock::now();
        try {
            placed[k] = (int)run_step(st, rs, store);
        } catch (const Error & e) {
            std::string msg = e.what();
            // Name the graph node unless the message already does.
            if (msg.find("'" + st.node + "'") == std::string::npos && msg.find(st.node + ":") != 0) {
                msg = "node '" + st.node + "': " + msg;
            }
            throw Error(msg);
        }
        for (int s : st.free_after) {
            rs.slots[s] = Tensor();
            if (!rs.is_const[s]) rs.copies[s] = Tensor();
        }
        if (prof) {
            // Kernels are asynchronous: time a CUDA step to its completion.
            if (placed[k] == (int)Device::CUDA) cuda_synchronize();
            record_profile(prof, st, t0);
        }
    }
    {
        std::lock_guard<std::mutex> plock(plan.mu);
        for (auto & c : plan.consts) {
            if (rs.copies[c.first].defined()) plan.const_copies[c.first] = rs.copies[c.first];
        }
        plan.placed = placed;
    }
    std::vector<Tensor> out;
    for (int s : plan.fetches) {
        if (s == -1) {
            out.push_back(Tensor());
            continue;
        }
        NF_CHECK(rs.slots[s].defined(), "internal: fetched slot %d has no value", s);
        out.push_back(rs.slots[s]);
    }
    return out;
}

std::vector<Tensor> run_plan(const Plan & plan, VariableStore & store, const std::vector<Tensor> & feeds) {
    std::lock_guard<std::mutex> lock(store.mu);
    if (plan.draws_random) store.random_runs++;
    std::vector<Tensor> out;
    for (const Tensor & v : run_subplan(plan, store, feeds, 0)) {
        NF_CHECK(v.defined(), "internal: a fetch of the run has no value");
        // Values come back on the host (the sync point of a GPU run), never aliasing a variable.
        if (v.device() != Device::CPU) {
            out.push_back(to_device(v, Device::CPU));
        } else {
            out.push_back(aliases_variable(v, store) ? v.clone() : v);
        }
    }
    return out;
}

} // namespace nf
