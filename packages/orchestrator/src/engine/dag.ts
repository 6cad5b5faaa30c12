import { OrchestratorError } from '../errors.js';
import type { StepDefinition } from './step.js';

/**
 * Checks the flow's steps form a DAG and returns them in a stable topological order
 * (declaration order among steps that are ready together).
 */
export function topologicalOrder(steps: readonly StepDefinition[]): StepDefinition[] {
  const byName = new Map<string, StepDefinition>();
  for (const step of steps) {
    if (byName.has(step.name)) throw new OrchestratorError('HOKUSAI_FLOW_INVALID', `Step "${step.name}" is declared twice.`);
    byName.set(step.name, step);
  }
  for (const step of steps) {
    for (const input of step.inputs) {
      if (!byName.has(input)) {
        throw new OrchestratorError('HOKUSAI_FLOW_INVALID', `Step "${step.name}" reads "${input}", which no step produces.`);
      }
    }
    if (step.foreach !== undefined && !step.inputs.includes(step.foreach)) {
      throw new OrchestratorError('HOKUSAI_FLOW_INVALID', `Step "${step.name}" fans out over "${step.foreach}", which is not one of its inputs.`);
    }
  }
  const order: StepDefinition[] = [];
  const placed = new Set<string>();
  while (order.length < steps.length) {
    const ready = steps.filter((s) => !placed.has(s.name) && s.inputs.every((i) => placed.has(i)));
    if (ready.length === 0) {
      const stuck = steps.filter((s) => !placed.has(s.name)).map((s) => s.name);
      throw new OrchestratorError('HOKUSAI_FLOW_INVALID', `The steps ${stuck.join(', ')} depend on each other in a cycle.`);
    }
    for (const s of ready) {
      order.push(s);
      placed.add(s.name);
    }
  }
  return order;
}
