import { AUTHORING_FILES } from "../manifest/mod.ts";

/**
 * Dev mode: a plugin installed from a local folder is reinstalled and restarted when files in
 * that folder change (SPEC §5), so an author edits and sees the effect without commands.
 */
export class DevReloader {
  #watchers = new Map<string, Deno.FsWatcher>();
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #reload: (id: string) => Promise<void>;
  #debounceMs: number;

  constructor(reload: (id: string) => Promise<void>, debounceMs = 250) {
    this.#reload = reload;
    this.#debounceMs = debounceMs;
  }

  /** Follows the source folder of a plugin installed from a folder (unsigned dev installs). */
  watchSource(plugin: { id: string; signedBy: string | null; source: string }): void {
    if (
      plugin.signedBy === null && plugin.source.startsWith("/") && !plugin.source.endsWith(".tgz")
    ) {
      this.watch(plugin.id, plugin.source);
    }
  }

  /** Watches `dir` for plugin `id` (replacing an earlier watch). */
  watch(id: string, dir: string): void {
    this.unwatch(id);
    let watcher: Deno.FsWatcher;
    try {
      watcher = Deno.watchFs(dir, { recursive: true });
    } catch {
      return; // the folder is gone: nothing to follow
    }
    this.#watchers.set(id, watcher);
    (async () => {
      for await (const event of watcher) {
        if (event.kind === "access") continue;
        // The author's editor and lockfiles are not part of the package.
        if (event.paths.every((p) => isAuthoringPath(dir, p))) continue;
        clearTimeout(this.#timers.get(id));
        this.#timers.set(
          id,
          setTimeout(() => {
            this.#timers.delete(id);
            this.#reload(id).catch(() => {});
          }, this.#debounceMs),
        );
      }
    })().catch(() => {});
  }

  unwatch(id: string): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.#watchers.get(id)?.close();
    this.#watchers.delete(id);
  }

  close(): void {
    for (const id of [...this.#watchers.keys()]) this.unwatch(id);
  }
}

function isAuthoringPath(dir: string, path: string): boolean {
  const rel = path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path;
  return AUTHORING_FILES.includes(rel.split("/")[0]!);
}
