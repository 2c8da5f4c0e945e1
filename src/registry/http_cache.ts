/**
 * Conditional requests to registries: a small in-memory cache of bodies by URL with their
 * `ETag`; the next fetch sends `If-None-Match` and a `304` reuses the body. Bounded in bytes
 * (oldest entries go first).
 */
import { boundedFetch, type BoundedFetchOptions } from "./bounded_fetch.ts";

interface Entry {
  etag: string;
  body: Uint8Array;
}

/** An ETag cache for registry reads. */
export class HttpCache {
  #entries = new Map<string, Entry>();
  #bytes = 0;
  #maxBytes: number;
  /** Answers served from the cache after a 304 (for tests and metrics). */
  revalidated = 0;

  /** @param maxBytes total body bytes kept. @default 32 MiB */
  constructor(maxBytes = 32 * 1024 * 1024) {
    this.#maxBytes = maxBytes;
  }

  /**
   * Fetches `url` within `options`' limits, revalidating a cached copy. Statuses listed in
   * `passStatuses` are returned (with an empty body); a 304 returns the cached body as 200.
   */
  async fetch(
    url: string,
    options: BoundedFetchOptions,
  ): Promise<{ status: number; body: Uint8Array; cached: boolean }> {
    const cached = this.#entries.get(url);
    const headers = new Headers(options.headers);
    if (cached) headers.set("if-none-match", cached.etag);
    const response = await boundedFetch(url, {
      ...options,
      headers,
      passStatuses: [...(options.passStatuses ?? []), 304],
    });
    if (response.status === 304 && cached) {
      this.revalidated++;
      this.#touch(url, cached);
      return { status: 200, body: cached.body, cached: true };
    }
    const etag = response.headers.get("etag");
    if (response.status === 200 && etag) this.#put(url, { etag, body: response.body });
    else if (cached) this.#drop(url);
    return { status: response.status, body: response.body, cached: false };
  }

  #touch(url: string, entry: Entry): void {
    this.#entries.delete(url);
    this.#entries.set(url, entry);
  }

  #put(url: string, entry: Entry): void {
    this.#drop(url);
    if (entry.body.length > this.#maxBytes / 4) return; // never let one body evict everything
    this.#entries.set(url, entry);
    this.#bytes += entry.body.length;
    for (const [key, old] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(key);
      this.#bytes -= old.body.length;
    }
  }

  #drop(url: string): void {
    const old = this.#entries.get(url);
    if (!old) return;
    this.#entries.delete(url);
    this.#bytes -= old.body.length;
  }
}

/** The daemon's cache (one daemon per process). */
export const registryCache: HttpCache = new HttpCache();
