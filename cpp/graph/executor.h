// Graph executor: runs a compiled plan (steps in topological order over numbered value slots)
// against a Session's variable store, in one native call. Slots are freed after their last use.
// Variable reads alias the stored tensor (TF 1.x ref-variable semantics): assignments and
// optimizer updates write in place, so later steps of the same run see the new value.
// Placement: each OP step runs where place_op (ops/dispatch.h) puts it; an input on the other
// device is copied once per run (constants once per plan); variables live on the device their
// assign asked for (CUDA when present); fetched values always come back to the host.
#pragma once
#include "ops/dispatch.h"
#include <map>
#include <mutex>

namespace nf {

struct Step {
    enum Kind { OP, VAR_READ, ASSIGN, ASSIGN_ADD, ASSIGN_SUB };
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
};

struct Plan {
    int num_slots = 0;
    std::vector<std::pair<int, Tensor>> consts;
    std::vector<int> feeds;
    std::vector<int> fetches;
    std::vector<Step> steps;
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

// Validates slot indices and op names once, at compile time; throws nf::Error.
void validate_plan(const Plan & plan);
// Runs the plan; feeds[i] fills plan.feeds[i]. Returns one host tensor per fetch (a copy when
// the fetched value aliases a variable, so later updates never change a returned value).
std::vector<Tensor> run_plan(const Plan & plan, VariableStore & store, const std::vector<Tensor> & feeds);

} // namespace nf
