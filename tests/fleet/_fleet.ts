/**
 * A fleet under test: a real `nats-server -js`, a real registry server with a publisher, and
 * real daemons joined to the fleet (each with its own state dir, host id and labels), all
 * trusting the publisher's key.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { stringify } from "yaml";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { startNats, type TestNats } from "../helpers/nats.ts";
import { waitFor } from "../helpers/wait_for.ts";
import {
  createPublisher,
  packTestPlugin,
  publish,
  startRegistry,
  type TestPluginOptions,
  type TestPublisher,
  type TestRegistry,
} from "../registry/_registry.ts";

/** A parsed JSON body, read freely by tests. */
// deno-lint-ignore no-explicit-any
export type Json = any;

/** One host of the fleet. */
export interface FleetHost {
  id: string;
  labels: Record<string, string>;
  daemon: TestDaemon;
  call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Json }>;
}

/** The whole fleet. */
export interface TestFleet {
  nats: TestNats;
  registry: TestRegistry;
  publisher: TestPublisher;
  hosts: FleetHost[];
  root: string;
  /** Publishes a signed test plugin to the registry. */
  publishPlugin: (o: TestPluginOptions) => Promise<void>;
  /** Starts a host (again, with `stateDir` to restart one). */
  startHost: (id: string, labels: Record<string, string>, stateDir?: string) => Promise<FleetHost>;
  /** Writes a fleet file and returns its path. */
  writeFleetFile: (doc: unknown) => Promise<string>;
  [Symbol.asyncDispose]: () => Promise<void>;
}

async function jsonCall(daemon: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await daemon.fetch(path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Starts NATS, a registry and one daemon per `hosts` entry, all in the fleet. */
export async function startFleet(
  hosts: { id: string; labels: Record<string, string> }[],
  options: { env?: Record<string, string> } = {},
): Promise<TestFleet> {
  const nats = await startNats();
  const registry = await startRegistry();
  const publisher = await createPublisher(registry, "acme");
  const root = await Deno.makeTempDir({ prefix: "plugd-fleet-" });
  const list: FleetHost[] = [];
  const startHost = async (id: string, labels: Record<string, string>, stateDir?: string) => {
    const daemon = await startDaemon({
      stateDir,
      env: {
        PLUGD_NATS_URL: nats.url,
        PLUGD_FLEET_HOST_ID: id,
        PLUGD_FLEET_LABELS: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(","),
        ...options.env,
      },
    });
    const host: FleetHost = {
      id,
      labels,
      daemon,
      call: (method, path, body) => jsonCall(daemon, method, path, body),
    };
    if (!stateDir) {
      const trust = await host.call("POST", "/v1/keys", { public_key: publisher.publicKey });
      assert.equal(trust.status, 201, JSON.stringify(trust.body));
    }
    const i = list.findIndex((h) => h.id === id);
    if (i >= 0) list[i] = host;
    else list.push(host);
    return host;
  };
  try {
    for (const h of hosts) await startHost(h.id, h.labels);
  } catch (error) {
    await Promise.allSettled(list.map((h) => h.daemon.stop()));
    await registry.stop();
    await nats[Symbol.asyncDispose]();
    throw error;
  }
  return {
    nats,
    registry,
    publisher,
    hosts: list,
    root,
    publishPlugin: async (o) => {
      const tgz = await packTestPlugin(root, publisher.key, o);
      const res = await publish(registry, publisher.token, tgz);
      assert.equal(res.status, 201, JSON.stringify(res.body));
    },
    startHost,
    writeFleetFile: async (doc) => {
      const path = join(root, `fleet-${crypto.randomUUID().slice(0, 6)}.yaml`);
      await Deno.writeTextFile(path, stringify(doc));
      return path;
    },
    [Symbol.asyncDispose]: async () => {
      await Promise.allSettled(list.map((h) => h.daemon.stop()));
      await registry.stop();
      await nats[Symbol.asyncDispose]();
      await Deno.remove(root, { recursive: true }).catch(() => {});
    },
  };
}

/** Waits until every host in `hostIds` sees the others in `/v1/fleet/status`. */
export async function waitForMembers(fleet: TestFleet, hostIds: string[]): Promise<void> {
  for (const host of fleet.hosts.filter((h) => hostIds.includes(h.id))) {
    await waitFor(
      async () => {
        const { status, body } = await host.call("GET", "/v1/fleet/status");
        if (status !== 200 || !body.connected) return false;
        const online = new Set(body.hosts.filter((h: Json) => h.online).map((h: Json) => h.id));
        return hostIds.every((id) => online.has(id));
      },
      `${host.id} to see ${hostIds.join(", ")}`,
      60_000,
    );
  }
}

/** This host's status of `plugin` as every host sees it. */
export async function statusOf(host: FleetHost, hostId: string, plugin: string): Promise<Json> {
  const { body } = await host.call("GET", "/v1/fleet/status");
  return body.statuses.find((s: Json) => s.host === hostId && s.plugin === plugin) ?? null;
}

/** Waits until `hostId` reports `plugin` in `state` (at `version`, when given). */
export async function waitForStatus(
  fleet: TestFleet,
  hostId: string,
  plugin: string,
  state: string,
  version?: string,
  timeoutMs = 90_000,
): Promise<Json> {
  const observer = fleet.hosts[0]!;
  return await waitFor(
    async () => {
      const s = await statusOf(observer, hostId, plugin);
      return s && s.state === state && (version === undefined || s.version === version) ? s : null;
    },
    `${hostId} to report ${plugin} ${state}${version ? ` ${version}` : ""}`,
    timeoutMs,
  );
}
