import { registerModel } from '../registry.js';
import { gbdt } from './gbdt.js';
import { logisticRegression } from './logistic-regression.js';
import { mlp } from './mlp.js';

const BUILTINS = { logistic_regression: logisticRegression, gbdt, mlp } as const;

// Built-in families register on first import; replace: true keeps re-imports (tests, workers) harmless.
for (const [name, model] of Object.entries(BUILTINS)) registerModel(name, () => model, { replace: true });

/** Families every thread (and every worker) has without registering anything. */
export function registeredBuiltins(): string[] {
  return Object.keys(BUILTINS).sort();
}
