/**
 * Capabilities for plugin frames. A frame's document and files are served under
 * `/plugin-ui/<ticket>/`, where the ticket names one plugin version for one console session.
 * The frame is an opaque origin, so the browser sends it no cookie: the ticket, minted while the
 * console rendered the page for a signed-in session, is what lets its files load, and it scopes
 * the frame's CSP to exactly that plugin's files.
 */
import { encodeBase64Url } from "./_base64url.ts";

/** What a ticket stands for. */
export interface FrameGrant {
  pluginId: string;
  version: string;
  /** The console session it was minted for (its row key). */
  sessionIdHash: string;
  expiresAt: number;
}

/** Options of {@linkcode FrameTickets}. */
export interface FrameTicketsOptions {
  /** How long a ticket stays valid. @default 12 h, the longest console session */
  ttlMs?: number;
  /** Tickets kept at most; the oldest go first. @default 10000 */
  max?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/** An in-memory ticket table (a daemon restart invalidates frames; the page reloads them). */
export class FrameTickets {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  /** Insertion order is age order: Map iteration drops the oldest first. */
  readonly #byTicket = new Map<string, FrameGrant>();
  readonly #byKey = new Map<string, string>();

  constructor(options: FrameTicketsOptions = {}) {
    const { ttlMs = 12 * 3600_000, max = 10_000, now = Date.now } = options;
    if (!(ttlMs > 0) || !(max >= 1)) throw new RangeError("ttlMs and max must be positive");
    this.#ttlMs = ttlMs;
    this.#max = max;
    this.#now = now;
  }

  /** The ticket of `pluginId@version` for a session (reused while valid, else a new one). */
  issue(pluginId: string, version: string, sessionIdHash: string): string {
    const key = `${sessionIdHash} ${pluginId} ${version}`;
    const existing = this.#byKey.get(key);
    if (existing && this.resolve(existing)) return existing;
    const ticket = encodeBase64Url(crypto.getRandomValues(new Uint8Array(18)));
    while (this.#byTicket.size >= this.#max) this.#drop(this.#byTicket.keys().next().value!);
    this.#byTicket.set(ticket, {
      pluginId,
      version,
      sessionIdHash,
      expiresAt: this.#now() + this.#ttlMs,
    });
    this.#byKey.set(key, ticket);
    return ticket;
  }

  /** What `ticket` grants, or undefined when unknown or expired. */
  resolve(ticket: string): FrameGrant | undefined {
    const grant = this.#byTicket.get(ticket);
    if (grant && grant.expiresAt <= this.#now()) {
      this.#drop(ticket);
      return undefined;
    }
    return grant;
  }

  #drop(ticket: string): void {
    const grant = this.#byTicket.get(ticket);
    this.#byTicket.delete(ticket);
    if (grant) this.#byKey.delete(`${grant.sessionIdHash} ${grant.pluginId} ${grant.version}`);
  }
}
