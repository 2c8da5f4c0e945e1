/**
 * Plugin pages and widgets in the console (manifest `ui:`): sandboxed frames served with their
 * own CSP from the plugin's installed folder, and the postMessage bridge to its own routes.
 *
 * @module
 */
export { PluginUi, type PluginUiDeps } from "./plugin_ui.tsx";
export { FRAME_PREFIX } from "./frame_routes.ts";
export { FRAME_SANDBOX, frameCsp } from "./frame_headers.ts";
