/**
 * Which plugins show in the console: enabled ones whose grant includes their `ui` entries, with
 * their pages, widgets and token routes (the only routes a frame may call). Read from the store
 * and cached until the plugins table changes (state, version or grant).
 */
import type { RouteDecl, UiPage, UiWidget } from "../manifest/mod.ts";
import { listPlugins } from "../plugins/mod.ts";
import type { Store } from "../store/mod.ts";

/** A plugin's console contributions. */
export interface UiPlugin {
  id: string;
  name: string;
  version: string;
  pages: UiPage[];
  widgets: UiWidget[];
  /** Routes a frame may call through the bridge: the token ones (public routes need no bridge). */
  routes: RouteDecl[];
}

const FINGERPRINT = `SELECT group_concat(p.id || ' ' || p.state || ' ' || p.version || ' ' ||
  p.updated_at || ' ' || coalesce(g.granted_at, '-'), ',') AS f
  FROM plugins p LEFT JOIN grants g ON g.plugin_id = p.id`;

/** The index, refreshed when the plugins table changed. */
export class UiContributions {
  readonly #store: Store;
  #fingerprint: string | null = null;
  #plugins: UiPlugin[] = [];

  constructor(store: Store) {
    this.#store = store;
  }

  /** Every contributing plugin, by id. */
  async list(): Promise<UiPlugin[]> {
    const rs = await this.#store.execute(FINGERPRINT);
    const fingerprint = String(rs.rows[0]?.f ?? "");
    if (fingerprint !== this.#fingerprint) {
      this.#plugins = (await listPlugins(this.#store)).flatMap((p) => {
        const ui = p.manifest.ui;
        const granted = new Set(p.granted?.ui ?? []);
        if (p.state !== "enabled" || !ui) return [];
        const pages = ui.pages.filter((e) => granted.has(`page:${e.id}`));
        const widgets = ui.widgets.filter((e) => granted.has(`widget:${e.id}@${e.slot}`));
        if (pages.length + widgets.length === 0) return [];
        const routes = p.manifest.routes.filter((r) => r.auth !== "none");
        return [{ id: p.id, name: p.manifest.name, version: p.version, pages, widgets, routes }];
      });
      this.#fingerprint = fingerprint;
    }
    return this.#plugins;
  }

  /** One plugin's contributions, or undefined. */
  async get(id: string): Promise<UiPlugin | undefined> {
    return (await this.list()).find((p) => p.id === id);
  }
}
