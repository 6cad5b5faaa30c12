import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from './server-fixture.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => fx?.server.close());

/**
 * Property-based tests of the served OpenAPI document with schemathesis (PyPI; scripts/setup.sh
 * installs it): generated and mutated requests for every operation, including stateful sequences
 * that follow the document's links (submit, then read, cancel, verify). Every check runs but
 * positive_data_acceptance: a schema-valid request may still be refused for what its values mean
 * (a benchmark column the file lacks is a 422, by design).
 */
describe('the OpenAPI document, fuzzed with schemathesis', () => {
  it('answers every generated request without a server error and as the document says', async () => {
    const args = ['run', `${fx.server.url}/openapi.json`, '-H', `Authorization: Bearer ${fx.admin}`, '--checks', 'all', '--exclude-checks', 'positive_data_acceptance', '--max-examples', '15', '--seed', '20261204', '--no-color'];
    const child = spawn('schemathesis', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', (error) => reject(new Error(`schemathesis could not start (${error.message}); run scripts/setup.sh --services, which installs it`)));
      child.once('exit', resolve);
    });
    expect(text).toMatch(/test cases:|Test cases:/i);
    expect(code, text.slice(-4000)).toBe(0);
    expect(fx.logs.some((line) => line.includes('"level":"error"')), fx.logs.filter((l) => l.includes('"level":"error"')).join('\n')).toBe(false);
  }, 300_000);
});
