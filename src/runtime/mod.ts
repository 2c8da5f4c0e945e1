/**
 * The plugin runtime: sandboxed plugin processes, the protocol, supervision and resource caps.
 *
 * @example
 * ```ts
 * import { detectSandbox, Supervisor } from "./mod.ts";
 * const sandbox = await detectSandbox();
 * await using sup = new Supervisor({ hostHandler });
 * ```
 * @module
 */
export * from "./errors.ts";
export type {
  CallKind,
  DeniedAttempt,
  HandlerSet,
  HostHandler,
  InvokeOptions,
  LogLevel,
  LogLine,
  RuntimeState,
  SpawnCommand,
} from "./types.ts";
export {
  compareHandlers,
  MAX_FRAME_BYTES,
  parseChildLine,
  PROTOCOL_VERSION,
  type RoutePayload,
  type RouteResult,
  validateChildFrame,
} from "./protocol.ts";
export { readLines, type ReadLinesOptions } from "./frame_reader.ts";
export { LogLimiter, type LogLimiterOptions } from "./log_limiter.ts";
export {
  NET_FILES,
  pluginEnv,
  sandboxCommand,
  type SandboxCommandOptions,
  type SandboxMode,
} from "./sandbox_command.ts";
export {
  assertSandbox,
  detectSandbox,
  type DetectSandboxOptions,
  type SandboxInfo,
} from "./detect_sandbox.ts";
export {
  type AppliedCaps,
  type CapLimits,
  type CapMechanism,
  detectResourceCaps,
  type ResourceCaps,
  type ResourceCapsOptions,
} from "./resource_caps.ts";
export {
  manifestHandlers,
  pluginCommand,
  type PluginCommandOptions,
  type PluginDirs,
} from "./plugin_command.ts";
export { type PreparedPlugin, preparePlugin, type PreparePluginOptions } from "./prepare_plugin.ts";
export { checkModuleGraph } from "./module_graph.ts";
export { digestDir } from "./integrity.ts";
export { type ExitInfo, PluginProcess, type PluginProcessOptions } from "./plugin_process.ts";
export { Supervisor } from "./supervisor.ts";
export type {
  PluginCounters,
  PluginSpec,
  PluginStats,
  SupervisorOptions,
} from "./supervisor_types.ts";
export { MemoryHost } from "./memory_host.ts";
export { INSTALL_DIR, SDK_DIR, SHIM_DIR } from "./runtime_dirs.ts";
