/** Types of the hook bus (SPEC §7). */
import type { CallKind } from "../runtime/mod.ts";
import type { CallOptions, PluginRecord } from "../plugins/mod.ts";

/** A validated CloudEvent 1.0 in JSON structured mode, as stored and as actions receive it. */
export interface CloudEvent {
  specversion: "1.0";
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: "application/json";
  data: unknown;
  /** Extension attributes such as `tenant`. */
  [extension: string]: unknown;
}

/** Outcome of one delivery. `pending` until final; `failed` = retries exhausted. */
export type DeliveryStatus = "pending" | "ok" | "error" | "timeout" | "failed";

/** One plugin's result for one event (SPEC §8 `results[]`). */
export interface DeliveryResult {
  plugin: string;
  /** The manifest hook that matched, e.g. `deployment.*`. */
  hook: string;
  status: DeliveryStatus;
  attempts: number;
  duration_ms: number | null;
  result?: unknown;
  error?: string;
}

/** `GET /v1/events/{id}`. */
export interface EventView {
  id: string;
  type: string;
  source: string;
  time: string;
  received_at: string;
  /** `pending` while any delivery is pending, else `completed`. */
  status: "pending" | "completed";
  results: DeliveryResult[];
  event: CloudEvent;
}

/** One plugin subscribed to a name through one manifest hook. */
export interface Subscriber {
  pluginId: string;
  /** The hook's name in plugin.yaml (an action's may end in `*`). */
  hook: string;
  priority: number;
  timeoutMs: number;
}

/** What the bus needs from the plugin lifecycle (a subset of `PluginService`). */
export interface HookHost {
  enabled(): Promise<PluginRecord[]>;
  /**
   * Why `id` cannot take deliveries now (failed, restarting after a crash, disabled, not
   * installed), or null when it can (running, or startable on demand).
   */
  deliverable(id: string): string | null;
  /** Calls `listener` whenever a plugin's runtime state changes (e.g. it runs again). */
  watchState?(listener: (id: string, state: string) => void): void;
  invoke(
    id: string,
    kind: CallKind,
    name: string,
    payload: unknown,
    options?: CallOptions,
  ): Promise<unknown>;
}
