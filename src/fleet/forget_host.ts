/**
 * `plugd fleet forget <host>`: a host that left the fleet for good is taken out of it: its
 * heartbeat and statuses leave the bucket (so status and rollouts stop counting it) and its
 * durable consumer leaves the event stream (so JetStream stops keeping events for it). A host
 * still heard from is refused unless forced: it would only write itself back.
 */
import type { KV } from "@nats-io/kv";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { FleetApplyError, FleetNotFoundError } from "./errors.ts";
import type { FleetMirror } from "./fleet_mirror.ts";
import { type FleetNames, KEYS } from "./names.ts";

/** What was removed. */
export interface ForgetResult {
  host: string;
  statuses: number;
  consumer: boolean;
}

/** Removes `hostId` from the fleet (see the module comment). */
export async function forgetHost(
  ctx: { kv: KV; nc: NatsConnection; mirror: FleetMirror; names: FleetNames; self: string },
  hostId: string,
  o: { force: boolean },
): Promise<ForgetResult> {
  const { kv, mirror } = ctx;
  const known = mirror.hosts.has(hostId) ||
    [...mirror.statuses.values()].some((byHost) => byHost.has(hostId));
  if (!known) throw new FleetNotFoundError(`No host "${hostId}" in the fleet`);
  if (hostId === ctx.self) {
    throw new FleetApplyError(
      `"${hostId}" is this host; ask another host of the fleet to forget it`,
      [],
      true,
    );
  }
  if (mirror.hosts.has(hostId) && mirror.online(hostId) && !o.force) {
    throw new FleetApplyError(
      `Host "${hostId}" was heard from in the last minute; stop its daemon (or remove its ` +
        "nats.url) first, or pass --force",
      [],
      true,
    );
  }
  let statuses = 0;
  for (const [pluginId, byHost] of mirror.statuses) {
    if (!byHost.has(hostId)) continue;
    await kv.delete(KEYS.status(hostId, pluginId));
    statuses++;
  }
  await kv.delete(KEYS.host(hostId));
  const jsm = await jetstreamManager(ctx.nc);
  const consumer = await jsm.consumers.delete(
    ctx.names.eventStream,
    ctx.names.eventConsumer(hostId),
  ).catch(() => false);
  return { host: hostId, statuses, consumer };
}
