/**
 * Fleet tasks as every host sees them: one KV entry per task (`task.<id>`, the shape of
 * `GET /v1/tasks/{id}`), changed only with revision checks so a cancel and the host running the
 * task never overwrite each other, and one entry per used idempotency key (`key.<hash>`), created
 * atomically so a key names one task across the fleet.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { TaskRequest, TaskView } from "../tasks/mod.ts";
import { jsonBytes } from "./fleet_bucket.ts";

/** How long a fleet task (and an idempotency key) is kept after its last change. */
export const FLEET_TASK_TTL_MS = 7 * 24 * 3600_000;

/** A fleet task as stored in the bucket. */
export interface FleetTaskView extends TaskView {
  scope: "fleet";
  host: string | null;
  accepted_by: string;
  /** A cancel was asked while it ran on a host that did not answer; the next taker obeys it. */
  cancel_requested?: boolean;
  /** When the running attempt started (so a taker after a host's death can log it). */
  attempt_started_at?: string;
}

/**
 * A task just accepted for the fleet: queued, on no host yet, created at `now` (ms; the time in
 * its id too, so listings find it by its id).
 */
export function acceptedFleetTask(
  type: string,
  request: TaskRequest,
  accepted: { id: string; acceptedBy: string; now: number },
): FleetTaskView {
  return {
    id: accepted.id,
    type,
    plugin: null,
    tenant: request.tenant ?? null,
    status: "queued",
    priority: request.priority ?? 0,
    idempotency_key: request.idempotency_key ?? null,
    input: request.input ?? null,
    result: null,
    error: null,
    progress: null,
    attempts: [],
    created_at: new Date(accepted.now).toISOString(),
    started_at: null,
    finished_at: null,
    next_attempt_at: null,
    scope: "fleet",
    host: null,
    accepted_by: accepted.acceptedBy,
  };
}

/** Opens (creating if needed) the bucket of fleet tasks. */
export async function openTaskBucket(
  nc: NatsConnection,
  name: string,
  replicas: number,
): Promise<KV> {
  const kvm = new Kvm(nc);
  try {
    return await kvm.create(name, { history: 1, replicas, ttl: FLEET_TASK_TTL_MS });
  } catch (error) {
    try {
      return await kvm.open(name); // created earlier with other settings: use it
    } catch {
      throw error;
    }
  }
}

const taskKey = (id: string) => `task.${id}`;

/** The id of every task in bucket `name` (its keys `task.<id>`, one stream-info request). */
export async function bucketTaskIds(nc: NatsConnection, name: string): Promise<string[]> {
  const prefix = `$KV.${name}.task.`;
  const info = await (await jetstreamManager(nc)).streams.info(`KV_${name}`, {
    subjects_filter: `${prefix}>`,
  });
  return Object.keys(info.state.subjects ?? {}).map((s) => s.slice(prefix.length));
}

/** Reads and changes fleet tasks in their bucket. */
export class FleetTaskViews {
  readonly kv: KV;

  constructor(kv: KV) {
    this.kv = kv;
  }

  /** The task and its revision, or null. */
  async read(id: string): Promise<{ view: FleetTaskView; revision: number } | null> {
    const e = await this.kv.get(taskKey(id));
    if (!e || e.operation !== "PUT") return null;
    return { view: e.json<FleetTaskView>(), revision: e.revision };
  }

  /** Creates the task's entry; false when it exists already (a re-publish). */
  async create(view: FleetTaskView): Promise<boolean> {
    try {
      await this.kv.create(taskKey(view.id), jsonBytes(view));
      return true;
    } catch (error) {
      if (await this.read(view.id)) return false;
      throw error;
    }
  }

  /**
   * Applies `change` to the stored task with a revision check, reading and applying again when
   * another writer came first. `change` answers null to leave the task as it is. Returns the task
   * as stored afterwards, or null when there is none.
   */
  async modify(
    id: string,
    change: (view: FleetTaskView) => FleetTaskView | null,
  ): Promise<FleetTaskView | null> {
    for (let tries = 0;; tries++) {
      const current = await this.read(id);
      if (!current) return null;
      const next = change(structuredClone(current.view));
      if (!next) return current.view;
      try {
        await this.kv.update(taskKey(id), jsonBytes(next), current.revision);
        return next;
      } catch (error) {
        const now = await this.read(id);
        if (tries >= 50 || !now || now.revision === current.revision) throw error;
      }
    }
  }

  /**
   * Binds an idempotency key of `type` to task `id` unless it is bound already; answers the id
   * it is bound to (`id` itself when this call bound it).
   */
  async bindKey(type: string, key: string, id: string): Promise<string> {
    const digest = await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(`${type}\u0000${key}`),
    );
    const name = `key.${
      Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("")
    }`;
    try {
      await this.kv.create(name, new TextEncoder().encode(id));
      return id;
    } catch (error) {
      const e = await this.kv.get(name);
      if (e && e.operation === "PUT") return e.string();
      throw error;
    }
  }
}
