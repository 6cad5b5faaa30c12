import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { ServerError } from './errors.js';

/** Reads a JSON body of at most `maxBytes` and checks it against a schema. */
export async function readJson<T extends z.ZodType>(request: IncomingMessage, schema: T, maxBytes: number): Promise<z.infer<T>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new ServerError('HOKUSAI_BODY_TOO_LARGE', `The request body is larger than ${maxBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new ServerError('HOKUSAI_BODY_NOT_JSON', `The request body is not valid JSON: ${(error as Error).message}.`);
  }
  return parseWith(schema, value, 'request body');
}

/** Checks a value against a schema; the error names every offending key. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ServerError('HOKUSAI_REQUEST_INVALID', `Invalid ${what}: ${problems}.`);
  }
  return parsed.data as z.infer<T>;
}
