/**
 * A fleet of plugd hosts on NATS JetStream: desired state in a KV bucket that every host
 * converges to (through the plugin service, audited as `fleet`), staged rollouts decided by each
 * host in its turn, and fleet events carried by a stream to a durable consumer per host.
 *
 * @example
 * ```ts
 * const { FleetService } = await loadFleetService();
 * const fleet = new FleetService({ settings, config, store, plugins, workDir, log });
 * await fleet.start();
 * const plan = await fleet.apply(parse(await Deno.readTextFile("fleet.yaml")), { dryRun: true, actor: "cli" });
 * ```
 *
 * @module
 */
// The service only as a type: a daemon loads it through loadFleetService() when it is in a fleet.
export type { FleetService, FleetServiceDeps } from "./fleet_service.ts";
export { loadFleetService } from "./load_fleet_service.ts";
export type { ForgetResult } from "./forget_host.ts";
export {
  FleetApplyError,
  FleetEventRefused,
  FleetNotFoundError,
  FleetUnavailableError,
} from "./errors.ts";
export type { ApplyResult, HostChange, PluginPlan } from "./fleet_apply.ts";
export type { DesiredRow, FleetStatus, HostRow } from "./fleet_status.ts";
export type { RolloutView, WaveHost } from "./rollout_view.ts";
export type { RolloutAction } from "./rollout_control.ts";
export { FleetDocumentError, parseFleetDocument } from "./fleet_document.ts";
export { type FleetNames, fleetNames } from "./names.ts";
export type {
  DesiredEntry,
  HostInfo,
  PluginSpec,
  PluginStatus,
  RolloutControl,
  RolloutPlan,
  RolloutPolicy,
} from "./types.ts";
