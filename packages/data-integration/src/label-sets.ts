import { basename } from 'node:path';
import type { Column, ColumnTable } from './column.js';
import { tallyLabels } from './label-tally.js';
import { columnPiiLook, showLabel } from './cell-description.js';
import { dataError } from './errors.js';

/** Labels listed in a message; more are counted. */
const SHOWN = 10;

interface LabelledPart {
  label: 'base' | 'contributed' | 'benchmark';
  file: string;
  ct: ColumnTable;
}

/** Distinct labels of one file in order of first appearance, with the row (1-based) of each first one. */
function labelSet(part: LabelledPart, target: string): Map<string, number> {
  const col = part.ct.columns[part.ct.names.indexOf(target)] as Column;
  return new Map([...tallyLabels(col, part.ct.rowCount, false)].map(([label, t]) => [label, t.first + 1]));
}

const fold = (s: string): string => s.trim().toLowerCase();

/** One file's labels for the check: each distinct label with its first row, and the target column (or a part of it) whose look decides whether labels may be shown. */
export interface FileLabels {
  label: 'base' | 'contributed' | 'benchmark';
  file: string;
  rows: number;
  labels: Map<string, number>;
  look: Column;
}

/**
 * The contributed and benchmark files must use the labels of the base data (or, when the base has
 * no rows, of the benchmark): `yes`/`no` beside `Yes`/`No` would otherwise train a model of four
 * classes and fail only after training. A file may hold fewer of the labels, never others.
 */
export function checkLabelSets(parts: readonly LabelledPart[], target: string): void {
  checkFileLabels(
    parts.map((p) => ({ label: p.label, file: p.file, rows: p.ct.rowCount, labels: labelSet(p, target), look: p.ct.columns[p.ct.names.indexOf(target)] as Column })),
    target,
  );
}

/** checkLabelSets over label sets gathered beforehand (in memory, or batch by batch). */
export function checkFileLabels(parts: readonly FileLabels[], target: string): void {
  const reference = parts.find((p) => p.label === 'base' && p.rows > 0) ?? parts.find((p) => p.label === 'benchmark' && p.rows > 0);
  if (reference === undefined) return;
  const refLabels = reference.labels;
  for (const part of parts) {
    if (part === reference || part.rows === 0) continue;
    const labels = part.labels;
    const unknown = [...labels.keys()].filter((l) => !refLabels.has(l));
    if (unknown.length === 0) continue;
    const hidden = columnPiiLook(target, part.look) !== undefined || columnPiiLook(target, reference.look) !== undefined;
    const list = (ls: string[]): string => (hidden ? `${ls.length} labels (values redacted: the column looks like personal data)` : ls.slice(0, SHOWN).map(showLabel).join(', ') + (ls.length > SHOWN ? `, … (${ls.length} in all)` : ''));
    const refFolded = new Set([...refLabels.keys()].map(fold));
    const caseOnly = unknown.every((l) => refFolded.has(fold(l)));
    const first = unknown[0] as string;
    throw dataError(
      'HOKUSAI_LABEL_SET_MISMATCH',
      `the labels of '${target}' differ between files: ${basename(reference.file)} (${reference.label}) has ${list([...refLabels.keys()])}; ${basename(part.file)} (${part.label}) has ${list([...labels.keys()])}${caseOnly ? ' — the same labels in another case or spacing' : ''}`,
      `Write the labels of ${basename(part.file)} exactly as in ${basename(reference.file)}`,
      { file: part.file, row: labels.get(first) as number, column: target, context: { reference: reference.file, unknown_labels: hidden ? unknown.length : unknown.slice(0, SHOWN) } },
    );
  }
}
