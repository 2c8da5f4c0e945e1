/**
 * The rollout, decided by each host for itself ("each host takes its turn by wave"): the
 * waves are fixed in the desired entry at apply; a host moves to the new version when every
 * earlier wave converged on it and stayed healthy for `pause_s`, unless the rollout is paused,
 * aborted or halted by a failure. No leader: every host reads the same statuses from the KV
 * bucket and reaches the same answer.
 */
import type { DesiredEntry, PluginStatus, RolloutControl } from "./types.ts";

/** What a host knows when it asks. */
export interface GateInput {
  entry: DesiredEntry;
  hostId: string;
  /** Statuses of this plugin by host id. */
  statuses: ReadonlyMap<string, PluginStatus>;
  control: RolloutControl | null;
  /** Whether a host is alive (offline hosts do not hold a wave back; they catch up later). */
  online: (hostId: string) => boolean;
  /** The version installed here, or null. */
  installed: string | null;
}

/** The gate's answer: the version to hold now, and why not the new one yet. */
export interface GateDecision {
  target: string;
  /** Why the host waits (null when `target` is the entry's version). */
  waiting: string | null;
  /** True when only the pause keeps it waiting (earlier waves are done). */
  pausing: boolean;
  /** The attempt this decision belongs to (raised by resume after a halt). */
  attempt: number;
}

/** Whether host `h` runs the new version: converged on it, or gone. */
function doneOn(input: GateInput, h: string, to: string): boolean {
  const s = input.statuses.get(h);
  return (s?.state === "converged" && s.version === to) || !input.online(h);
}

/** The version this host should hold now (see the module comment). */
export function rolloutGate(input: GateInput, pauseElapsed: boolean): GateDecision {
  const { entry, hostId } = input;
  const plan = entry.plan;
  if (!plan) return { target: entry.version, waiting: null, pausing: false, attempt: 0 };
  const control = input.control?.rollout === plan.id ? input.control : null;
  const attempt = control?.attempt ?? 0;
  const hold = (waiting: string, pausing = false): GateDecision => ({
    target: plan.from,
    waiting,
    pausing,
    attempt,
  });
  if (control?.aborted) return hold(`rollout ${plan.id} aborted by ${control.by}`);
  if (input.installed === plan.to) {
    return { target: plan.to, waiting: null, pausing: false, attempt };
  }
  const failed = [...input.statuses.values()].filter((s) =>
    s.rollout === plan.id && s.state === "failed" && s.attempt === attempt && s.target === plan.to
  );
  const mine = failed.find((s) => s.host === hostId);
  if (mine) return hold(mine.reason ?? "failed");
  const all = plan.waves.flat();
  const wave = plan.waves.findIndex((w) => w.includes(hostId));
  if (wave < 0) {
    // Joined after the apply: the new version once every planned host has it.
    return all.every((h) => doneOn(input, h, plan.to))
      ? { target: plan.to, waiting: null, pausing: false, attempt }
      : hold("not in the rollout plan: takes the new version when the rollout completes");
  }
  if (entry.rollout?.halt_on !== "never" && failed.length > 0) {
    const names = failed.map((s) => s.host).sort().join(", ");
    return hold(`rollout halted: ${names} failed on ${plan.to}`);
  }
  if (control?.paused) return hold(`rollout paused by ${control.by}`);
  for (let w = 0; w < wave; w++) {
    const pending = plan.waves[w]!.filter((h) => !doneOn(input, h, plan.to));
    if (pending.length) return hold(`waiting for wave ${w + 1} (${pending.join(", ")})`);
  }
  if (wave > 0 && !pauseElapsed) {
    return hold(`pause of ${entry.rollout?.pause_s ?? 0}s after wave ${wave}`, true);
  }
  return { target: plan.to, waiting: null, pausing: false, attempt };
}
