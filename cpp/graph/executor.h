// Graph executor: runs a compiled plan (steps in topological order over numbered value slots)
// against a Session's variable store, in one native call. Slots are freed after their last use.
// Variable reads alias the stored tensor (TF 1.x ref-variable semantics): assignments and
// optimizer updates write in place, so later steps of the same run see the new value.
// Placement: each OP step runs where place_op (ops/dispatch.h) puts it; an input on the other
// device is copied once per run (constants once per plan); variables live on the device their
// assign asked for (CUDA when present); fetched values always come back to the host.
// Control flow (tf.cond, tf.whileLoop and its gradient) are steps that run sub-plans:
// cpp/graph/control_flow.h.
#pragma once
#include "ops/dispatch.h"
#include <map>
#include <mutex>

#include <memory>

namespace nf {

struct Plan;

struct Step {
    enum Kind { OP, VAR_READ, ASSIGN, ASSIGN_ADD, ASSIGN_SUB, COND, WHILE, WHILE_GRAD };
    Kind kind = OP;
    std::string op;              // native op name (OP)
    std::string node;            // graph node name, for error messages
    std::vector<int> inputs;
    std::vector<int> outputs;
    Attrs attrs;
    bool stateful = false;       // random ops: attrs.counter is set per run (random_runs)
    int64_t var_id = -1;         // VAR_READ / ASSIGN*
    std::vector<int> free_after; // slots whose last use is this step
    DeviceRequest device = DeviceRequest::ANY;   // the node's tf.device
    // COND: [then, else]; WHILE: [cond, body]; WHILE_GRAD: [gradient body]. What each one is
    // fed and fetches: control_flow.h.
    std::vector<std::shared_ptr<const Plan>> subplans;
};

struct Plan {
    int num_slots = 0;
    std::vector<std::pair<int, Tensor>> consts;
    std::vector<int> feeds;
    std::vector<int> fetches;
    std::vector<Step> steps;
    bool draws_random = false;   // a stateful step here or in a sub-plan (set by validate_plan)
    // Filled by runs: device copies of constants (they never change), and the device each
    // OP step last ran on (-1: not run yet), for logDevicePlacement.
    mutable std::mutex mu;
    mutable std::map<int, Tensor> const_copies;
    mutable std::vector<int> placed;
};

// A Session's variables. Runs on one store are serialised by `mu`.
struct VariableStore {
    std::mutex mu;
    std::map<int64_t, Tensor> values;
    std::map<int64_t, std::string> names;
    // Runs so far that drew random numbers (plans with a stateful step); the `counter` attr of
    // their random steps. Only those runs count, so fetching a variable or a step number never
    // shifts the random stream, and checkpoints save and restore it (Saver), so a resumed
    // Session continues the very stream an uninterrupted one would have drawn.
    int64_t random_runs = 0;
    PlacementOptions placement;
};

// The device variables of a store go to when a node asks for `req`.
Device variable_device(const VariableStore & store, DeviceRequest req);

// Validates slot indices, op names and control-flow arities once, at compile time (sub-plans
// too); sets draws_random. Throws nf::Error.
void validate_plan(Plan & plan);
// Runs the plan; feeds[i] fills plan.feeds[i]. Returns one host tensor per fetch (a copy when
// the fetched value aliases a variable, so later updates never change a returned value).
std::vector<Tensor> run_plan(const Plan & plan, VariableStore & store, const std::vector<Tensor> & feeds);

// True if t shares storage with a variable of the store.
bool aliases_variable(const Tensor & t, const VariableStore & store);

// Runs a sub-plan inside a run (the store is already locked): returns the fetched values where
// they are, device tensors included. `salt` tells loop iterations apart, so the random ops of each
// iteration draw their own numbers (0 outside loops: the top-level stream is unchanged).
std::vector<Tensor> run_subplan(const Plan & plan, VariableStore & store, const std::vector<Tensor> & feeds,
                                int64_t salt);

} // namespace nf
