import { createHash } from 'node:crypto';
import { OrchestratorError } from '../errors.js';

/** The points in the Hokusai flow where user code may look at, or replace, what passes by. */
export const HOOK_EVENTS = [
  'pre_integration',
  'post_integration',
  'pre_training',
  'post_training',
  'pre_evaluation',
  'post_evaluation',
  'pre_attestation',
  'post_attestation',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** A hook gets the payload of its point; returning a value replaces the payload. */
export type HookFunction = (payload: unknown) => unknown;

export interface HookIdentity {
  event: HookEvent;
  name: string;
  /** SHA-256 of the hook's source text: a changed hook is a changed run. */
  sha256: string;
}

export class HookRegistry {
  private readonly hooks: { identity: HookIdentity; fn: HookFunction }[] = [];

  register(event: HookEvent, fn: HookFunction, name?: string): HookIdentity {
    if (!HOOK_EVENTS.includes(event)) {
      throw new OrchestratorError('HOKUSAI_HOOK_UNKNOWN', `Unknown hook point "${event}". Known points: ${HOOK_EVENTS.join(', ')}.`);
    }
    const identity: HookIdentity = {
      event,
      name: name ?? (fn.name || 'anonymous'),
      sha256: createHash('sha256').update(fn.toString()).digest('hex'),
    };
    this.hooks.push({ identity, fn });
    return identity;
  }

  identities(): HookIdentity[] {
    return this.hooks.map((h) => h.identity);
  }

  /** Runs every hook of `event` in registration order, threading the payload through them. */
  async apply<T>(event: HookEvent, payload: T): Promise<T> {
    let current = payload;
    for (const hook of this.hooks) {
      if (hook.identity.event !== event) continue;
      const replaced = await hook.fn(current);
      if (replaced !== undefined) current = replaced as T;
    }
    return current;
  }
}
