import busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ServerError } from './errors.js';

/** Data formats a run reads, by file extension, with the media types a client may send for each. */
const FORMATS: Record<string, readonly string[]> = {
  csv: ['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream'],
  json: ['application/json', 'text/json', 'text/plain', 'application/octet-stream'],
  jsonl: ['application/jsonl', 'application/x-ndjson', 'application/json-lines', 'text/plain', 'application/octet-stream'],
  parquet: ['application/vnd.apache.parquet', 'application/x-parquet', 'application/octet-stream'],
};

export interface UploadResult {
  fields: Record<string, string>;
  /** Field name → saved path. */
  files: Record<string, string>;
}

/**
 * Streams a multipart/form-data request to disk: only the named file fields are accepted, each
 * saved as `<field>.<ext>` in `dir`, at most `maxBytes` each; the extension and the part's media
 * type must name a data format. Nothing is held in memory but one chunk.
 */
export function receiveUploads(request: IncomingMessage, options: { dir: string; fileFields: readonly string[]; maxBytes: number; maxFieldBytes: number }): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { fileSize: options.maxBytes, files: options.fileFields.length, fields: 8, fieldSize: options.maxFieldBytes } });
    } catch (error) {
      reject(new ServerError('HOKUSAI_UPLOAD_INVALID', `The multipart request could not be read: ${(error as Error).message}.`));
      return;
    }
    const result: UploadResult = { fields: {}, files: {} };
    const writes: Promise<void>[] = [];
    let failure: ServerError | undefined;
    const fail = (error: ServerError): void => {
      failure ??= error;
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new ServerError('HOKUSAI_FIELD_TOO_LARGE', `The form field ${name} is larger than ${options.maxFieldBytes} bytes.`));
      result.fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      const extension = /\.([A-Za-z0-9]+)$/.exec(info.filename ?? '')?.[1]?.toLowerCase() ?? '';
      const types = FORMATS[extension];
      if (!options.fileFields.includes(field)) {
        fail(new ServerError('HOKUSAI_UPLOAD_FIELD_UNKNOWN', `Unknown file field ${JSON.stringify(field)}; expected ${options.fileFields.join(', ')}.`));
      } else if (types === undefined) {
        fail(new ServerError('HOKUSAI_UPLOAD_FORMAT', `The ${field} file must end in .csv, .json, .jsonl or .parquet.`));
      } else if (!types.includes(info.mimeType.toLowerCase())) {
        fail(new ServerError('HOKUSAI_UPLOAD_CONTENT_TYPE', `The ${field} file is sent as ${info.mimeType}, which is not a media type for .${extension} (${types.join(', ')}).`));
      }
      if (failure !== undefined) {
        stream.resume();
        return;
      }
      const path = join(options.dir, `${field}.${extension}`);
      result.files[field] = path;
      stream.on('limit', () => fail(new ServerError('HOKUSAI_UPLOAD_TOO_LARGE', `The ${field} file is larger than the server's limit of ${options.maxBytes} bytes.`)));
      writes.push(pipeline(stream, createWriteStream(path, { flags: 'wx' })));
    });
    parser.on('error', (error: Error) => reject(new ServerError('HOKUSAI_UPLOAD_INVALID', `The multipart request could not be read: ${error.message}.`)));
    parser.on('close', () => {
      Promise.all(writes).then(
        () => (failure === undefined ? resolve(result) : reject(failure)),
        (error: Error) => reject(failure ?? new ServerError('HOKUSAI_UPLOAD_WRITE_FAILED', `An upload could not be saved: ${error.message}.`)),
      );
    });
    request.pipe(parser);
  });
}
