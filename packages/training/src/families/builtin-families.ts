import { registerModel } from '../registry.js';
import { logisticRegression } from './logistic-regression.js';

// Built-in families register on first import; replace: true keeps re-imports (tests, workers) harmless.
registerModel('logistic_regression', () => logisticRegression, { replace: true });
