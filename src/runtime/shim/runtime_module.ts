/**
 * What a prepared plugin's `runtime.js` is bundled from (one module instead of the shim's and the
 * SDK's ~20): `@plugd/sdk` for the plugin's code (the import map points it here), the shim's entry
 * points for the bootstrap, and the channel module, which the shim's own folder used to expose to
 * code in the process by path (the security corpus writes raw frames with it).
 * @module
 */
export * from "../../../sdk/mod.ts";
export { openShim, runShim } from "./mod.ts";
export * as shimChannel from "./channel.ts";
