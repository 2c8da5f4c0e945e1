/** Whether a plugin built against one `@plugd/sdk` version can run on this plugd's SDK. */
import { SDK_VERSION } from "./shim/wire.ts";

function parse(v: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/**
 * Why a plugin whose `definePlugin()` came from `@plugd/sdk` `pluginSdk` cannot run here, or
 * undefined when it can: same major version (same minor while the major is 0), and not newer
 * than this plugd's SDK (`daemonSdk`).
 *
 * @example
 * ```ts
 * sdkProblem("0.1.0", "0.1.2"); // undefined
 * sdkProblem("0.2.0", "0.1.2"); // "it was built with @plugd/sdk 0.2.0, ..."
 * ```
 */
export function sdkProblem(pluginSdk: string, daemonSdk: string = SDK_VERSION): string | undefined {
  const p = parse(pluginSdk);
  const d = parse(daemonSdk);
  const fix = `install a plugd whose SDK is ^${pluginSdk}, or rebuild the plugin against ` +
    `@plugd/sdk ${daemonSdk} (plugd plugin test shows what breaks)`;
  if (!p || !d) return `it reports @plugd/sdk ${JSON.stringify(pluginSdk)}, not a version; ${fix}`;
  const sameLine = p[0] === d[0] && (p[0] > 0 || p[1] === d[1]);
  const newer = p[1] > d[1] || (p[1] === d[1] && p[2] > d[2]);
  if (sameLine && !newer) return undefined;
  return `it was built with @plugd/sdk ${pluginSdk} but this plugd provides @plugd/sdk ` +
    `${daemonSdk}; ${fix}`;
}
