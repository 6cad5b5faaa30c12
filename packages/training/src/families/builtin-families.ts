import type { Model } from '../model-interface.js';
import { gbdt } from './gbdt.js';
import { logisticRegression } from './logistic-regression.js';
import { mlp } from './mlp.js';

/** Families every thread (and every worker) has without registering anything; the registry starts with them. */
export const BUILTIN_FAMILIES: Readonly<Record<string, Model>> = { logistic_regression: logisticRegression, gbdt, mlp };

export function registeredBuiltins(): string[] {
  return Object.keys(BUILTIN_FAMILIES).sort();
}
