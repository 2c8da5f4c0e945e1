/** The state of a plugin's rollout, as `plugd fleet rollout status` shows it. */
import type { DesiredEntry, PluginStatus, RolloutControl } from "./types.ts";

/** One host of a wave. */
export interface WaveHost {
  host: string;
  state: string;
  version: string | null;
  online: boolean;
  reason: string | null;
}

/** A rollout and where it stands. */
export interface RolloutView {
  plugin: string;
  id: string | null;
  from: string | null;
  to: string;
  state: "none" | "running" | "paused" | "halted" | "aborted" | "complete";
  /** 1-based index of the first wave not done, or null. */
  wave: number | null;
  waves: WaveHost[][];
  policy: DesiredEntry["rollout"];
  attempt: number;
}

/** Computes the view from the entry, statuses of this plugin by host, control and liveness. */
export function rolloutView(
  entry: DesiredEntry,
  statuses: ReadonlyMap<string, PluginStatus>,
  control: RolloutControl | null,
  online: (host: string) => boolean,
): RolloutView {
  const plan = entry.plan;
  const base = { plugin: entry.id, to: entry.version, policy: entry.rollout };
  if (!plan) {
    return { ...base, id: null, from: null, state: "none", wave: null, waves: [], attempt: 0 };
  }
  const c = control?.rollout === plan.id ? control : null;
  const attempt = c?.attempt ?? 0;
  const waves = plan.waves.map((w) =>
    w.map((host): WaveHost => {
      const s = statuses.get(host);
      return {
        host,
        state: s?.state ?? "unknown",
        version: s?.version ?? null,
        online: online(host),
        reason: s?.reason ?? null,
      };
    })
  );
  const done = (h: WaveHost) => (h.state === "converged" && h.version === plan.to) || !h.online;
  const current = waves.findIndex((w) => !w.every(done));
  const failed = [...statuses.values()].some((s) =>
    s.rollout === plan.id && s.state === "failed" && s.attempt === attempt && s.target === plan.to
  );
  const state: RolloutView["state"] = c?.aborted
    ? "aborted"
    : current < 0
    ? "complete"
    : failed && entry.rollout?.halt_on !== "never"
    ? "halted"
    : c?.paused
    ? "paused"
    : "running";
  return {
    ...base,
    id: plan.id,
    from: plan.from,
    state,
    wave: current < 0 ? null : current + 1,
    waves,
    attempt,
  };
}
