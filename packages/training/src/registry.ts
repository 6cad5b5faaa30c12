import { TrainingError } from './errors.js';
import { BUILTIN_FAMILIES } from './families/builtin-families.js';
import type { Model, ModelFactory } from './model-interface.js';

// Seeded here rather than by a module imported for what it does on load: the package declares
// "sideEffects": false, so a bundler drops such an import and would leave no families.
const factories = new Map<string, ModelFactory>(Object.entries(BUILTIN_FAMILIES).map(([name, model]) => [name, () => model]));

/** Registers a model family under `name` so `trainModel(table, { family: name })` selects it. */
export function registerModel(name: string, factory: ModelFactory, options: { replace?: boolean } = {}): void {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    throw new TrainingError('HOKUSAI_TRAINING_INVALID_OPTIONS', `The model name "${name}" must be lowercase letters, digits and underscores, starting with a letter.`);
  }
  if (factories.has(name) && options.replace !== true) {
    throw new TrainingError('HOKUSAI_FAMILY_EXISTS', `A model family named "${name}" is already registered. Pick another name or pass { replace: true }.`);
  }
  factories.set(name, factory);
}

export function registeredModels(): string[] {
  return [...factories.keys()].sort();
}

export function createModel(name: string): Model {
  const factory = factories.get(name);
  if (factory === undefined) {
    throw new TrainingError('HOKUSAI_UNKNOWN_FAMILY', `Unknown model family "${name}". Registered families: ${registeredModels().join(', ')}. Register custom ones with registerModel().`, { family: name });
  }
  return factory();
}
