/** Each plugin's own uid (= gid), allocated once from a range and kept until its data is purged. */
import type { Store } from "../store/mod.ts";
import type { UidRange } from "../config/mod.ts";

/** Where plugin uids come from: the daemon's table, or a test's memory. */
export interface UidAllocator {
  /** The plugin's uid, allocated at first use: stable, never another plugin's or the host's. */
  uidOf(pluginId: string): Promise<number>;
  /** Frees the plugin's uid (after its data is gone). */
  release(pluginId: string): Promise<void>;
}

/** Options of {@linkcode storeUids}. */
export interface StoreUidsOptions {
  range: UidRange;
  /** Ids the host uses (accounts, subordinate ranges): skipped. @default none */
  taken?: (id: number) => boolean;
}

/** Allocations persisted in the `plugin_uids` table, under the store's single writer. */
export function storeUids(store: Store, options: StoreUidsOptions): UidAllocator {
  const { range, taken = () => false } = options;
  const cache = new Map<string, number>();
  const lookup = async (pluginId: string) => {
    const rs = await store.execute({
      sql: "SELECT uid FROM plugin_uids WHERE plugin_id = ?",
      args: [pluginId],
    });
    return rs.rows[0] === undefined ? undefined : Number(rs.rows[0].uid);
  };
  // Every allocation read in one query at the first ask (a restart asks for each enabled plugin
  // in turn, one row read per start otherwise); dropped when a release began or ended meanwhile,
  // since its row may be in the answer. Later misses are looked up one by one.
  let loaded: Promise<void> | undefined;
  let releases = 0;
  const loadAll = async () => {
    const before = releases;
    const rs = await store.execute("SELECT plugin_id, uid FROM plugin_uids");
    if (releases !== before) return;
    for (const row of rs.rows) {
      const id = String(row.plugin_id);
      if (!cache.has(id)) cache.set(id, Number(row.uid));
    }
  };
  return {
    async uidOf(pluginId) {
      if (!cache.has(pluginId)) await (loaded ??= loadAll().catch(() => {}));
      const known = cache.get(pluginId) ?? await lookup(pluginId);
      if (known !== undefined) return cache.set(pluginId, known), known;
      const uid = await store.write(async () => {
        const again = await lookup(pluginId);
        if (again !== undefined) return { statements: [], value: again };
        const rs = await store.execute("SELECT uid FROM plugin_uids ORDER BY uid");
        const used = new Set(rs.rows.map((r) => Number(r.uid)));
        let next = range.first;
        while (next <= range.last && (used.has(next) || taken(next))) next++;
        if (next > range.last) {
          throw new RangeError(
            `no free plugin uid left in ${range.first}-${range.last}; widen uid_range ` +
              "(PLUGD_UID_RANGE) or purge uninstalled plugins' data",
          );
        }
        return {
          statements: [{
            sql: "INSERT INTO plugin_uids (plugin_id, uid, allocated_at) VALUES (?, ?, ?)",
            args: [pluginId, next, Date.now()],
          }],
          value: next,
        };
      });
      cache.set(pluginId, uid);
      return uid;
    },
    async release(pluginId) {
      releases++;
      cache.delete(pluginId);
      try {
        await store.write(() => ({
          statements: [{ sql: "DELETE FROM plugin_uids WHERE plugin_id = ?", args: [pluginId] }],
        }));
      } finally {
        // Again once the row is gone: a read that began before the delete committed may have
        // put it back meanwhile.
        releases++;
        cache.delete(pluginId);
      }
    },
  };
}

/** Allocations in memory (`@plugd/sdk/testing`, the security corpus): one process, one host. */
export function memoryUids(options: StoreUidsOptions): UidAllocator {
  const { range, taken = () => false } = options;
  const uids = new Map<string, number>();
  // Start at a random place, so test processes running side by side rarely pick the same ids.
  let next = range.first + Math.floor(Math.random() * Math.max(1, range.last - range.first - 1024));
  return {
    uidOf(pluginId) {
      let uid = uids.get(pluginId);
      if (uid === undefined) {
        while (taken(next) || [...uids.values()].includes(next)) next++;
        if (next > range.last) throw new RangeError("no free plugin uid left");
        uid = next++;
        uids.set(pluginId, uid);
      }
      return Promise.resolve(uid);
    },
    release(pluginId) {
      uids.delete(pluginId);
      return Promise.resolve();
    },
  };
}

/** Parses passwd/group (`name:x:id:...`) and subuid/subgid (`name:first:count`) lines. */
export function parseHostIds(accounts: string, subordinate: string): [number, number][] {
  const used: [number, number][] = [];
  for (const line of accounts.split("\n")) {
    const id = Number(line.split(":")[2]);
    if (line.trim() !== "" && Number.isInteger(id)) used.push([id, id]);
  }
  for (const line of subordinate.split("\n")) {
    const [, first, count] = line.split(":").map(Number);
    if (Number.isInteger(first) && Number.isInteger(count) && count! > 0) {
      used.push([first!, first! + count! - 1]);
    }
  }
  return used;
}

/**
 * The ids this host's accounts and subordinate ranges use (`/etc/passwd`, `/etc/group`,
 * `/etc/subuid`, `/etc/subgid`): a plugin never gets one. Unreadable files count as empty.
 */
export async function hostIdsInUse(): Promise<(id: number) => boolean> {
  const read = (p: string) => Deno.readTextFile(p).catch(() => "");
  const used = parseHostIds(
    `${await read("/etc/passwd")}\n${await read("/etc/group")}`,
    `${await read("/etc/subuid")}\n${await read("/etc/subgid")}`,
  );
  return (id) => used.some(([a, b]) => id >= a && id <= b);
}
