/**
 * `GET /v1/plugins` without reading or parsing every manifest at each call: the rows come from one
 * read without manifests, and what a row shows of its manifest (name, description, highest risk)
 * is kept per installed version. A version's manifest never changes in place: an install, update,
 * rollback or dev reload writes a new digest with it, so the key (id, version, digest) cannot hold
 * an old manifest's facts.
 */
import { findPlugins, listPluginRows, type PluginListRow } from "./repository.ts";
import { pluginSummary, type SummaryFacts, summaryFacts, summaryRow } from "./plugin_view.ts";
import type { PluginRecord } from "./types.ts";
import type { Store } from "../store/mod.ts";
import type { PluginCounters } from "../runtime/mod.ts";

/** {@linkcode SummaryFacts} per installed version (only the versions the last list showed). */
export class SummaryFactsCache {
  #facts = new Map<string, SummaryFacts>();

  /** The facts of `row`'s version, if known. */
  get(row: Pick<PluginListRow, "id" | "version" | "digest">): SummaryFacts | undefined {
    return this.#facts.get(key(row));
  }

  /** Keeps exactly `entries` (versions no longer listed are dropped). */
  replace(entries: Map<string, SummaryFacts>): void {
    this.#facts = entries;
  }

  /** How many versions it holds (tests). */
  get size(): number {
    return this.#facts.size;
  }
}

function key(row: Pick<PluginListRow, "id" | "version" | "digest">): string {
  return `${row.id}\n${row.version}\n${row.digest}`;
}

/** What a list row adds from the running side. */
export interface ListSources {
  counters(id: string): PluginCounters | undefined;
  emitDenied(id: string): number;
  /** A system addon's own status (`addon`, `health`), from its whole record. */
  addonView(record: PluginRecord): Promise<Record<string, unknown>>;
}

/** The `GET /v1/plugins` list: each plugin's summary, by id. */
export async function listSummaries(
  store: Store,
  cache: SummaryFactsCache,
  sources: ListSources,
): Promise<Record<string, unknown>[]> {
  const rows = await listPluginRows(store);
  // Whole records only where the facts are unknown or a system addon needs its record.
  const wanted = rows.filter((r) => cache.get(r)?.system !== false).map((r) => r.id);
  const records = new Map((await findPlugins(store, wanted)).map((p) => [p.id, p]));
  const kept = new Map<string, SummaryFacts>();
  const out = await Promise.all(rows.map(async (row) => {
    const known = cache.get(row);
    if (known && !known.system) {
      kept.set(key(row), known);
      return pluginSummary(row, known, sources.counters(row.id), sources.emitDenied(row.id));
    }
    // Read again whole: removed meanwhile, it is left out; changed meanwhile, its record is the
    // newer state and is shown whole (never one row's columns mixed with another version's).
    const record = records.get(row.id);
    if (!record) return null;
    const facts = known && key(record) === key(row) ? known : summaryFacts(record.manifest);
    kept.set(key(record), facts);
    const summary = pluginSummary(
      summaryRow(record),
      facts,
      sources.counters(record.id),
      sources.emitDenied(record.id),
    );
    return facts.system ? { ...summary, ...await sources.addonView(record) } : summary;
  }));
  cache.replace(kept);
  return out.filter((s) => s !== null);
}
