/**
 * The fleet's KV bucket over a live connection: created on first use (with the configured
 * replicas), watched into the mirror (resuming after the last revision when the watch is
 * restarted), and written with revision checks where two writers could race.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { type KV, Kvm } from "@nats-io/kv";
import type { FleetMirror, MirrorChange } from "./fleet_mirror.ts";

/** How many revisions of each key the bucket keeps (history for `nats kv history`). */
const HISTORY = 5;

/** Opens (creating if needed) the fleet bucket. */
export async function openBucket(
  nc: NatsConnection,
  name: string,
  replicas: number,
): Promise<KV> {
  const kvm = new Kvm(nc);
  try {
    return await kvm.create(name, { history: HISTORY, replicas });
  } catch (error) {
    // Created earlier with other settings (e.g. by an operator with more replicas): use it.
    try {
      return await kvm.open(name);
    } catch {
      throw error;
    }
  }
}

/**
 * Watches every key of the bucket into `mirror` until `signal` aborts or the watch ends;
 * `onChange` hears each change, `onReady` once the initial values are in.
 */
export async function watchBucket(
  kv: KV,
  mirror: FleetMirror,
  o: {
    signal: AbortSignal;
    onChange: (change: MirrorChange) => void;
    onReady: () => void;
  },
): Promise<void> {
  const watch = await kv.watch({
    key: ">",
    ...(mirror.revision > 0 ? { resumeFromRevision: mirror.revision + 1 } : {}),
  });
  const stop = () => watch.stop();
  o.signal.addEventListener("abort", stop, { once: true });
  let ready = false;
  const markReady = () => {
    if (!ready) {
      ready = true;
      o.onReady();
    }
  };
  // Ready once the mirror reached the bucket's last revision at the start of the watch (an
  // empty bucket, or nothing new since the resume point, yields nothing: ready at once).
  const last = (await kv.status()).streamInfo.state.last_seq;
  if (mirror.revision >= last) markReady();
  try {
    for await (const e of watch) {
      const change = await mirror.apply({
        key: e.key,
        value: e.value,
        operation: e.operation,
        revision: e.revision,
      });
      if (change) o.onChange(change);
      if (e.isUpdate || mirror.revision >= last) markReady();
    }
  } finally {
    o.signal.removeEventListener("abort", stop);
  }
}

/** JSON bytes of a value. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
