import { esc } from './html-escape.js';

/** Display names of the built-in metrics; custom metrics show their own (escaped) name. */
const METRIC_NAMES: Record<string, string> = {
  accuracy: 'Accuracy',
  auroc: 'AUROC',
  average_precision: 'Average precision',
  balanced_accuracy: 'Balanced accuracy',
  brier: 'Brier score',
  f1: 'F1',
  log_loss: 'Log loss',
  precision: 'Precision',
  recall: 'Recall',
};

/** HTML-safe display name of a metric. */
export function metricName(name: string): string {
  return esc(Object.hasOwn(METRIC_NAMES, name) ? (METRIC_NAMES[name] as string) : name);
}

/** The display name inside a sentence: "accuracy", but still "AUROC" and "F1". */
export function metricNameInline(name: string): string {
  const display = metricName(name);
  return Object.hasOwn(METRIC_NAMES, name) && /^[A-Z][a-z]/.test(display) ? display.charAt(0).toLowerCase() + display.slice(1) : display;
}

const TEST_NAMES: Record<string, string> = {
  mcnemar_chi_square_continuity: 'McNemar χ² (continuity-corrected)',
  mcnemar_chi_square: 'McNemar χ²',
  mcnemar_exact_binomial: 'McNemar exact (binomial)',
  mcnemar: 'McNemar',
  delong: 'DeLong',
  paired_bootstrap: 'paired bootstrap',
  paired_bootstrap_ci: 'bootstrap CI',
  newcombe_score_ci: 'Newcombe score CI',
  paired_z: 'paired z-test',
};

/**
 * HTML-safe description of the test behind a metric's p-value and interval, e.g.
 * "mcnemar_chi_square_continuity+paired_bootstrap_ci" or "none: too few rows".
 */
export function testName(test: string): string {
  const colon = test.indexOf(':');
  const names = (colon >= 0 ? test.slice(0, colon) : test)
    .split('+')
    .map((part) => (Object.hasOwn(TEST_NAMES, part) ? (TEST_NAMES[part] as string) : esc(part.replace(/_/g, ' '))))
    .join(' + ');
  const reason = colon >= 0 ? test.slice(colon + 1).trim() : '';
  return reason === '' ? names : `${names} <span class="muted">(${esc(reason)})</span>`;
}
