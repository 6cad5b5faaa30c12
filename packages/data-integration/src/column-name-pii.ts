import { dataError } from './errors.js';
import { BUILTIN_DETECTORS, findSpans } from './pii-detectors.js';

/**
 * Refuses a table whose column names hold personal data (an e-mail address, a phone number…: the
 * built-in detectors' patterns, found anywhere in the name). Names are shown as they are in every
 * manifest, report and tracked parameter, so a value read as a name would leave the package: a
 * headerless file whose first row is data, or JSON records keyed by an e-mail address. The error
 * gives the column's position, never its name.
 */
export function assertNoPiiInNames(names: readonly string[], file: string): void {
  names.forEach((name, k) => {
    const span = findSpans(name, BUILTIN_DETECTORS)[0];
    if (span === undefined) return;
    throw dataError('HOKUSAI_PII_FOUND', `the name of column ${k + 1} holds personal data (${span.type}); column names appear in every report, so they may not`, 'Rename the column; if the first row is data rather than names, add a row of names above it (or load the file with header: false)', { file, context: { column_index: k + 1, pii_type: span.type } });
  });
}
