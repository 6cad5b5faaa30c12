import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '@hokusai/test-helpers';
import { jsonResult } from './run-cli.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const quickstart = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));
const artifacts = fileURLToPath(new URL('../.artifacts/', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Submissions in the suite's bounded load loop (tools/bench-server runs 200). */
const SUBMISSIONS = 12;
const SETTINGS = { target: 'churned', exclude: ['customer_id'], proof: { enabled: false } };

let redis: RedisServer;
let root: string;
let server: ChildProcess;
let url: string;
const workers: ChildProcess[] = [];
let admin: string;

function cli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function output(child: ChildProcess): Promise<{ code: number | null; stdout: string }> {
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const call = (path: string, init: RequestInit = {}): Promise<Response> => fetch(url + path, { ...init, headers: { authorization: `Bearer ${admin}`, ...(init.headers as Record<string, string> | undefined) } });

beforeAll(async () => {
  redis = await startRedisServer();
  root = await mkdtemp(join(tmpdir(), 'hokusai-serve-'));
  await mkdir(join(root, 'data'));
  for (const name of ['base.csv', 'contributed.csv', 'benchmark.csv']) await copyFile(join(quickstart, name), join(root, 'data', name));
  const created = await output(cli(['--json', 'serve', 'keys', 'create', '--name', 'ops', '--scope', 'admin', '--state', 'state']));
  expect(created.code).toBe(0);
  admin = jsonResult<{ token: string }>(created.stdout).token;
  server = cli(['serve', '--port', '0', '--state', 'state', '--data', 'data', '--redis', redis.url, '--concurrent-runs', '2']);
  url = await new Promise<string>((resolve, reject) => {
    let text = '';
    server.stderr?.on('data', (d: Buffer) => {
      text += d.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(text);
      if (match) resolve(match[1] as string);
    });
    server.once('exit', (code) => reject(new Error(`hokusai serve exited with ${code}: ${text}`)));
  });
  // Workers share the server's run store, as they would through a mounted folder.
  for (let i = 0; i < 2; i++) workers.push(cli(['worker', '--redis', redis.url]));
}, 120_000);

afterAll(async () => {
  await Promise.all([server, ...workers].filter(Boolean).map(stop));
  await redis?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

async function submit(seed: number): Promise<string> {
  const response = await call('/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ files: { base: 'base.csv', contributed: 'contributed.csv', benchmark: 'benchmark.csv' }, settings: { ...SETTINGS, seed } }) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function settled(id: string, timeoutMs: number): Promise<{ status: string; decision: string | null; error: unknown }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await (await call(`/runs/${id}`)).json()) as { status: string; decision: string | null; error: unknown };
    if (run.status !== 'queued' && run.status !== 'running') return run;
    if (Date.now() > deadline) return run;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('hokusai serve with two hokusai worker processes on a real Redis', () => {
  it('takes a bounded loop of submissions over HTTP and finishes every one; none lost, the queue drains', async () => {
    const ids: string[] = [];
    for (let i = 0; i < SUBMISSIONS; i++) ids.push(await submit(100 + i));
    const results = await Promise.all(ids.map((id) => settled(id, 600_000)));
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'succeeded'));
    expect(new Set(results.map((r) => r.decision))).toEqual(new Set(['accepted']));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^hokusai_workers_alive 2$/m);
    expect(metrics).toMatch(/^hokusai_queue_jobs\{state="waiting"\} 0$/m);
    expect(metrics).toMatch(/^hokusai_queue_jobs\{state="active"\} 0$/m);
    expect(metrics).toMatch(new RegExp(`^hokusai_runs\\{status="succeeded",decision="accepted"\\} ${SUBMISSIONS}$`, 'm'));
    const ready = (await (await fetch(`${url}/readyz`)).json()) as unknown;
    expect(ready).toEqual({ status: 'ok', checks: { state: 'ok', redis: 'ok' } });
  }, 900_000);

  it('shows a run reaching Accepted live on the dashboard, with its report and a passing verification, without console errors', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package to run the browser test`);
    const userData = await mkdtemp(join(tmpdir(), 'hokusai-chromium-'));
    let context: BrowserContext | undefined;
    try {
      context = await chromium.launchPersistentContext(userData, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(url + '/');
      await page.fill('#key', admin);
      await page.click('button[type=submit]');
      await page.waitForSelector('#runs:not([hidden])');
      const id = await submit(7);
      await page.goto(`${url}/#/runs/${id}`);
      await page.waitForSelector('#run:not([hidden])');
      // The page follows the run over its event stream, from queued or running to the verdict.
      await page.waitForFunction(() => document.getElementById('run-verdict')?.textContent === 'Accepted', undefined, { timeout: 300_000 });
      expect(await page.textContent('#run-status')).toBe('succeeded');
      expect(await page.locator('#run-steps li.finished').count()).toBeGreaterThan(8);
      await page.waitForSelector('#report:not([hidden])');
      const frame = page.frameLocator('#report');
      await expect.poll(async () => frame.locator('body').textContent(), { timeout: 30_000 }).toMatch(/ACCEPTED|Accepted/);
      await page.click('#verify');
      await page.waitForFunction(() => /^Verified/.test(document.getElementById('verify-result')?.textContent ?? ''), undefined, { timeout: 120_000 });
      await mkdir(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'dashboard-run.png'), fullPage: true });
      await page.goto(url + '/');
      await page.waitForSelector('#run-rows tr');
      await page.screenshot({ path: join(artifacts, 'dashboard-runs.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context?.close();
      await rm(userData, { recursive: true, force: true });
    }
  }, 600_000);
});
