/** What `GET /v1/plugins` and `GET /v1/plugins/{id}` answer, from the service's parts. */
import { getPlugin } from "./repository.ts";
import { packageFacts, pluginView } from "./plugin_view.ts";
import { listSummaries } from "./plugin_list.ts";
import { marketplaceFacts } from "./marketplace_facts.ts";
import { addonView, isSystemAddon } from "./system_addons.ts";
import { pendingUpdateFacts } from "./pending_update.ts";
import type { ServiceParts } from "./service_parts.ts";

/** The `GET /v1/plugins` list: each plugin's summary. */
export function listViews(parts: ServiceParts): Promise<unknown[]> {
  return listSummaries(parts.ctx.store, parts.summaryFacts, {
    counters: (id) => parts.supervisor.counters(id),
    emitDenied: (id) => parts.emit.total(id),
    addonView: (record) => addonView(parts.addons(), record),
  });
}

/** The `GET /v1/plugins/{id}` shape (SPEC §8). */
export async function detailView(
  parts: ServiceParts,
  id: string,
): Promise<Record<string, unknown>> {
  const record = await getPlugin(parts.ctx.store, id);
  const stats = parts.supervisor.ids().includes(id) ? await parts.supervisor.stats(id) : null;
  const view = pluginView(record, stats, {
    ...parts.emit.view(id),
    storageBytes: await parts.storage.used(id),
    cron: parts.cronStatus(id),
    marketplace: await marketplaceFacts(parts.ctx.store, record),
    ...await packageFacts(id, parts.starter.paths(record).pluginDir, parts.db.databases),
    pendingUpdate: await pendingUpdateFacts(parts.ctx.store, id),
  });
  return isSystemAddon(record) ? { ...view, ...await addonView(parts.addons(), record) } : view;
}
