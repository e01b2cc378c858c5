// Control-flow steps: TF's functional If and While (tf.cond, tf.whileLoop) and the While's
// gradient, each running sub-plans of its Step (lib/graph/cond.ts, while_loop.ts build them).
//
// COND        inputs [pred, captures (m)]; subplans [then, else], each fed the m captures and
//             fetching the outputs. pred is a bool scalar; only the chosen branch runs.
// WHILE       attrs n, k, e, s, max_iterations (-1: none), record, out<j>_shape / out<j>_dtype;
//             inputs [loop vars (n), per-iteration inputs (e), captures (m)]; subplans [cond:
//             fed vars + captures, fetches a bool scalar; body: fed vars, row i of each
//             per-iteration input, captures; fetches the next vars (n), k per-iteration
//             outputs and s saved values]; outputs [final vars (n), packed (n), shapes (n),
//             stacked (k), (packed, shapes) per saved value (2s)]. Saved values are tensors of
//             the body its gradient reads (recorded like the variables, with `record`), so the
//             gradient does not compute the body again.
//             Per-iteration inputs and outputs are what tf.scan, tf.mapFn and tf.nn.dynamicRnn
//             read and write (TF's TensorArrays): iteration i gets row i of each input as a view,
//             and output j comes out stacked, [iterations, ...shape] (with no iteration, empty of
//             its attr shape). With `record` (the plan differentiates the loop), var k's values
//             at the start of every iteration are packed: their elements in one 1-D tensor, and
//             their shapes as int32 [iterations, rank] (a variable may change shape within its
//             invariant); else the history outputs stay empty.
// WHILE_GRAD  attrs n, k, e, s; inputs [packed (n), shapes (n), per-iteration inputs (e), captures
//             (m), dy of the final vars (n), dy of the stacked outputs (k), (packed, shapes) of
//             s saved values]; subplans [gradient body: fed vars (n), rows (e), captures (m),
//             dvars (n), d outputs of the iteration (k), the iteration's saved values (s);
//             fetches d vars (n), d rows (e), d captures (m)], run for the iterations in
//             reverse; outputs [d initial vars (n), d per-iteration inputs (e: row i from
//             iteration i, zero past the last), d captures (m, summed over iterations)].
// A sub-plan fetch of -1 marks an output nothing reads: it is not computed and comes back empty
// (the loop's own variables and their gradients are always computed).
// Iteration i of a loop runs its sub-plans with its own salt, so random ops draw fresh numbers
// each iteration, and the gradient's replay of iteration i draws the very same ones.
#pragma once
#include "graph/executor.h"

namespace nf {

inline bool is_control_step(const Step & st) {
    return st.kind == Step::COND || st.kind == Step::WHILE || st.kind == Step::WHILE_GRAD;
}

// Arities of inputs, outputs and sub-plan feeds/fetches (validate_plan).
void check_control_step(const Step & st);

// Runs a control-flow step on its inputs (store locked by the caller); returns its outputs.
std::vector<Tensor> run_control_step(const Step & st, const std::vector<Tensor> & in, VariableStore & store,
                                     int64_t salt);

} // namespace nf
