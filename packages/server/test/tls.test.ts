import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFixture } from './server-fixture.js';

/** A GET over HTTPS that trusts only the given certificate. */
function get(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS from certificate and key files', () => {
  it('serves the API over HTTPS, and a plain-HTTP request gets no answer from it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hokusai-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const fx = await startFixture({ tls: { cert, key } });
    try {
      expect(fx.server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const health = await get(`${fx.server.url}/healthz`, readFileSync(cert));
      expect(health).toMatchObject({ status: 200 });
      expect(JSON.parse(health.body)).toEqual({ status: 'ok', checks: {} });
      await expect(fetch(fx.server.url.replace('https:', 'http:') + '/healthz')).rejects.toThrow();
    } finally {
      await fx.server.close();
    }
  });
});
