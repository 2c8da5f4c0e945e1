/**
 * Taking in a registry's advisory feed, polled or pushed: verify it against the registry's
 * configured key and the position accepted before (so a forged, unsigned, older or rewritten
 * feed is refused), store the new entries with an audit row, then enforce.
 */
import type { RegistrySource } from "../config/mod.ts";
import { auditStatement } from "../audit/mod.ts";
import {
  acceptFeedStatements,
  AdvisoryFeedError,
  boundedFetch,
  feedPosition,
  verifyFeed,
} from "../registry/mod.ts";
import { type Applied, enforceAdvisories } from "./advisory_enforcer.ts";
import { keyIdOf } from "../signing/mod.ts";
import type { MarketplaceHost } from "./types.ts";

/** What accepting a feed did. */
export interface FeedOutcome {
  registry: string;
  seq: number;
  /** Entries new to this daemon. */
  added: number;
  applied: Applied[];
}

/**
 * Verifies `doc` as `source`'s feed, stores what is new and enforces. Throws
 * AdvisoryFeedError (audited as `advisory.refuse`) when the feed is refused.
 */
export async function acceptFeed(
  host: MarketplaceHost,
  source: RegistrySource,
  doc: unknown,
  via: "poll" | "push",
): Promise<FeedOutcome> {
  const { store } = host;
  if (!source.advisoryKey) {
    throw new AdvisoryFeedError(
      "wrong_key",
      `Registry "${source.name}" has no advisory_key configured: its feed cannot be verified`,
    );
  }
  const position = await feedPosition(store, source.name);
  let feed;
  try {
    feed = await verifyFeed(doc, source.advisoryKey, position);
  } catch (error) {
    if (error instanceof AdvisoryFeedError) {
      await store.write(async () => ({
        statements: [
          await auditStatement(store, {
            actor: `registry:${source.name}`,
            action: "advisory.refuse",
            target: source.name,
            result: error.code,
            detail: { via, reason: error.message },
          }),
        ],
      }));
    }
    throw error;
  }
  const added = Math.max(0, feed.seq - position.seq);
  if (added > 0 || position.seq === 0) {
    await store.write(async () => ({
      statements: [
        ...acceptFeedStatements(source.name, feed, position.seq),
        await auditStatement(store, {
          actor: `registry:${source.name}`,
          action: "advisory.accept",
          target: source.name,
          result: "ok",
          detail: { via, seq: feed.seq, added },
        }),
      ],
    }));
  }
  return { registry: source.name, seq: feed.seq, added, applied: await enforceAdvisories(host) };
}

/**
 * Fetches `source`'s feed (conditional on `etag`); null when unchanged (304).
 */
export async function fetchFeed(
  source: RegistrySource,
  etag: string | undefined,
  timeoutMs: number,
): Promise<{ doc: unknown; etag: string | null } | null> {
  const response = await boundedFetch(`${source.url}/api/v1/advisories`, {
    maxBytes: 16 * 1024 * 1024,
    timeoutMs,
    headers: etag ? { "if-none-match": etag } : undefined,
    passStatuses: [304],
    what: `the advisory feed of registry "${source.name}"`,
  });
  if (response.status === 304) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(response.body));
  } catch {
    throw new AdvisoryFeedError(
      "malformed",
      `registry "${source.name}" sent a feed that is not JSON`,
    );
  }
  return { doc, etag: response.headers.get("etag") };
}

/** The configured registry whose advisory key signed `doc` (for a pushed feed), or null. */
export async function sourceForFeed(
  sources: readonly RegistrySource[],
  doc: unknown,
): Promise<RegistrySource | null> {
  const keyId = (doc as { key_id?: unknown } | null)?.key_id;
  if (typeof keyId !== "string") return null;
  for (const source of sources) {
    if (!source.advisoryKey) continue;
    const raw = Uint8Array.from(atob(source.advisoryKey), (c) => c.charCodeAt(0));
    if (await keyIdOf(raw) === keyId) return source;
  }
  return null;
}
