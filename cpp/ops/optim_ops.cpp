// Optimizer update ops (TF 1.x Apply*, and the moving-average update; hyperparameters are scalar tensor inputs, as in
// ResourceApply*, so they can be placeholders or decayed values). Each op updates input 0 (the
// variable) and its slot inputs in place and returns the variable (no allocation). Shapes:
// var, slots and grad agree (-1 dims are unknown at graph-build time); the rest are scalars.
#include "cpu/optim.h"
#include <set>

namespace nf {

namespace {

// One op's signature: input names, and which inputs have the variable's shape (the rest are
// scalars). Attributes other than `attrs` are rejected.
struct ApplySig {
    std::vector<const char *> inputs;
    std::set<int> full;
    std::vector<const char *> attrs;
};

std::vector<TensorMeta> infer_apply(const std::vector<TensorMeta> & in, const Attrs & attrs,
                                    const ApplySig & sig) {
    check_float(in[0], "var");
    for (size_t i = 1; i < in.size(); i++) {
        NF_CHECK(in[i].dtype == in[0].dtype, "'%s' has dtype %s but var is %s", sig.inputs[i],
                 dtype_name(in[i].dtype), dtype_name(in[0].dtype));
    }
    Shape shape = in[0].shape;
    for (size_t i = 1; i < in.size(); i++) {
        const Shape & s = in[i].shape;
        if (!sig.full.count((int)i)) {
            NF_CHECK(s.empty(), "'%s' must be a scalar, got shape %s", sig.inputs[i],
                     shape_str(s).c_str());
            continue;
        }
        bool ok = s.size() == shape.size();
        for (size_t d = 0; ok && d < s.size(); d++) {
            ok = s[d] < 0 || shape[d] < 0 || s[d] == shape[d];
            if (ok && shape[d] < 0) shape[d] = s[d];   // a known dim fills an unknown one
        }
        NF_CHECK(ok, "'%s' shape %s does not match var shape %s", sig.inputs[i],
                 shape_str(s).c_str(), shape_str(in[0].shape).c_str());
    }
    for (auto & kv : attrs.values) {
        bool known = kv.first == "use_locking";   // accepted for TF parity; runs are serialised
        for (const char * a : sig.attrs) known = known || kv.first == a;
        NF_CHECK(known, "unknown attribute '%s'", kv.first.c_str());
        attrs.get_bool(kv.first);                 // each one is a boolean flag
    }
    return {{in[0].dtype, shape}};
}

const ApplySig kGradientDescent{{"var", "alpha", "delta"}, {2}, {}};
const ApplySig kMomentum{{"var", "accum", "lr", "grad", "momentum"}, {1, 3}, {"use_nesterov"}};
const ApplySig kAdagrad{{"var", "accum", "lr", "grad"}, {1, 3}, {}};
const ApplySig kAdadelta{{"var", "accum", "accum_update", "lr", "rho", "epsilon", "grad"},
                         {1, 2, 6}, {}};
const ApplySig kRmsProp{{"var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"},
                        {1, 2, 7}, {}};
const ApplySig kCenteredRmsProp{
    {"var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"}, {1, 2, 3, 8}, {}};
const ApplySig kAdam{{"var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1", "beta2",
                      "epsilon", "grad"},
                     {1, 2, 9}, {"use_nesterov"}};
// tf.train.ExponentialMovingAverage's update: var -= (var - value) * (1 - decay).
const ApplySig kMovingAverage{{"var", "decay", "value"}, {2}, {}};

template <const ApplySig & S>
std::vector<TensorMeta> infer(const std::vector<TensorMeta> & in, const Attrs & attrs) {
    return infer_apply(in, attrs, S);
}

void reg(const char * name, const ApplySig & sig, InferFn fn, KernelFn kernel) {
    const int n = (int)sig.inputs.size();
    // OP_STRIDED: dispatch must not densify var/slots into copies (the update would be lost);
    // the kernel checks they are dense and densifies only the gradient.
    OpDef def{name, n, n, fn, kernel, OP_STRIDED | OP_KERNEL_ALLOCATES};
    // Written in place: the variable and its slots (every full-shape input but the last, the
    // gradient).
    def.in_place = 1;
    for (int i : sig.full) def.in_place |= 1u << i;
    def.in_place &= ~(1u << *sig.full.rbegin());
    register_op(def);
}

} // namespace

void register_optim_ops() {
    reg("apply_gradient_descent", kGradientDescent, infer<kGradientDescent>,
        cpu::apply_gradient_descent_cpu);
    reg("apply_momentum", kMomentum, infer<kMomentum>, cpu::apply_momentum_cpu);
    reg("apply_adagrad", kAdagrad, infer<kAdagrad>, cpu::apply_adagrad_cpu);
    reg("apply_adadelta", kAdadelta, infer<kAdadelta>, cpu::apply_adadelta_cpu);
    reg("apply_rms_prop", kRmsProp, infer<kRmsProp>, cpu::apply_rms_prop_cpu);
    reg("apply_centered_rms_prop", kCenteredRmsProp, infer<kCenteredRmsProp>,
        cpu::apply_centered_rms_prop_cpu);
    reg("apply_adam", kAdam, infer<kAdam>, cpu::apply_adam_cpu);
    reg("apply_moving_average", kMovingAverage, infer<kMovingAverage>, cpu::apply_moving_average_cpu);
}

} // namespace nf
