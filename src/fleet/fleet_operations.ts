/**
 * What operators change in the fleet through the API, each audited on this host once it is
 * written: apply a fleet document, pause/resume/abort a rollout, forget a host that left.
 */
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { auditStatement } from "../audit/mod.ts";
import type { Config } from "../config/mod.ts";
import type { Store } from "../store/mod.ts";
import { applyFleet, type ApplyResult } from "./fleet_apply.ts";
import type { FleetMirror } from "./fleet_mirror.ts";
import { forgetHost, type ForgetResult } from "./forget_host.ts";
import type { FleetNames } from "./names.ts";
import { type RolloutAction, rolloutControl } from "./rollout_control.ts";
import type { RolloutView } from "./rollout_view.ts";

/** What the operations work with: the fleet service's parts. */
export interface FleetOperationDeps {
  store: Store;
  config: Config;
  workDir: string;
  mirror: FleetMirror;
  names: FleetNames;
  /** The fleet's name (the target of `fleet.apply`). */
  fleetName: string;
  /** This host's id. */
  hostId: string;
  /** The fleet bucket, or a `FleetUnavailableError` while NATS is away. */
  kv: () => KV;
  /** The live connection (asked after `kv`, so it is there). */
  nc: () => NatsConnection;
}

/** Checks, plans and writes a fleet document (see `applyFleet`); a write is audited. */
export async function applyAudited(
  deps: FleetOperationDeps,
  doc: unknown,
  o: { dryRun: boolean; actor: string },
): Promise<ApplyResult> {
  const kv = deps.kv();
  const result = await applyFleet(
    {
      store: deps.store,
      config: deps.config,
      workDir: deps.workDir,
      mirror: deps.mirror,
      kv,
    },
    doc,
    o,
  );
  if (result.written) {
    await audit(deps.store, o.actor, "fleet.apply", deps.fleetName, {
      plugins: result.plugins.filter((p) => p.action !== "unchanged").map((p) => ({
        id: p.id,
        action: p.action,
        from: p.from,
        to: p.to,
      })),
    });
  }
  return result;
}

/** Pauses, resumes or aborts a plugin's rollout; audited. */
export async function controlRolloutAudited(
  deps: FleetOperationDeps,
  pluginId: string,
  action: RolloutAction,
  actor: string,
): Promise<RolloutView> {
  const view = await rolloutControl(deps.mirror, deps.kv(), pluginId, action, actor);
  await audit(deps.store, actor, `fleet.rollout.${action}`, pluginId, { rollout: view.id });
  return view;
}

/** Takes a host that left for good out of the fleet (see `forgetHost`); audited. */
export async function forgetAudited(
  deps: FleetOperationDeps,
  hostId: string,
  o: { force: boolean; actor: string },
): Promise<ForgetResult> {
  const kv = deps.kv();
  const nc = deps.nc();
  const r = await forgetHost(
    { kv, nc, mirror: deps.mirror, names: deps.names, self: deps.hostId },
    hostId,
    o,
  );
  await audit(deps.store, o.actor, "fleet.forget", hostId, { ...r });
  return r;
}

async function audit(
  store: Store,
  actor: string,
  action: string,
  target: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await store.write(async () => ({
    statements: [await auditStatement(store, { actor, action, target, result: "ok", detail })],
  }));
}
