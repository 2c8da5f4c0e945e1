/**
 * The signed, append-only advisory feed a registry server publishes and daemons enforce.
 *
 * Each entry names the entry before it by hash (`prev`), so the feed is a chain: a daemon that
 * saw entry N with hash H refuses a feed whose entry N differs (history rewritten) or that ends
 * before N (an older feed replayed). The feed travels as `{format, key_id, feed, sig}` where
 * `feed` is the exact JSON text the Ed25519 signature covers (never re-serialized).
 */
import {
  canonicalJson,
  keyIdOf,
  type PrivateKeyFile,
  signBytes,
  verifyBytes,
} from "../signing/mod.ts";

/** What a registry admin publishes. `withdraw` cancels an earlier advisory (`withdraws`). */
export interface AdvisoryEntry {
  seq: number;
  /** Stable id, e.g. `ADV-0007`. */
  id: string;
  plugin: string;
  /** Affected versions, a semver range such as `<1.4.2`. */
  versions: string;
  severity: "low" | "medium" | "high" | "critical";
  action: "warn" | "disable" | "withdraw";
  title: string;
  description: string;
  /** First fixed version, if any. */
  fixed_in: string | null;
  url: string | null;
  /** For `withdraw`: the id of the advisory it cancels. */
  withdraws: string | null;
  published_at: string;
  /** Hash of the previous entry (64 zeros for the first). */
  prev: string;
}

/** An entry with its own hash, as listed in a feed. */
export type ChainedEntry = AdvisoryEntry & { hash: string };

/** The signed content. */
export interface AdvisoryFeed {
  format: 1;
  key_id: string;
  /** Seq of the last entry (0 for an empty feed). */
  seq: number;
  /** Hash of the last entry (64 zeros for an empty feed). */
  head: string;
  generated_at: string;
  advisories: ChainedEntry[];
}

/** The document served at `GET /api/v1/advisories` and accepted by `POST /v1/advisories`. */
export interface SignedFeed {
  format: 1;
  key_id: string;
  /** The exact JSON text of an {@link AdvisoryFeed}. */
  feed: string;
  /** Base64 Ed25519 signature over the UTF-8 bytes of `feed`. */
  sig: string;
}

/** Where a daemon's copy of a registry's feed ends. */
export interface FeedPosition {
  seq: number;
  head: string;
}

/** Hash before the first entry. */
export const FEED_GENESIS = "0".repeat(64);

/** Why a feed was refused; `code` is stable for scripts and tests. */
export class AdvisoryFeedError extends Error {
  override name = "AdvisoryFeedError";
  readonly code:
    | "unsigned"
    | "wrong_key"
    | "bad_signature"
    | "malformed"
    | "broken_chain"
    | "replayed"
    | "rewritten";
  constructor(code: AdvisoryFeedError["code"], message: string) {
    super(message);
    this.code = code;
  }
}

/** sha256 hex of an entry's canonical JSON (its `hash` excluded). */
export async function entryHash(entry: AdvisoryEntry): Promise<string> {
  const { hash: _hash, ...fields } = entry as ChainedEntry;
  const bytes = new TextEncoder().encode(canonicalJson(fields));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Signs a feed with the registry's advisory key.
 *
 * @example
 * ```ts
 * const signed = await signFeed(feed, key);
 * ```
 */
export async function signFeed(feed: AdvisoryFeed, key: PrivateKeyFile): Promise<SignedFeed> {
  const text = canonicalJson(feed);
  return {
    format: 1,
    key_id: key.id,
    feed: text,
    sig: await signBytes(key, new TextEncoder().encode(text)),
  };
}

/**
 * Verifies a signed feed against the trusted public key (base64) and, when given, the position
 * this daemon already accepted. Checks, in order: envelope shape (`unsigned`), key id
 * (`wrong_key`), signature (`bad_signature`), content shape (`malformed`), the hash chain from
 * the first entry to `head` (`broken_chain`), and no going back: the feed must reach `known.seq`
 * (`replayed`) with the same entry there (`rewritten`).
 */
export async function verifyFeed(
  doc: unknown,
  trustedKey: string,
  known?: FeedPosition,
): Promise<AdvisoryFeed> {
  const envelope = doc as Partial<SignedFeed> | null;
  if (
    !envelope || typeof envelope !== "object" || typeof envelope.feed !== "string" ||
    typeof envelope.sig !== "string" || typeof envelope.key_id !== "string"
  ) {
    throw new AdvisoryFeedError(
      "unsigned",
      "The advisory feed is not a signed document {format, key_id, feed, sig}; refused",
    );
  }
  const trustedId = await keyIdOf(Uint8Array.from(atob(trustedKey), (c) => c.charCodeAt(0)));
  if (envelope.key_id !== trustedId) {
    throw new AdvisoryFeedError(
      "wrong_key",
      `The advisory feed is signed by key ${envelope.key_id}, not the registry's trusted key ` +
        `${trustedId}; refused (if the registry rotated its key, configure the new one)`,
    );
  }
  const bytes = new TextEncoder().encode(envelope.feed);
  if (!(await verifyBytes(trustedKey, envelope.sig, bytes))) {
    throw new AdvisoryFeedError(
      "bad_signature",
      `The advisory feed's signature does not verify with key ${trustedId}: it was forged or ` +
        "altered; refused",
    );
  }
  const feed = parseFeed(envelope.feed);
  if (feed.key_id !== trustedId) {
    throw new AdvisoryFeedError("malformed", "The signed feed names another key id; refused");
  }
  let prev = FEED_GENESIS;
  for (const [i, entry] of feed.advisories.entries()) {
    if (entry.seq !== i + 1 || entry.prev !== prev || entry.hash !== await entryHash(entry)) {
      throw new AdvisoryFeedError(
        "broken_chain",
        `The advisory feed's chain breaks at entry ${i + 1}; refused`,
      );
    }
    prev = entry.hash;
  }
  if (feed.seq !== feed.advisories.length || feed.head !== prev) {
    throw new AdvisoryFeedError(
      "broken_chain",
      "The advisory feed's head does not match its entries",
    );
  }
  if (known && known.seq > 0) {
    if (feed.seq < known.seq) {
      throw new AdvisoryFeedError(
        "replayed",
        `The advisory feed ends at entry ${feed.seq}, but entry ${known.seq} was already ` +
          "accepted: an older feed was replayed; refused",
      );
    }
    if (feed.advisories[known.seq - 1]!.hash !== known.head) {
      throw new AdvisoryFeedError(
        "rewritten",
        `Entry ${known.seq} of the advisory feed differs from the one accepted before: the ` +
          "registry's history was rewritten; refused",
      );
    }
  }
  return feed;
}

function parseFeed(text: string): AdvisoryFeed {
  let feed: AdvisoryFeed;
  try {
    feed = JSON.parse(text);
  } catch {
    throw new AdvisoryFeedError("malformed", "The signed advisory feed is not JSON; refused");
  }
  const ok = feed?.format === 1 && Number.isSafeInteger(feed.seq) &&
    typeof feed.head === "string" && Array.isArray(feed.advisories) &&
    feed.advisories.every((e) =>
      typeof e?.id === "string" && typeof e.plugin === "string" &&
      typeof e.versions === "string" && ["warn", "disable", "withdraw"].includes(e.action) &&
      typeof e.title === "string" && typeof e.hash === "string"
    );
  if (!ok) {
    throw new AdvisoryFeedError("malformed", "The signed advisory feed is malformed; refused");
  }
  return feed;
}

/** The advisories in force: not a `withdraw` entry and not withdrawn by a later one. */
export function activeAdvisories(entries: readonly AdvisoryEntry[]): AdvisoryEntry[] {
  const withdrawn = new Set(entries.filter((e) => e.action === "withdraw").map((e) => e.withdraws));
  return entries.filter((e) => e.action !== "withdraw" && !withdrawn.has(e.id));
}
