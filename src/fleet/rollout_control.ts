/**
 * `plugd fleet rollout status|pause|resume|abort`: an operator's hand on a rollout, written to
 * `control.<plugin>` and obeyed by every host's rollout gate. Resume after a halt starts a new
 * attempt: hosts that failed in the previous one try again.
 */
import type { KV } from "@nats-io/kv";
import { FleetApplyError, FleetNotFoundError } from "./errors.ts";
import { jsonBytes } from "./fleet_bucket.ts";
import type { FleetMirror } from "./fleet_mirror.ts";
import { KEYS } from "./names.ts";
import { type RolloutView, rolloutView } from "./rollout_view.ts";
import type { RolloutControl } from "./types.ts";

/** What an operator can do to a rollout. */
export type RolloutAction = "pause" | "resume" | "abort";

/** Views of every plugin's rollout (or of one). */
export function rollouts(mirror: FleetMirror, pluginId?: string): RolloutView[] {
  const ids = pluginId ? [pluginId] : [...mirror.desired.keys()].sort();
  return ids.map((id) => {
    const entry = mirror.desired.get(id)?.entry;
    if (!entry) {
      throw new FleetNotFoundError(`No valid desired state for plugin "${id}" in the fleet`);
    }
    return rolloutView(
      entry,
      mirror.statusesOf(id),
      mirror.controls.get(id) ?? null,
      mirror.online,
    );
  });
}

/** Applies `action` to the current rollout of `pluginId`; returns its new view. */
export async function rolloutControl(
  mirror: FleetMirror,
  kv: KV,
  pluginId: string,
  action: RolloutAction,
  actor: string,
): Promise<RolloutView> {
  const [view] = rollouts(mirror, pluginId);
  if (!view!.id) {
    throw new FleetApplyError(
      `Plugin "${pluginId}" has no rollout: apply a new version with a rollout: policy first`,
      [],
      true,
    );
  }
  if (view!.state === "complete" || view!.state === "aborted") {
    throw new FleetApplyError(
      `The rollout of "${pluginId}" is ${view!.state}; nothing to ${action}`,
      [],
      true,
    );
  }
  const old = mirror.controls.get(pluginId);
  const current = old?.rollout === view!.id ? old : null;
  const control: RolloutControl = {
    rollout: view!.id,
    paused: action === "pause" ? true : action === "resume" ? false : current?.paused ?? false,
    aborted: action === "abort",
    attempt: (current?.attempt ?? 0) + (action === "resume" && view!.state === "halted" ? 1 : 0),
    by: actor,
    at: new Date().toISOString(),
  };
  await kv.put(KEYS.control(pluginId), jsonBytes(control));
  mirror.controls.set(pluginId, control);
  return rollouts(mirror, pluginId)[0]!;
}
