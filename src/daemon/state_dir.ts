import type { StateLayout } from "../config/mod.ts";

export { type StateLayout, stateLayout } from "../config/mod.ts";

/**
 * Creates the state dir and its folders. The root is 0711: traversable but not listable, so
 * the unprivileged sandbox uid can reach the read-only code and cache it is given, and the
 * socket's group can reach the socket; every secret inside (DB, master key, admin token) is
 * 0600 on its own. The state dir itself is never grantable to a plugin.
 */
export async function ensureStateDir(layout: StateLayout): Promise<void> {
  await Deno.mkdir(layout.root, { recursive: true, mode: 0o711 });
  await Deno.chmod(layout.root, 0o711);
  for (const dir of [layout.plugins, layout.tmp, layout.prepared]) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o755 });
  }
  // Plugins' $DATA and the secret launch arguments: nobody else may even look in.
  for (const dir of [layout.data, layout.launch, layout.volumes]) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await Deno.chmod(dir, 0o700);
  }
  await Deno.mkdir(layout.incoming, { recursive: true, mode: 0o700 });
}

/** Removes a state dir this start created when it holds nothing but the lock file. */
export async function removeIfOnlyLock(root: string): Promise<void> {
  try {
    const names = [];
    for await (const entry of Deno.readDir(root)) names.push(entry.name);
    if (names.every((n) => n === "plugd.lock")) await Deno.remove(root, { recursive: true });
  } catch {
    // best effort: leaving an empty state dir behind is harmless
  }
}
