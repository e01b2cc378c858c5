// Session surface: createPlan(spec), createStore(config), runPlan / runPlanAsync (one native
// call per Session.run; the async one runs on a libuv worker thread), variable store access,
// and planPlacement (where each node last ran, for logDevicePlacement).
#include "binding/session.h"
#include "binding/tensor_handle.h"
#include "binding/wrapped.h"
#include "graph/executor.h"
#include <cmath>

namespace nf::binding {

namespace {

const napi_type_tag kPlanTag = {0x6e6f6465666c6f77ULL, 0x706c616e00000002ULL};
const napi_type_tag kStoreTag = {0x6e6f6465666c6f77ULL, 0x73746f7265000003ULL};

// allow_none: -1 is accepted too (a sub-plan's fetch that nothing reads).
std::vector<int> read_slots(Napi::Value v, const char * what, bool allow_none = false) {
    NF_CHECK(v.IsArray(), "plan: %s must be an array of slot numbers", what);
    Napi::Array a = v.As<Napi::Array>();
    std::vector<int> out;
    for (uint32_t i = 0; i < a.Length(); i++) {
        Napi::Value e = a.Get(i);
        NF_CHECK(e.IsNumber(), "plan: %s[%u] must be a number", what, i);
        double d = e.As<Napi::Number>().DoubleValue();
        NF_CHECK((d >= 0 || (allow_none && d == -1)) && d < 2e9 && d == (int)d, "plan: %s[%u] is not a slot number", what, i);
        out.push_back((int)d);
    }
    return out;
}

std::string str_field(Napi::Object o, const char * k) {
    Napi::Value v = o.Get(k);
    NF_CHECK(v.IsString(), "plan: field '%s' must be a string", k);
    return v.As<Napi::String>().Utf8Value();
}

std::shared_ptr<Plan> read_plan(Napi::Env env, Napi::Value v);

Step read_step(Napi::Env env, Napi::Value v) {
    NF_CHECK(v.IsObject(), "plan: each step must be an object");
    Napi::Object o = v.As<Napi::Object>();
    Step st;
    std::string kind = str_field(o, "kind");
    st.node = str_field(o, "node");
    if (kind == "op") {
        st.kind = Step::OP;
        st.op = str_field(o, "op");
    } else if (kind == "var_read") {
        st.kind = Step::VAR_READ;
    } else if (kind == "assign") {
        st.kind = Step::ASSIGN;
    } else if (kind == "assign_add") {
        st.kind = Step::ASSIGN_ADD;
    } else if (kind == "assign_sub") {
        st.kind = Step::ASSIGN_SUB;
    } else if (kind == "cond") {
        st.kind = Step::COND;
    } else if (kind == "while") {
        st.kind = Step::WHILE;
    } else if (kind == "while_grad") {
        st.kind = Step::WHILE_GRAD;
    } else {
        NF_FAIL("plan: unknown step kind '%s'", kind.c_str());
    }
    st.inputs = read_slots(o.Get("inputs"), "inputs");
    st.outputs = read_slots(o.Get("outputs"), "outputs");
    st.free_after = read_slots(o.Get("free"), "free");
    st.attrs = read_attrs(o.Get("attrs"));
    st.stateful = o.Get("stateful").ToBoolean().Value();
    Napi::Value dev = o.Get("device");
    if (dev.IsString()) {
        try {
            st.device = parse_device_request(dev.As<Napi::String>().Utf8Value());
        } catch (const Error & e) {
            NF_FAIL("plan: node '%s': %s", st.node.c_str(), e.what());
        }
    }
    if (st.kind == Step::COND || st.kind == Step::WHILE || st.kind == Step::WHILE_GRAD) {
        NF_CHECK(o.Get("subplans").IsArray(), "plan: control-flow step '%s' needs subplans", st.node.c_str());
        Napi::Array subs = o.Get("subplans").As<Napi::Array>();
        for (uint32_t i = 0; i < subs.Length(); i++) st.subplans.push_back(read_plan(env, subs.Get(i)));
    } else if (st.kind != Step::OP) {
        Napi::Value id = o.Get("varId");
        NF_CHECK(id.IsNumber(), "plan: step '%s' needs a numeric varId", st.node.c_str());
        st.var_id = (int64_t)id.As<Napi::Number>().DoubleValue();
    }
    return st;
}

// A plan spec (sub-plans of control-flow steps included), validated.
std::shared_ptr<Plan> read_plan(Napi::Env env, Napi::Value v) {
    NF_CHECK(v.IsObject(), "createPlan: spec must be an object");
    Napi::Object spec = v.As<Napi::Object>();
    auto plan = std::make_shared<Plan>();
    Napi::Value ns = spec.Get("numSlots");
    NF_CHECK(ns.IsNumber(), "plan: numSlots must be a number");
    plan->num_slots = ns.As<Napi::Number>().Int32Value();
    NF_CHECK(spec.Get("consts").IsArray() && spec.Get("steps").IsArray(), "plan: consts and steps must be arrays");
    Napi::Array consts = spec.Get("consts").As<Napi::Array>();
    for (uint32_t i = 0; i < consts.Length(); i++) {
        NF_CHECK(consts.Get(i).IsObject(), "plan: consts[%u] must be {slot, value}", i);
        Napi::Object c = consts.Get(i).As<Napi::Object>();
        Napi::Value s = c.Get("slot");
        NF_CHECK(s.IsNumber(), "plan: consts[%u].slot must be a number", i);
        plan->consts.push_back({s.As<Napi::Number>().Int32Value(), unwrap_tensor(env, c.Get("value"), "plan const")});
    }
    plan->feeds = read_slots(spec.Get("feeds"), "feeds");
    plan->fetches = read_slots(spec.Get("fetches"), "fetches", true);
    Napi::Array steps = spec.Get("steps").As<Napi::Array>();
    for (uint32_t i = 0; i < steps.Length(); i++) plan->steps.push_back(read_step(env, steps.Get(i)));
    validate_plan(*plan);
    return plan;
}

} // namespace

// createPlan({ numSlots, consts: [{slot, value}], feeds, fetches, steps }): plan. A control-flow
// step ({ kind: 'cond' | 'while' | 'while_grad' }) carries its sub-plans as `subplans`.
Napi::Value create_plan(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    return wrap_shared(env, read_plan(env, info[0]), kPlanTag);
}

// createStore({ allowSoftPlacement?, preferCuda? }): the Session's variables and placement.
Napi::Value create_store(const Napi::CallbackInfo & info) {
    auto store = std::make_shared<VariableStore>();
    store->placement = default_placement();
    if (info.Length() > 0 && info[0].IsObject()) {
        Napi::Object o = info[0].As<Napi::Object>();
        Napi::Value soft = o.Get("allowSoftPlacement"), cuda = o.Get("preferCuda");
        if (!soft.IsUndefined()) store->placement.allow_soft_placement = soft.ToBoolean().Value();
        if (!cuda.IsUndefined()) store->placement.prefer_cuda = cuda.ToBoolean().Value();
    }
    return wrap_shared(info.Env(), store, kStoreTag);
}

namespace {

struct RunArgs {
    std::shared_ptr<Plan> plan;
    std::shared_ptr<VariableStore> store;
    std::vector<Tensor> feeds;
};

RunArgs read_run_args(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    return {unwrap_shared<Plan>(env, info[0], kPlanTag, "run: plan"),
            unwrap_shared<VariableStore>(env, info[1], kStoreTag, "run: variable store"),
            unwrap_tensors(env, info[2], "run: feed")};
}

} // namespace

Napi::Value run_plan_sync(const Napi::CallbackInfo & info) {
    RunArgs a = read_run_args(info);
    return wrap_tensors(info.Env(), run_plan(*a.plan, *a.store, a.feeds));
}

namespace {

// The whole step runs on a libuv worker thread; the event loop keeps turning meanwhile.
class RunWorker : public Napi::AsyncWorker {
  public:
    RunWorker(Napi::Env env, RunArgs args)
        : Napi::AsyncWorker(env, "nodeflow.run"), args_(std::move(args)), deferred_(env) {}
    Napi::Promise promise() { return deferred_.Promise(); }

    void Execute() override {
        try {
            results_ = run_plan(*args_.plan, *args_.store, args_.feeds);
        } catch (const std::exception & e) {
            SetError(e.what());
        }
    }
    void OnOK() override { deferred_.Resolve(wrap_tensors(Env(), results_)); }
    void OnError(const Napi::Error & e) override { deferred_.Reject(e.Value()); }

  private:
    RunArgs args_;
    std::vector<Tensor> results_;
    Napi::Promise::Deferred deferred_;
};

} // namespace

Napi::Value run_plan_async(const Napi::CallbackInfo & info) {
    auto * worker = new RunWorker(info.Env(), read_run_args(info));
    Napi::Promise p = worker->promise();
    worker->Queue();
    return p;
}

namespace {

std::shared_ptr<VariableStore> store_arg(const Napi::CallbackInfo & info) {
    return unwrap_shared<VariableStore>(info.Env(), info[0], kStoreTag, "variable store");
}

int64_t var_id_arg(const Napi::Value & v) {
    NF_CHECK(v.IsNumber(), "variable id must be a number");
    return (int64_t)v.As<Napi::Number>().DoubleValue();
}

} // namespace

// storeGet(store, id): a host copy of the value, or null when uninitialised.
Napi::Value store_get(const Napi::CallbackInfo & info) {
    auto store = store_arg(info);
    std::lock_guard<std::mutex> lock(store->mu);
    auto it = store->values.find(var_id_arg(info[1]));
    if (it == store->values.end()) return info.Env().Null();
    const Tensor & v = it->second;
    Tensor host = v.device() == Device::CPU ? v.clone() : to_device(v, Device::CPU);
    return wrap_tensor(info.Env(), host);
}

// storeSet(store, id, value): stores a private copy (restores, eager initialisation) on the
// device the store's variables live on.
Napi::Value store_set(const Napi::CallbackInfo & info) {
    auto store = store_arg(info);
    Tensor v = unwrap_tensor(info.Env(), info[2], "storeSet: value");
    std::lock_guard<std::mutex> lock(store->mu);
    const Device dev = variable_device(*store, DeviceRequest::ANY);
    store->values[var_id_arg(info[1])] = v.device() == dev ? v.clone() : to_device(v, dev);
    return info.Env().Undefined();
}

Napi::Value store_clear(const Napi::CallbackInfo & info) {
    auto store = store_arg(info);
    std::lock_guard<std::mutex> lock(store->mu);
    store->values.clear();
    return info.Env().Undefined();
}

// storeGetCounter(store): the random-run counter (VariableStore::random_runs).
Napi::Value store_get_counter(const Napi::CallbackInfo & info) {
    auto store = store_arg(info);
    std::lock_guard<std::mutex> lock(store->mu);
    return Napi::Number::New(info.Env(), (double)store->random_runs);
}

// storeSetCounter(store, n): restores the counter from a checkpoint.
Napi::Value store_set_counter(const Napi::CallbackInfo & info) {
    auto store = store_arg(info);
    NF_CHECK(info[1].IsNumber(), "storeSetCounter: the counter must be a number");
    double n = info[1].As<Napi::Number>().DoubleValue();
    // The random ops' `counter` attr must be an integer in [0, 9e15) (Attrs::get_int).
    NF_CHECK(n >= 0 && n < 9.0e15 && n == std::floor(n),
             "storeSetCounter: the counter must be an integer in [0, 9e15), got %g", n);
    std::lock_guard<std::mutex> lock(store->mu);
    store->random_runs = (int64_t)n;
    return info.Env().Undefined();
}

// planPlacement(plan): [{ node, op, device }] for the steps of the plan's last run.
Napi::Value plan_placement(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    auto plan = unwrap_shared<Plan>(env, info[0], kPlanTag, "planPlacement: plan");
    std::lock_guard<std::mutex> lock(plan->mu);
    Napi::Array rows = Napi::Array::New(env);
    for (size_t k = 0; k < plan->steps.size() && k < plan->placed.size(); k++) {
        if (plan->placed[k] < 0) continue;
        const Step & st = plan->steps[k];
        Napi::Object r = Napi::Object::New(env);
        r.Set("node", st.node);
        r.Set("op", st.kind == Step::OP           ? st.op
                    : st.kind == Step::VAR_READ   ? "variable"
                    : st.kind == Step::COND       ? "cond"
                    : st.kind == Step::WHILE      ? "while"
                    : st.kind == Step::WHILE_GRAD ? "while_grad"
                                                  : "assign");
        r.Set("device", device_name((Device)plan->placed[k]));
        rows.Set(rows.Length(), r);
    }
    return rows;
}

} // namespace nf::binding
