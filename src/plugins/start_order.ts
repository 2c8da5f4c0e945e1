import type { PluginRecord } from "./types.ts";

/**
 * Orders plugins so that each comes after the plugins it depends on (those in the list);
 * ties by id, so the order is stable. A cycle cannot be installed, but is tolerated here by
 * appending the rest in id order.
 */
export function startOrder(plugins: PluginRecord[]): PluginRecord[] {
  const byId = new Map(plugins.map((p) => [p.id, p]));
  const done = new Set<string>();
  const out: PluginRecord[] = [];
  const visit = (p: PluginRecord, path: Set<string>) => {
    if (done.has(p.id) || path.has(p.id)) return;
    path.add(p.id);
    for (const dep of Object.keys(p.manifest.dependencies.plugins).sort()) {
      const d = byId.get(dep);
      if (d) visit(d, path);
    }
    done.add(p.id);
    out.push(p);
  };
  for (const p of [...plugins].sort((a, b) => a.id.localeCompare(b.id))) visit(p, new Set());
  return out;
}
