import { createHash } from 'node:crypto';
import { OrchestratorError } from '../errors.js';

/**
 * A flow's hook points and the payload each passes, declared by the flow (as a type alias, so it
 * fits this constraint): `{ pre_training: TrainOptions; ... }`.
 */
export type HookPayloads = Record<string, unknown>;

/** A hook gets the payload of its point; returning a value replaces the payload. */
export type HookFunction<P> = (payload: P) => P | undefined | void | Promise<P | undefined | void>;

export interface HookIdentity {
  event: string;
  name: string;
  /** SHA-256 of the hook's source text: a changed hook is a changed run. */
  sha256: string;
}

type HookLists<M extends HookPayloads> = { [E in keyof M]?: { identity: HookIdentity; fn: HookFunction<M[E]> }[] };

/**
 * The hooks of one flow. The engine knows no hook point: the flow declares its points and their
 * payload types (`M`), and passes the points with what each is for (which also makes the list
 * complete: a point without a description does not type-check).
 */
export class HookRegistry<M extends HookPayloads> {
  private readonly lists: HookLists<M> = {};
  private readonly registered: HookIdentity[] = [];

  constructor(private readonly points: { readonly [E in keyof M]: string }) {}

  /** The flow's hook points, in declaration order. */
  events(): (keyof M & string)[] {
    return Object.keys(this.points);
  }

  register<E extends keyof M & string>(event: E, fn: HookFunction<M[E]>, name?: string): HookIdentity {
    // Checked at run time too: a hook file in plain JavaScript may name any point.
    if (!Object.hasOwn(this.points, event)) {
      throw new OrchestratorError('HOKUSAI_HOOK_UNKNOWN', `Unknown hook point "${event}". Known points: ${this.events().join(', ')}.`);
    }
    const identity: HookIdentity = {
      event,
      name: name ?? (fn.name || 'anonymous'),
      sha256: createHash('sha256').update(fn.toString()).digest('hex'),
    };
    const list = this.lists[event] ?? [];
    list.push({ identity, fn });
    this.lists[event] = list;
    this.registered.push(identity);
    return identity;
  }

  /** In registration order. */
  identities(): HookIdentity[] {
    return [...this.registered];
  }

  /** Runs every hook of `event` in registration order, threading the payload through them. */
  async apply<E extends keyof M & string>(event: E, payload: M[E]): Promise<M[E]> {
    let current = payload;
    for (const hook of this.lists[event] ?? []) {
      const replaced = await hook.fn(current);
      if (replaced !== undefined) current = replaced;
    }
    return current;
  }
}
