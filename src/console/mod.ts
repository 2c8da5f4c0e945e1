/** The web console at `/ui`: server-rendered pages, sessions, CSRF, CSP and the live feed. */
export type { ConsoleParts, WebConsole } from "./web_console.tsx";
export { LazyConsole } from "./lazy_console.ts";
export {
  ConsoleExtensions,
  type ExtensionTools,
  type NavEntry,
  type NavSource,
  type RouteRegistrar,
  type SlotContext,
  type SlotName,
  type SlotRenderer,
} from "./extensions.ts";
export { ApiProblem, ConsoleApi } from "./api_client.ts";
export { inert, safeHref } from "./inert_text.ts";
export { consoleCsp } from "./security_headers.ts";
export { abilities } from "./kit.ts";
export type { ApiFetch, ConsoleDeps, ConsoleEnv, DaemonFacts, Session } from "./types.ts";
