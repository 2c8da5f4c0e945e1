import type { ServiceFactory } from "./daemon.ts";

/**
 * Wires the daemon's services (plugins, hooks, webhooks, ...). Each area contributes a
 * `DaemonService` with its routes; this is the one place that knows them all.
 */
export const daemonServices: ServiceFactory = () => {
  return Promise.resolve([]);
};
