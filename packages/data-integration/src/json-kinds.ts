import type { BuilderState } from './column-builder.js';
import type { ColumnType } from './column.js';
import { isNullToken, NON_FINITE_TOKENS, parseBool, parseNumberText, parsedNumber, parseTimestamp } from './text-values.js';

/** What a JSON record reader pushes a column's values into: a ColumnBuilder, or a JsonKindTracker. */
export interface JsonValueSink {
  readonly state: BuilderState;
  pushValue(v: unknown): void;
}

/**
 * The type an undeclared ColumnBuilder gives a JSON column, followed value by value without
 * keeping the values: pass 1 of a batched JSON read (see json-batches). The type of a JSON column
 * depends on the order of its values (a bool then the string "x" is a mismatch, the string "x"
 * then a bool is text), so batches cannot be typed apart and joined as CSV batches are; this
 * runs ColumnBuilder.pushValue's state machine over the whole file instead. It mirrors that
 * method (and pushText, which it calls) transition for transition; a property test holds the two
 * together.
 */
export class JsonKindTracker implements JsonValueSink {
  state: BuilderState = 'unknown';
  length = 0;
  allInt = true;
  nonFiniteCount = 0;
  /** Row (1-based) of the first NaN or Infinity, 0 when none. */
  firstNonFinite = 0;

  pushValue(v: unknown): void {
    if (v === null || v === undefined) return this.row();
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return this.nonFinite();
      if (this.state === 'unknown') this.state = 'number';
      if (this.state === 'number') return this.number(v, Number.isInteger(v));
      return this.demote();
    }
    if (typeof v === 'boolean') {
      if (this.state === 'unknown') this.state = 'bool';
      if (this.state === 'bool') return this.row();
      return this.text(String(v), false);
    }
    if (typeof v === 'string') {
      if (this.state === 'unknown') this.state = Number.isNaN(parseTimestamp(v)) ? 'string' : 'timestamp';
      // A timestamp column meeting a string that is not one becomes text, keeping what it read.
      else if (this.state === 'timestamp' && Number.isNaN(parseTimestamp(v))) this.state = 'string';
      if (this.state === 'number') return this.demote();
      return this.text(v, true);
    }
    return this.text(JSON.stringify(v), false);
  }

  /** ColumnBuilder.pushText, undeclared. */
  private text(text: string, quoted: boolean): void {
    if (quoted ? text === '' && this.state !== 'string' : isNullToken(text)) return this.row();
    switch (this.state) {
      case 'demoted':
      case 'string':
        return this.row();
      case 'unknown':
        if (parseNumberText(text)) {
          this.state = 'number';
          return this.number(parsedNumber.value, parsedNumber.isInt);
        }
        if (NON_FINITE_TOKENS.has(text)) {
          this.state = 'number';
          return this.nonFinite();
        }
        this.state = parseBool(text) >= 0 ? 'bool' : Number.isNaN(parseTimestamp(text)) ? 'string' : 'timestamp';
        return this.row();
      case 'number':
        if (parseNumberText(text)) return this.number(parsedNumber.value, parsedNumber.isInt);
        if (NON_FINITE_TOKENS.has(text)) return this.nonFinite();
        break;
      case 'bool':
        if (parseBool(text) >= 0) return this.row();
        break;
      case 'timestamp':
        if (!Number.isNaN(parseTimestamp(text))) return this.row();
        break;
    }
    this.demote();
  }

  private row(): void {
    this.length++;
  }

  private number(v: number, isInt: boolean): void {
    if (!isInt || v > 2147483647 || v < -2147483648) this.allInt = false;
    this.length++;
  }

  private nonFinite(): void {
    this.nonFiniteCount++;
    if (this.firstNonFinite === 0) this.firstNonFinite = this.length + 1;
    this.length++;
  }

  private demote(): void {
    this.state = 'demoted';
    this.length++;
  }

  /** ColumnBuilder.inferredType, undeclared. */
  inferredType(): ColumnType | 'null' {
    switch (this.state) {
      case 'unknown':
        return 'null';
      case 'number':
        return this.allInt ? 'int' : 'float';
      case 'bool':
      case 'timestamp':
        return this.state;
      default:
        return 'string';
    }
  }
}
