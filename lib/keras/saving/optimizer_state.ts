/**
 * The optimizer's variables in model files, each with its role, so they can be matched with a
 * rebuilt model's optimizer whatever their names: 'learning_rate', 'iterations', a slot (its name,
 * e.g. Adam's 'm', and the index of its weight in model.weights) or a non-slot variable (its
 * name within the optimizer, e.g. 'beta1_power').
 */
import type { Variable } from '../../graph/variables.js';
import type { Model } from '../engine/model.js';

export type OptimizerRole = 'learning_rate' | 'iterations' | 'slot' | 'nonslot';

export interface OptimizerRef {
  role: OptimizerRole;
  slot?: string;
  weight?: number;
  name?: string;
}

/** The optimizer's variables with their roles (none before the training step is built). */
export function optimizerEntries(model: Model): { v: Variable; ref: OptimizerRef }[] {
  if (!model.optimizer || !model.training?.trainOp) return [];
  const st = model.optimizer.state(model.graph!);
  const out: { v: Variable; ref: OptimizerRef }[] = [];
  if (st.learningRate) out.push({ v: st.learningRate, ref: { role: 'learning_rate' } });
  out.push({ v: st.iterations, ref: { role: 'iterations' } });
  const slots = new Set<Variable>();
  model.weights.forEach((w, weight) => {
    for (const slot of st.optimizer.getSlotNames()) {
      const v = st.optimizer.getSlot(w, slot);
      if (v) {
        slots.add(v);
        out.push({ v, ref: { role: 'slot', slot, weight } });
      }
    }
  });
  for (const v of model.graph!.asDefault(() => st.optimizer.variables())) {
    if (!slots.has(v)) out.push({ v, ref: { role: 'nonslot', name: v.opName.split('/').pop() } });
  }
  return out;
}

/** Pairs saved entries (role + key) with this model's optimizer variables. */
export function matchOptimizer(
  model: Model,
  saved: (OptimizerRef & { key: string })[],
): { v: Variable; key: string }[] {
  const mine = optimizerEntries(model);
  return saved.map((e) => {
    const hit = mine.find(({ ref }) => {
      if (ref.role !== e.role) return false;
      if (e.role === 'slot') return ref.slot === e.slot && ref.weight === e.weight;
      if (e.role === 'nonslot') return ref.name === e.name;
      return true;
    });
    if (!hit) {
      throw new Error(
        `loadModel: the optimizer has no variable for the saved ${e.role} '${e.key}'`,
      );
    }
    return { v: hit.v, key: e.key };
  });
}
