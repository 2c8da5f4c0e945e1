/** A daemon wired to a test registry, with the publisher's key trusted and an event receiver. */
import assert from "node:assert/strict";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { type Receiver, startReceiver } from "../webhooks/_receiver.ts";
import type { TestPublisher, TestRegistry } from "./_registry.ts";

/** A parsed JSON body, read freely by tests. */
// deno-lint-ignore no-explicit-any
type Json = any;

/** The daemon, its JSON helper and a webhook receiver subscribed to `events`. */
export interface MarketDaemon {
  daemon: TestDaemon;
  receiver: Receiver;
  call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Json }>;
  /** Event payloads of `type` the receiver got so far. */
  events: (type: string) => Record<string, unknown>[];
  [Symbol.asyncDispose]: () => Promise<void>;
}

/** Starts a daemon using `registry` (name corp, its advisory key) and trusting `publisher`. */
export async function startMarketDaemon(
  registry: TestRegistry,
  publisher: TestPublisher,
  options: { env?: Record<string, string>; events?: string[]; registries?: string } = {},
): Promise<MarketDaemon> {
  const receiver = startReceiver();
  const daemon = await startDaemon({
    env: {
      PLUGD_REGISTRIES: options.registries ??
        `${registry.url};name=corp;key=${registry.advisoryKey}`,
      PLUGD_WEBHOOKS_ALLOW_PRIVATE: "true",
      ...options.env,
    },
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await daemon.fetch(path, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  assert.equal((await call("POST", "/v1/keys", { public_key: publisher.publicKey })).status, 201);
  if (options.events?.length) {
    const hook = await call("POST", "/v1/webhooks", {
      url: `${receiver.url}/events`,
      event_types: options.events,
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
  }
  return {
    daemon,
    receiver,
    call,
    events: (type) =>
      receiver.received.map((r) => JSON.parse(r.body)).filter((e) => e.type === type)
        .map((e) => e.data),
    [Symbol.asyncDispose]: async () => {
      await daemon.stop();
      await receiver.close();
    },
  };
}

/** Installs `source`, grants what it asks and enables it; returns the install answer. */
export async function installEnabled(
  m: MarketDaemon,
  source: string,
): Promise<Record<string, Json>> {
  const install = await m.call("POST", "/v1/plugins", { source });
  assert.equal(install.status, 201, JSON.stringify(install.body));
  const id = install.body.id;
  const grant = await m.call("POST", `/v1/plugins/${id}/grant`, {
    permissions: install.body.requested,
  });
  assert.equal(grant.status, 200, JSON.stringify(grant.body));
  const enabled = await m.call("POST", `/v1/plugins/${id}/enable`);
  assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
  return install.body;
}
