/**
 * Fleet tasks accepted on this host wait in its outbox (libSQL) until they are in NATS: the
 * task's entry in the task bucket first (so a taker always finds it), then its message on the
 * work queue (the task id as the message id, so a re-publish after a crash is dropped). A task
 * whose idempotency key another host bound while this one could not ask (NATS away) is stored
 * `cancelled` as a duplicate instead of being queued.
 */
import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Store } from "../store/mod.ts";
import type { FleetTaskView, FleetTaskViews } from "./fleet_task_views.ts";
import type { FleetNames } from "./names.ts";

const BATCH = 128;

/** What the outbox needs. */
export interface TaskOutboxDeps {
  store: Store;
  names: FleetNames;
  log: (message: string) => void;
  /** Counts published tasks for /metrics. */
  count?: (what: "published" | "duplicate") => void;
}

/** The outbox of fleet tasks and its publisher. */
export class FleetTaskOutbox {
  #d: TaskOutboxDeps;
  #target: { nc: NatsConnection; views: FleetTaskViews } | null = null;
  #pending = false;
  #wake: (() => void) | null = null;
  #flushing: Promise<void> | null = null;

  constructor(deps: TaskOutboxDeps) {
    this.#d = deps;
  }

  /** Stores a new task (durable once this resolves) and kicks the publisher. */
  async add(view: FleetTaskView): Promise<void> {
    await this.#d.store.write(() => ({
      statements: [{
        sql: `INSERT INTO fleet_task_outbox (task_id, type, idempotency_key, view, created_at)
          VALUES (?, ?, ?, ?, ?)`,
        args: [view.id, view.type, view.idempotency_key, JSON.stringify(view), view.created_at],
      }],
    }));
    this.kick();
  }

  /** A task still waiting here, or null. */
  async find(id: string): Promise<FleetTaskView | null> {
    const rs = await this.#d.store.execute({
      sql: "SELECT view FROM fleet_task_outbox WHERE task_id = ?",
      args: [id],
    });
    return rs.rows[0] ? JSON.parse(String(rs.rows[0].view)) : null;
  }

  /** Every task waiting here (for listings). */
  async list(): Promise<FleetTaskView[]> {
    const rs = await this.#d.store.execute("SELECT view FROM fleet_task_outbox ORDER BY seq");
    return rs.rows.map((r) => JSON.parse(String(r.view)));
  }

  /** The id of a task of `type` waiting here with idempotency `key`, or null. */
  async findKey(type: string, key: string): Promise<string | null> {
    const rs = await this.#d.store.execute({
      sql: `SELECT task_id FROM fleet_task_outbox WHERE type = ? AND idempotency_key = ?
        ORDER BY seq LIMIT 1`,
      args: [type, key],
    });
    return rs.rows[0] ? String(rs.rows[0].task_id) : null;
  }

  /** Replaces a waiting task (a cancel before it was published); false when it is gone. */
  async replace(view: FleetTaskView): Promise<boolean> {
    return await this.#d.store.write(async () => {
      const here = await this.find(view.id);
      return {
        statements: here
          ? [{
            sql: "UPDATE fleet_task_outbox SET view = ? WHERE task_id = ?",
            args: [JSON.stringify(view), view.id],
          }]
          : [],
        value: here !== null,
      };
    });
  }

  /** Forgets a waiting task (its key was bound to another task). */
  async remove(id: string): Promise<void> {
    await this.#d.store.write(() => ({
      statements: [{ sql: "DELETE FROM fleet_task_outbox WHERE task_id = ?", args: [id] }],
    }));
  }

  /** Publishes to `nc` from now on (null: NATS went away). */
  attach(target: { nc: NatsConnection; views: FleetTaskViews } | null): void {
    this.#target = target;
    this.kick();
  }

  /** Resolves when the publisher is idle (shutdown). */
  async idle(): Promise<void> {
    this.#target = null;
    this.#wake?.();
    await this.#flushing;
  }

  /** Wakes the publisher. */
  kick(): void {
    this.#pending = true;
    this.#wake?.();
    if (this.#target) this.#flushing ??= this.#flush().finally(() => (this.#flushing = null));
  }

  async #flush(): Promise<void> {
    while (this.#target) {
      if (!this.#pending) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = null;
        continue;
      }
      this.#pending = false;
      const rs = await this.#d.store.execute(
        `SELECT task_id, view FROM fleet_task_outbox ORDER BY seq LIMIT ${BATCH}`,
      );
      const target = this.#target;
      if (rs.rows.length === 0 || !target) continue;
      try {
        const { nc, views } = target;
        await Promise.all(rs.rows.map((r) => this.#publish(nc, views, JSON.parse(String(r.view)))));
      } catch (error) {
        this.#d.log(
          `fleet: publishing fleet tasks failed (${(error as Error).message}); ` +
            "they stay in the outbox",
        );
        this.#pending = true;
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      const ids = rs.rows.map((r) => String(r.task_id));
      await this.#d.store.write(() => ({
        statements: [{
          sql: `DELETE FROM fleet_task_outbox WHERE task_id IN (${ids.map(() => "?").join(",")})`,
          args: ids,
        }],
      }));
      this.#pending = true; // there may be more
    }
  }

  async #publish(nc: NatsConnection, views: FleetTaskViews, view: FleetTaskView): Promise<void> {
    if (view.idempotency_key !== null && view.status === "queued") {
      const holder = await views.bindKey(view.type, view.idempotency_key, view.id);
      if (holder !== view.id) {
        const now = new Date().toISOString();
        await views.create({
          ...view,
          status: "cancelled",
          finished_at: now,
          error: `duplicate of task ${holder}: its idempotency key was used on another host ` +
            "while this one could not reach NATS",
        });
        this.#d.count?.("duplicate");
        return;
      }
    }
    await views.create(view);
    if (view.status !== "queued") return; // cancelled before it was published
    await jetstream(nc).publish(
      this.#d.names.taskSubject(view.type),
      JSON.stringify({ id: view.id, type: view.type }),
      { msgID: view.id },
    );
    this.#d.count?.("published");
  }
}
