import { z } from 'zod';
import { ERROR_KINDS, errnoKind, type ErrorKind } from './error-kind.js';

/**
 * Set on every HokusaiError under a registry-wide symbol, so `isInstance` recognises an error
 * made by another installed copy of this package (where `instanceof` fails: each copy has its own
 * class object).
 */
const MARKER = Symbol.for('@hokusai/core/HokusaiError');

/** Where in the user's input the problem is, when that is known. */
export interface ErrorLocation {
  file?: string;
  /** 1-based data row number (a header row is not counted). */
  row?: number;
  column?: string;
  /** 1-based physical line, when it differs from the row (CSV with quoted line breaks, a journal). */
  line?: number;
}

export interface HokusaiErrorOptions extends ErrorLocation {
  kind: ErrorKind;
  cause?: unknown;
  /**
   * Machine-readable context that travels with the error (never a raw PII value or a key). It
   * crosses threads and queues as JSON, so it must be JSON-serialisable.
   */
  details?: Record<string, unknown>;
}

/** The JSON form of a HokusaiError: what crosses worker threads, BullMQ and the run store. */
export const HokusaiErrorJsonSchema = z.object({
  hokusai_error: z.literal(1),
  name: z.string().min(1),
  code: z.string().regex(/^HOKUSAI_[A-Z0-9_]+$/),
  kind: z.enum(ERROR_KINDS as [ErrorKind, ...ErrorKind[]]),
  message: z.string(),
  file: z.string().optional(),
  row: z.number().int().optional(),
  column: z.string().optional(),
  line: z.number().int().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type HokusaiErrorJson = z.infer<typeof HokusaiErrorJsonSchema>;

/**
 * The base of every error a Hokusai package raises. `code` is stable and unique across the
 * packages (callers branch on it, never on the message); `kind` says whether the caller's input
 * is at fault, whether a retry may help, or whether Hokusai itself is; `file`, `row` and `column`
 * say where, when that is known.
 */
export class HokusaiError<C extends string = string> extends Error {
  readonly code: C;
  readonly kind: ErrorKind;
  declare readonly file?: string;
  declare readonly row?: number;
  declare readonly column?: string;
  declare readonly line?: number;
  declare readonly details?: Readonly<Record<string, unknown>>;
  private readonly [MARKER] = true;

  constructor(code: C, message: string, options: HokusaiErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HokusaiError';
    this.code = code;
    this.kind = options.kind;
    if (options.file !== undefined) this.file = options.file;
    if (options.row !== undefined) this.row = options.row;
    if (options.column !== undefined) this.column = options.column;
    if (options.line !== undefined) this.line = options.line;
    if (options.details !== undefined) this.details = options.details;
  }

  /** True for a HokusaiError from any installed copy of this package. */
  static isInstance(error: unknown): error is HokusaiError {
    return typeof error === 'object' && error !== null && (error as { [MARKER]?: unknown })[MARKER] === true;
  }

  toJSON(): HokusaiErrorJson {
    const json: HokusaiErrorJson = { hokusai_error: 1, name: this.name, code: this.code, kind: this.kind, message: this.message };
    if (this.file !== undefined) json.file = this.file;
    if (this.row !== undefined) json.row = this.row;
    if (this.column !== undefined) json.column = this.column;
    if (this.line !== undefined) json.line = this.line;
    if (this.details !== undefined) json.details = { ...this.details };
    return json;
  }

  /**
   * Rebuilds an error from its JSON form (an object or its text). Anything that is not one comes
   * back as undefined, so the caller decides what an unreadable failure means.
   */
  static fromJSON(json: unknown): HokusaiError | undefined {
    const fields = HokusaiError.parseJSON(json);
    if (fields === undefined) return undefined;
    const error = new HokusaiError(fields.code, fields.message, optionsOf(fields));
    error.name = fields.name;
    return error;
  }

  /** The fields of an error's JSON form, checked; for a package's own `fromJSON`. */
  protected static parseJSON(json: unknown): HokusaiErrorJson | undefined {
    let value = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json) as unknown;
      } catch {
        return undefined;
      }
    }
    const parsed = HokusaiErrorJsonSchema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  }
}

/** The constructor options that rebuild an error from its JSON form. */
export function optionsOf(json: HokusaiErrorJson): HokusaiErrorOptions {
  const options: HokusaiErrorOptions = { kind: json.kind };
  if (json.file !== undefined) options.file = json.file;
  if (json.row !== undefined) options.row = json.row;
  if (json.column !== undefined) options.column = json.column;
  if (json.line !== undefined) options.line = json.line;
  if (json.details !== undefined) options.details = json.details;
  return options;
}

/**
 * The kind of any thrown value: a HokusaiError's own; a Node system error's by its errno code
 * (a missing or read-only path is the user's input, a refused connection passes); anything else
 * is a fault of ours.
 */
export function errorKind(error: unknown): ErrorKind {
  if (HokusaiError.isInstance(error)) return error.kind;
  const code = errorCode(error);
  return (code === undefined ? undefined : errnoKind(code)) ?? 'internal';
}

/** The `code` of a HokusaiError or of a Node system error, else undefined. */
export function errorCode(error: unknown): string | undefined {
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * Whether running the same work again may succeed: a transient fault (a lost worker, a timeout, a
 * refused connection) or an untyped crash may pass; bad input stays bad, and a typed fault of the
 * pipeline's own (or a missing or read-only path) would only fail again.
 */
export function isRetryable(error: unknown): boolean {
  const kind = errorKind(error);
  return kind === 'transient' || (kind === 'internal' && !HokusaiError.isInstance(error));
}
