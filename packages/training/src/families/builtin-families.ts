import { registerModel } from '../registry.js';
import { gbdt } from './gbdt.js';
import { logisticRegression } from './logistic-regression.js';
import { mlp } from './mlp.js';

// Built-in families register on first import; replace: true keeps re-imports (tests, workers) harmless.
registerModel('logistic_regression', () => logisticRegression, { replace: true });
registerModel('gbdt', () => gbdt, { replace: true });
registerModel('mlp', () => mlp, { replace: true });
