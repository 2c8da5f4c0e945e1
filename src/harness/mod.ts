/**
 * The plugin test harness: starts a plugin folder under the real sandbox after the same checks
 * as an install. `@plugd/sdk/testing` uses it through a harness process (`main.ts`).
 * @module
 */
export { startPlugin, type StartPluginOptions } from "./start_plugin.ts";
export type { HarnessSession } from "./harness_session.ts";
export { serveHarness } from "./serve_harness.ts";
