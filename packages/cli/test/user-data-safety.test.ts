import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hokusai } from './run-cli.js';

const example = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));



/** Every file under a folder with its bytes, to show nothing changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name).slice(dir.length + 1)] = await readFile(join(e.parentPath, e.name), 'base64');
  }
  return out;
}

async function copyInputs(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  for (const f of ['base.csv', 'contributed.csv', 'benchmark.csv']) await copyFile(join(example, f), join(dir, f));
  return ['--base', join(dir, 'base.csv'), '--contributed', join(dir, 'contributed.csv'), '--benchmark', join(dir, 'benchmark.csv'), '--target', 'churned', '--exclude', 'customer_id'];
}

/**
 * A folder nobody may write: a read-only tmpfs as root (root ignores file modes), else mode 555.
 * Returns why it cannot be made, if so.
 */
function readOnlyFolder(dir: string): string | undefined {
  if (process.getuid?.() !== 0) {
    execFileSync('chmod', ['555', dir]);
    return undefined;
  }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `running as root and cannot mount a read-only tmpfs (${(error as Error).message.split('\n')[0]})`;
  }
}

function release(dir: string): void {
  if (process.getuid?.() === 0) execFileSync('umount', [dir]);
  else execFileSync('chmod', ['755', dir]);
}

describe("the CLI never loses a user's files", () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-safety-'));
  });

  it('run --out . --overwrite among the inputs and src/ deletes nothing and exits 2', async () => {
    const project = join(work, 'project');
    const flags = await copyInputs(project);
    await mkdir(join(project, 'src'));
    await writeFile(join(project, 'src', 'main.ts'), 'export const x = 1;\n');
    const before = await snapshot(project);
    const result = await hokusai(['run', ...flags, '--out', '.', '--overwrite', '--no-proof'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/HOKUSAI_OUTPUT_NOT_REPLACEABLE/);
    expect(await snapshot(project)).toEqual(before);

    const mydocs = join(work, 'mydocs');
    await mkdir(mydocs);
    await writeFile(join(mydocs, 'letter.txt'), 'dear');
    const docs = await hokusai(['run', ...flags, '--out', mydocs, '--overwrite', '--no-proof', '--store', join(work, 'store')]);
    expect(docs.code).toBe(2);
    expect(await snapshot(mydocs)).toEqual({ 'letter.txt': Buffer.from('dear').toString('base64') });
  });

  it('two runs into one --out at once: one wins with a complete folder, the other fails cleanly with exit 2', async () => {
    const flags = await copyInputs(join(work, 'race-inputs'));
    const out = join(work, 'race-out');
    const [a, b] = await Promise.all([
      hokusai(['run', ...flags, '--out', out, '--no-proof', '--store', join(work, 'store-a')]),
      hokusai(['run', ...flags, '--out', out, '--no-proof', '--store', join(work, 'store-b')]),
    ]);
    expect([a.code, b.code].sort()).toEqual([0, 2]);
    const loser = a.code === 2 ? a : b;
    expect(loser.stderr).toMatch(/HOKUSAI_OUTPUT_(LOCKED|EXISTS)/);
    expect((await hokusai(['verify', out])).code).toBe(0);
    expect(readdirSync(work).filter((n) => n.startsWith('race-out.'))).toEqual([]);
  }, 120_000);

  it('validate --fix refuses to write over an input or an existing file without --overwrite', async () => {
    const dir = join(work, 'fix');
    await copyInputs(dir);
    const input = join(dir, 'contributed.csv');
    const original = await readFile(input, 'utf8');
    const env = { HOKUSAI_PII_KEY: 'test-key-0123456789abcdef' };
    // Not even with --overwrite.
    const own = await hokusai(['validate', input, '--target', 'churned', '--fix', '--out', input, '--overwrite'], { env });
    expect(own.code).toBe(2);
    expect(own.stderr).toMatch(/HOKUSAI_OUTPUT_IS_INPUT/);
    const viaBase = await hokusai(['validate', input, '--target', 'churned', '--base', join(dir, 'base.csv'), '--fix', '--out', join(dir, 'base.csv'), '--overwrite'], { env });
    expect(viaBase.code).toBe(2);
    expect(await readFile(input, 'utf8')).toBe(original);

    const mine = join(dir, 'mine.csv');
    await writeFile(mine, 'keep me\n');
    const refused = await hokusai(['validate', input, '--target', 'churned', '--fix', '--out', mine], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/HOKUSAI_OUTPUT_EXISTS/);
    expect(await readFile(mine, 'utf8')).toBe('keep me\n');
    const replaced = await hokusai(['validate', input, '--target', 'churned', '--fix', '--out', mine, '--overwrite'], { env });
    expect(replaced.code).toBe(0);
    expect(await readFile(mine, 'utf8')).not.toBe('keep me\n');
  }, 60_000);

  it('verify on a missing folder is an input error (exit 2)', async () => {
    const result = await hokusai(['verify', join(work, 'nothing-here')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/HOKUSAI_VERIFY_FOLDER_NOT_FOUND/);
  });

  it('a read-only --out parent or proof cache fails before the pipeline runs, naming the path', async (ctx) => {
    const flags = await copyInputs(join(work, 'ro-inputs'));
    const locked = join(work, 'read-only');
    await mkdir(locked);
    const why = readOnlyFolder(locked);
    if (why !== undefined) {
      ctx.skip(why);
      return;
    }
    try {
      const store = join(work, 'store-ro');
      const out = await hokusai(['run', ...flags, '--out', join(locked, 'results'), '--no-proof', '--store', store]);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(/HOKUSAI_OUTPUT_NOT_WRITABLE/);
      expect(out.stderr).toContain(locked);
      // Failed before any step ran: the store holds no run.
      expect(existsSync(join(store, 'runs'))).toBe(false);

      const cache = await hokusai(['run', ...flags, '--out', join(work, 'ro-out'), '--store', store], { env: { HOKUSAI_ZK_CACHE: join(locked, 'zk') } });
      expect(cache.code).toBe(2);
      expect(cache.stderr).toMatch(/HOKUSAI_ZK_CACHE_NOT_WRITABLE/);
      expect(cache.stderr).toContain('HOKUSAI_ZK_CACHE');
      expect(existsSync(join(store, 'runs'))).toBe(false);
      expect(existsSync(join(work, 'ro-out'))).toBe(false);
    } finally {
      release(locked);
      await chmod(locked, 0o755);
    }
  }, 60_000);
});
