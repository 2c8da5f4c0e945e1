/** Host folders the sandbox mounts read-only for every plugin. */
import { fromFileUrl } from "./_path.ts";

/** Absolute path of the SDK folder (`sdk/`). */
export const SDK_DIR: string = fromFileUrl(new URL("../../sdk", import.meta.url));
/** Absolute path of the in-sandbox shim folder (`src/runtime/shim/`). */
export const SHIM_DIR: string = fromFileUrl(new URL("./shim", import.meta.url));
/** Absolute path of the plugd installation (the checkout, or `/opt/plugd`): never grantable. */
export const INSTALL_DIR: string = fromFileUrl(new URL("../..", import.meta.url)).replace(
  /\/$/,
  "",
);
