import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { writeViaTemporary } from '@hokusai/core';
import { TrackingError } from './errors.js';
import type { HttpTransport, RawRequest } from './http-transport.js';
import { errorFromResponse, readJson } from './response-errors.js';

export interface ArtifactFile {
  /** Path relative to the run's artifact root, `/`-separated. */
  path: string;
  isDir: boolean;
  size: number | undefined;
}

export interface ArtifactUploadOptions {
  /** Called after each file; useful for progress. */
  onFile?: (file: ArtifactFile) => void;
}

const ARTIFACTS_API = '/api/2.0/mlflow-artifacts';

const listSchema = z.object({
  files: z.array(z.object({ path: z.string(), is_dir: z.boolean().optional(), file_size: z.coerce.number().optional() })).optional(),
});
const mpuCreateSchema = z.object({
  upload_id: z.string().optional(),
  credentials: z.array(z.object({ url: z.string(), part_number: z.coerce.number(), headers: z.record(z.string(), z.string()).optional() })),
});

/**
 * Where the run's artifacts live under the server's `mlflow-artifacts` proxy. Runs created by a
 * server started with `--serve-artifacts` have `mlflow-artifacts:/<exp>/<run>/artifacts`.
 */
export function proxiedArtifactRoot(artifactUri: string): string {
  if (artifactUri.startsWith('mlflow-artifacts:')) {
    const u = new URL(artifactUri);
    return decodeURIComponent(u.pathname).replace(/^\/+/, '').replace(/\/+$/, '');
  }
  const anchor = '/api/2.0/mlflow-artifacts/artifacts/';
  if (/^https?:/.test(artifactUri) && artifactUri.includes(anchor)) {
    return decodeURIComponent(artifactUri.slice(artifactUri.indexOf(anchor) + anchor.length)).replace(/\/+$/, '');
  }
  throw new TrackingError(
    'HOKUSAI_TRACKING_UNSUPPORTED',
    `The run's artifact location is ${artifactUri}, which the tracking server does not proxy. Start the server with --serve-artifacts (the default in MLflow 2+) and a new experiment, or upload to that store directly.`,
  );
}

/** Checks an artifact path: relative, `/`-separated, no `.` or `..` segments. */
export function cleanArtifactPath(path: string | undefined): string {
  if (path === undefined) return '';
  const trimmed = path.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  const parts = trimmed.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new TrackingError('HOKUSAI_TRACKING_ARTIFACT', `Artifact path "${path}" must be a plain relative folder path (no empty, "." or ".." parts).`);
  }
  return parts.join('/');
}

function encodePath(path: string): string {
  return path
    .split('/')
    .filter((p) => p !== '')
    .map(encodeURIComponent)
    .join('/');
}

interface LocalFile {
  absolute: string;
  /** Destination path inside the run's artifacts. */
  artifact: string;
  size: number;
}

/** Lists the files to upload for `localPath`, in a stable order. */
export async function collectLocalFiles(localPath: string, artifactPath: string | undefined): Promise<{ files: LocalFile[]; isDir: boolean }> {
  const root = resolve(localPath);
  const dest = cleanArtifactPath(artifactPath);
  let info;
  try {
    info = await stat(root);
  } catch (cause) {
    throw new TrackingError('HOKUSAI_TRACKING_ARTIFACT', `Artifact ${root} does not exist or cannot be read: ${(cause as Error).message}.`, { where: root, cause });
  }
  if (info.isFile()) {
    const name = root.split(sep).pop() ?? 'artifact';
    return { files: [{ absolute: root, artifact: dest === '' ? name : `${dest}/${name}`, size: info.size }], isDir: false };
  }
  if (!info.isDirectory()) {
    throw new TrackingError('HOKUSAI_TRACKING_ARTIFACT', `Artifact ${root} is neither a file nor a folder.`, { where: root });
  }
  const files: LocalFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) await walk(abs);
      else if (e.isFile()) {
        const rel = relative(root, abs).split(sep).join('/');
        files.push({ absolute: abs, artifact: dest === '' ? rel : `${dest}/${rel}`, size: (await stat(abs)).size });
      }
    }
  };
  await walk(root);
  return { files, isDir: true };
}

/** Artifact upload, download and listing through the tracking server's `mlflow-artifacts` proxy. */
export class ArtifactClient {
  private multipartUnsupported = false;

  constructor(
    private readonly transport: HttpTransport,
    private readonly artifactUri: (runId: string) => Promise<string>,
    private readonly options: { multipartThresholdBytes: number; multipartChunkBytes: number },
  ) {}

  private async root(runId: string): Promise<string> {
    return proxiedArtifactRoot(await this.artifactUri(runId));
  }

  async upload(runId: string, localPath: string, artifactPath?: string, options: ArtifactUploadOptions = {}): Promise<ArtifactFile[]> {
    const { files } = await collectLocalFiles(localPath, artifactPath);
    const root = await this.root(runId);
    const done: ArtifactFile[] = [];
    for (const f of files) {
      await this.uploadFile(`${root}/${f.artifact}`, f.absolute, f.size);
      const file: ArtifactFile = { path: f.artifact, isDir: false, size: f.size };
      done.push(file);
      options.onFile?.(file);
    }
    return done;
  }

  private async uploadFile(fullPath: string, absolute: string, size: number): Promise<void> {
    if (size >= this.options.multipartThresholdBytes && !this.multipartUnsupported) {
      const uploaded = await this.tryMultipart(fullPath, absolute, size);
      if (uploaded) return;
    }
    const req: RawRequest = {
      method: 'PUT',
      path: `${ARTIFACTS_API}/artifacts/${encodePath(fullPath)}`,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: () => createReadStream(absolute),
    };
    await this.expectOk(req);
  }

  /** Returns false when the server's artifact store cannot do multipart (a plain PUT follows). */
  private async tryMultipart(fullPath: string, absolute: string, size: number): Promise<boolean> {
    const chunk = this.options.multipartChunkBytes;
    const numParts = Math.max(1, Math.ceil(size / chunk));
    const slash = fullPath.lastIndexOf('/');
    const dir = fullPath.slice(0, slash);
    const name = fullPath.slice(slash + 1);
    const mpu = (verb: string, payload: Record<string, unknown>): RawRequest => ({
      method: 'POST',
      path: `${ARTIFACTS_API}/mpu/${verb}/${encodePath(dir)}`,
      headers: { 'content-type': 'application/json' },
      body: () => JSON.stringify(payload),
    });
    let created: z.infer<typeof mpuCreateSchema>;
    try {
      const raw = await this.expectJson(mpu('create', { path: name, num_parts: numParts }));
      const parsed = mpuCreateSchema.safeParse(raw);
      if (!parsed.success) throw new TrackingError('HOKUSAI_TRACKING_SERVER_ERROR', `Multipart create for ${fullPath} answered an unexpected shape.`);
      created = parsed.data;
    } catch (error) {
      if (error instanceof TrackingError && error.code === 'HOKUSAI_TRACKING_UNSUPPORTED') {
        this.multipartUnsupported = true;
        return false;
      }
      throw error;
    }
    const uploadId = created.upload_id ?? '';
    try {
      const parts: Array<{ part_number: number; etag: string; url: string }> = [];
      {
        for (const cred of [...created.credentials].sort((a, b) => a.part_number - b.part_number)) {
          const start = (cred.part_number - 1) * chunk;
          const length = Math.min(chunk, size - start);
          if (length <= 0) break;
          const res = await this.transport.send({
            method: 'PUT',
            path: '',
            absoluteUrl: cred.url,
            headers: { ...(cred.headers ?? {}), 'content-length': String(length) },
            body: () => createReadStream(absolute, { start, end: start + length - 1 }),
          });
          const text = await res.body.text();
          if (res.status < 200 || res.status >= 300) {
            throw new TrackingError('HOKUSAI_TRACKING_ARTIFACT', `Uploading part ${cred.part_number} of ${fullPath} answered ${res.status}: ${text.slice(0, 200)}`, {
              status: res.status,
            });
          }
          const etag = res.headers.etag;
          parts.push({ part_number: cred.part_number, etag: Array.isArray(etag) ? (etag[0] ?? '') : (etag ?? ''), url: cred.url });
        }
      }
      await this.expectJson(mpu('complete', { path: name, upload_id: uploadId, parts }));
      return true;
    } catch (error) {
      await this.expectJson(mpu('abort', { path: name, upload_id: uploadId })).catch(() => undefined);
      throw error;
    }
  }

  async list(runId: string, path: string | undefined, recursive: boolean): Promise<ArtifactFile[]> {
    const root = await this.root(runId);
    const rel = cleanArtifactPath(path);
    const out: ArtifactFile[] = [];
    const visit = async (dir: string): Promise<void> => {
      const raw = await this.expectJson({ method: 'GET', path: `${ARTIFACTS_API}/artifacts`, query: { path: dir === '' ? root : `${root}/${dir}` } });
      const parsed = listSchema.safeParse(raw);
      if (!parsed.success) throw new TrackingError('HOKUSAI_TRACKING_SERVER_ERROR', `Artifact listing of ${dir || '/'} answered an unexpected shape.`);
      const files = (parsed.data.files ?? []).map((f) => ({
        path: dir === '' ? posix.basename(f.path) : `${dir}/${posix.basename(f.path)}`,
        isDir: f.is_dir ?? false,
        size: f.file_size,
      }));
      files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      for (const f of files) {
        out.push(f);
        if (recursive && f.isDir) await visit(f.path);
      }
    };
    await visit(rel);
    return out;
  }

  async read(runId: string, path: string): Promise<Buffer> {
    const root = await this.root(runId);
    const req: RawRequest = { method: 'GET', path: `${ARTIFACTS_API}/artifacts/${encodePath(`${root}/${cleanArtifactPath(path)}`)}` };
    const res = await this.transport.send(req);
    if (res.status !== 200) {
      const text = await res.body.text();
      throw this.failure(res.status, text, req);
    }
    return Buffer.from(await res.body.arrayBuffer());
  }

  /** Downloads one file, or a folder recursively; writes through a temp name, then renames. */
  async download(runId: string, path: string, destination: string): Promise<string[]> {
    const rel = cleanArtifactPath(path);
    const entries = await this.list(runId, rel, true);
    const isFolder = entries.length > 0 && !(entries.length === 1 && entries[0]?.path === rel);
    const files = isFolder ? entries.filter((e) => !e.isDir) : [{ path: rel, isDir: false, size: undefined }];
    const root = await this.root(runId);
    const written: string[] = [];
    for (const f of files) {
      const local = isFolder ? join(destination, ...posix.relative(rel, f.path).split('/')) : destination;
      await mkdir(dirname(local), { recursive: true });
      const req: RawRequest = { method: 'GET', path: `${ARTIFACTS_API}/artifacts/${encodePath(`${root}/${f.path}`)}` };
      const res = await this.transport.send(req);
      if (res.status !== 200) {
        const text = await res.body.text();
        throw this.failure(res.status, text, req);
      }
      try {
        await writeViaTemporary(local, (tmp) => pipeline(res.body, createWriteStream(tmp)));
      } catch (cause) {
        throw new TrackingError('HOKUSAI_TRACKING_ARTIFACT', `Downloading ${f.path} to ${local} failed: ${(cause as Error).message}.`, { where: local, cause });
      }
      written.push(local);
    }
    return written;
  }

  private failure(status: number, text: string, req: RawRequest): TrackingError {
    return errorFromResponse(status, text, this.transport.describe(req));
  }

  private async expectOk(req: RawRequest): Promise<void> {
    await this.expectJson(req);
  }

  private async expectJson(req: RawRequest): Promise<unknown> {
    return readJson(await this.transport.send(req), this.transport.describe(req));
  }
}
