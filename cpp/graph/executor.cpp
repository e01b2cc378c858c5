// Plan execution: dispatch each step, manage slot lifetimes, read and write variables.
#include "graph/executor.h"
#include "ops/dispatch.h"
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>

namespace nf {

void validate_plan(const Plan & plan) {
    auto check_slot = [&](int s, const char * what) {
        NF_CHECK(s >= 0 && s < plan.num_slots, "plan: %s slot %d out of range [0, %d)", what, s,
                 plan.num_slots);
    };
    for (auto & c : plan.consts) check_slot(c.first, "const");
    for (int s : plan.feeds) check_slot(s, "feed");
    for (int s : plan.fetches) check_slot(s, "fetch");
    for (const Step & st : plan.steps) {
        for (int s : st.inputs) check_slot(s, "input");
        for (int s : st.outputs) check_slot(s, "output");
        for (int s : st.free_after) check_slot(s, "free");
        if (st.kind == Step::OP) {
            NF_CHECK(find_op(st.op), "plan: node '%s' uses unknown op '%s'", st.node.c_str(), st.op.c_str());
        } else {
            NF_CHECK(st.var_id >= 0, "plan: node '%s' has no variable id", st.node.c_str());
            size_t want_in = st.kind == Step::VAR_READ ? 0 : 1;
            NF_CHECK(st.inputs.size() == want_in && st.outputs.size() <= 1,
                     "plan: node '%s' has a bad variable step", st.node.c_str());
        }
    }
}

namespace {

// Writes `value` into variable `id`: in place when the shape and dtype match (readers that
// alias the storage see the update), else as a fresh copy (the first assignment).
Tensor assign_variable(VariableStore & store, int64_t id, const Tensor & value) {
    auto it = store.values.find(id);
    if (it != store.values.end() && it->second.shape() == value.shape() &&
        it->second.dtype() == value.dtype() && it->second.device() == value.device()) {
        copy_strided(value, it->second);
        return it->second;
    }
    Tensor fresh = value.clone();
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

void run_step(const Step & st, std::vector<Tensor> & slots, VariableStore & store) {
    std::vector<Tensor> in;
    in.reserve(st.inputs.size());
    for (int s : st.inputs) {
        NF_CHECK(slots[s].defined(), "internal: input slot %d of '%s' has no value", s, st.node.c_str());
        in.push_back(slots[s]);
    }
    switch (st.kind) {
        case Step::VAR_READ:
            slots[st.outputs[0]] = read_variable(store, st.var_id, st.node);
            return;
        case Step::ASSIGN: {
            Tensor v = assign_variable(store, st.var_id, in[0]);
            if (!st.outputs.empty()) slots[st.outputs[0]] = v;
            return;
        }
        case Step::ASSIGN_ADD:
        case Step::ASSIGN_SUB: {
            const Tensor & cur = read_variable(store, st.var_id, st.node);
            Tensor sum = dispatch(st.kind == Step::ASSIGN_ADD ? "add" : "sub", {cur, in[0]}, Attrs{})[0];
            NF_CHECK(sum.shape() == cur.shape(), "%s: value of shape %s does not match the variable's %s",
                     st.node.c_str(), shape_str(in[0].shape()).c_str(), shape_str(cur.shape()).c_str());
            Tensor v = assign_variable(store, st.var_id, sum);
            if (!st.outputs.empty()) slots[st.outputs[0]] = v;
            return;
        }
        case Step::OP: {
            std::vector<Tensor> out;
            if (st.stateful) {
                Attrs a = st.attrs;
                a.set("counter", (double)store.random_runs);
                out = dispatch(st.op, std::move(in), a);
            } else {
                out = dispatch(st.op, std::move(in), st.attrs);
            }
            for (size_t i = 0; i < st.outputs.size() && i < out.size(); i++) {
                slots[st.outputs[i]] = std::move(out[i]);
            }
            return;
        }
    }
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

bool aliases_variable(const Tensor & t, const VariableStore & store) {
    for (auto & kv : store.values) {
        if (kv.second.storage() == t.storage()) return true;
    }
    return false;
}

} // namespace

std::vector<Tensor> run_plan(const Plan & plan, VariableStore & store, const std::vector<Tensor> & feeds) {
    NF_CHECK(feeds.size() == plan.feeds.size(), "run: expected %zu feeds, got %zu", plan.feeds.size(),
             feeds.size());
    std::lock_guard<std::mutex> lock(store.mu);
    auto draws = [](const Step & st) { return st.stateful; };
    if (std::any_of(plan.steps.begin(), plan.steps.end(), draws)) store.random_runs++;
    std::vector<Tensor> slots((size_t)plan.num_slots);
    for (auto & c : plan.consts) slots[c.first] = c.second;
    for (size_t i = 0; i < feeds.size(); i++) slots[plan.feeds[i]] = feeds[i];
    Profile * prof = profile();
    for (const Step & st : plan.steps) {
        auto t0 = std::chrono::steady_clock::now();
        try {
            run_step(st, slots, store);
        } catch (const Error & e) {
            std::string msg = e.what();
            // Name the graph node unless the message already does.
            if (msg.find("'" + st.node + "'") == std::string::npos && msg.find(st.node + ":") != 0) {
                msg = "node '" + st.node + "': " + msg;
            }
            throw Error(msg);
        }
        for (int s : st.free_after) slots[s] = Tensor();
        if (prof) {
            double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            std::lock_guard<std::mutex> plock(prof->mu);
            // NODEFLOW_PROFILE=nodes keys by graph node instead of by op.
            static const bool by_node = std::string(std::getenv("NODEFLOW_PROFILE")) == "nodes";
            auto & e = prof->by_op[by_node ? st.node
                                   : st.kind == Step::OP ? st.op
                                   : st.kind == Step::VAR_READ ? "(variable read)" : "(assign)"];
            e.first += ms;
            e.second++;
        }
    }
    std::vector<Tensor> out;
    for (int s : plan.fetches) {
        NF_CHECK(slots[s].defined(), "internal: fetched slot %d has no value", s);
        out.push_back(aliases_variable(slots[s], store) ? slots[s].clone() : slots[s]);
    }
    return out;
}

} // namespace nf
