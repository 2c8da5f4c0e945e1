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
  HostCallScope,
  HostHandler,
  InvokeOptions,
  LogLevel,
  LogLine,
  RuntimeState,
  TenantCall,
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
  assertSandbox,
  detectSandbox,
  type DetectSandboxOptions,
  type SandboxInfo,
  type SandboxMode,
  switchesUids,
} from "./detect_sandbox.ts";
export {
  cgroupInstance,
  detectResourceCaps,
  releaseResourceCaps,
  type ResourceCapsOptions,
} from "./resource_caps.ts";
export {
  type CapMechanism,
  type CapsFacts,
  type CapsPlan,
  capsPlan,
  type CgroupDir,
} from "./caps_plan.ts";
export {
  type LaunchOptions,
  type LaunchPlan,
  launchPlan,
  NET_FILES,
  type PluginDirs,
} from "./launch_plan.ts";
export { IN_SANDBOX, SANDBOX_VIEW } from "./sandbox_paths.ts";
export { BinFolders, type BinFoldersOptions, unitBinRoot } from "./bin_folders.ts";
export { makeUnitBinFolders, type UnitBinFolders } from "./unit_bin_folders.ts";
export { capsDrop, dropToUid, missingCaps, UID_SWITCH_CAPS, type UidSwitch } from "./uid_switch.ts";
export { LAUNCHER_SCRIPT } from "./launcher.ts";
export type { Runner, RunningChild } from "./runner.ts";
export { type ProcessRunner, processRunner, type ProcessRunnerOptions } from "./process_runner.ts";
export { manifestHandlers } from "./manifest_handlers.ts";
export { DataVolumes, type DataVolumesOptions, type VolumeMode } from "./data_volumes.ts";
export { imageSizeMb } from "./volume_image.ts";
export { MountHolder, type MountHolderOptions } from "./mount_holder.ts";
export { diskUsage } from "./disk_usage.ts";
export {
  PREPARED_FOR,
  preparedMarker,
  type PreparedPlugin,
  preparePlugin,
  type PreparePluginOptions,
} from "./prepare_plugin.ts";
export { checkModuleGraph } from "./module_graph.ts";
export { checkPreparedCode, type PreparedCodeCheck, removeAddedEntries } from "./prepared_code.ts";
export { digestDir } from "./integrity.ts";
export { type ExitInfo, PluginProcess, type PluginProcessOptions } from "./plugin_process.ts";
export { Supervisor } from "./supervisor.ts";
export { STANDBY_OFF, type StandbyPolicy } from "./standby_pool.ts";
export {
  type HealthChange,
  type HealthPolicy,
  healthProblem,
  type HealthView,
  HealthWatch,
} from "./health_watch.ts";
export {
  type DiskLimit,
  type OwnCall,
  type PluginCounters,
  type PluginSpec,
  type PluginStats,
  READY_TIMEOUT_MS,
  type SupervisorOptions,
} from "./supervisor_types.ts";
export { MemoryHost } from "./memory_host.ts";
export { INSTALL_DIR, SDK_DIR, SHIM_DIR } from "./runtime_dirs.ts";
export {
  ADDON_RUNNER,
  SHELL_LIB_DIRS,
  SHELL_PATH,
  SHELL_TOOLS,
  type ShellLaunch,
} from "./addon_sandbox.ts";
export {
  type AddonRunResult,
  MAX_ADDON_LINE_BYTES,
  runAddon,
  type RunAddonOptions,
} from "./run_addon.ts";
export { type AddonContract, parseContract, readAddonContract } from "./addon_contract.ts";
