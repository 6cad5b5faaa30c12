import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApiKeyInfo, ApiKeyStore } from './api-keys.js';
import { ServerError } from './errors.js';

const SESSION_COOKIE = 'hokusai_session';
const SESSION_MS = 8 * 3600_000;

/**
 * Who a request speaks for: a bearer API key, or the dashboard's session cookie (made from a key,
 * kept in memory, ended when the key is revoked or after eight hours).
 */
export class SessionAuth {
  private readonly sessions = new Map<string, { keyId: string; expires: number }>();

  constructor(
    private readonly keys: ApiKeyStore,
    /** Cookies are marked Secure when the server speaks HTTPS. */
    private readonly secure: boolean,
  ) {}

  /** A new session for `key`, and the Set-Cookie header that carries it. */
  open(key: ApiKeyInfo): string {
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, { keyId: key.id, expires: Date.now() + SESSION_MS });
    return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}${this.secure ? '; Secure' : ''}`;
  }

  /** Ends the request's session, if any; returns the Set-Cookie header that clears the cookie. */
  close(request: IncomingMessage): string {
    const session = this.fromCookie(request);
    if (session !== undefined) this.sessions.delete(session.token);
    return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
  }

  fromCookie(request: IncomingMessage): { key: ApiKeyInfo; token: string } | undefined {
    const cookie = request.headers.cookie ?? '';
    const token = /(?:^|;\s*)hokusai_session=([A-Za-z0-9_-]{43})(?:;|$)/.exec(cookie)?.[1];
    if (token === undefined) return undefined;
    const session = this.sessions.get(token);
    if (session === undefined || session.expires < Date.now() || !this.keys.isLive(session.keyId)) {
      this.sessions.delete(token);
      return undefined;
    }
    const key = this.keys.list().find((k) => k.id === session.keyId);
    return key === undefined ? undefined : { key, token };
  }

  /** The key a request to a scoped route speaks for, or a 401/403 problem. */
  authenticate(request: IncomingMessage, method: string): ApiKeyInfo {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      const key = token === undefined ? undefined : this.keys.authenticate(token);
      if (key === undefined) throw new ServerError('HOKUSAI_KEY_INVALID', 'The API key is not valid (wrong, revoked, or not sent as `Authorization: Bearer <key>`).', { headers: { 'www-authenticate': 'Bearer' } });
      return key;
    }
    const session = this.fromCookie(request);
    if (session === undefined) throw new ServerError('HOKUSAI_KEY_MISSING', 'Send an API key as `Authorization: Bearer <key>` (make one with `hokusai serve keys create`).', { headers: { 'www-authenticate': 'Bearer' } });
    // Cookie-authenticated changes must come from the dashboard's own script, which sets this header.
    if (method !== 'GET' && request.headers['x-requested-with'] !== 'hokusai-dashboard') {
      throw new ServerError('HOKUSAI_CSRF_REFUSED', 'Changes made with a session cookie must come from the dashboard.');
    }
    return session.key;
  }
}
