/** Gates (SPEC §7): every subscriber votes; any deny denies. */
import { reasonOf } from "./filter_chain.ts";
import type { HookHost, Subscriber } from "./types.ts";

/** One plugin's vote; `failed` marks a vote cast for a plugin that could not answer. */
export interface GateVote {
  plugin: string;
  allow: boolean;
  reason: string | null;
  failed?: boolean;
}

/** `POST /v1/gates/{name}` answer. */
export interface GateOutcome {
  allowed: boolean;
  votes: GateVote[];
  fail_open: boolean;
}

/**
 * Asks every subscriber concurrently. A plugin that fails, times out or answers something other
 * than `{allow: boolean, reason?: string}` votes deny, or allow when the gate is `failOpen`.
 * No subscribers → allowed.
 */
export async function runGate(
  host: HookHost,
  subscribers: Subscriber[],
  name: string,
  data: unknown,
  failOpen: boolean,
  tenant: string | null = null,
): Promise<GateOutcome> {
  const votes = await Promise.all(subscribers.map(async (s): Promise<GateVote> => {
    try {
      const answer = await host.invoke(s.pluginId, "gate", name, data, { tenant });
      const a = answer as { allow?: unknown; reason?: unknown } | null;
      if (typeof a !== "object" || a === null || typeof a.allow !== "boolean") {
        return failedVote(s, "invalid: the gate must return { allow: boolean, reason?: string }");
      }
      return {
        plugin: s.pluginId,
        allow: a.allow,
        reason: typeof a.reason === "string" ? a.reason.slice(0, 1000) : null,
      };
    } catch (error) {
      return failedVote(s, reasonOf(error));
    }
  }));
  return { allowed: votes.every((v) => v.allow), votes, fail_open: failOpen };

  function failedVote(s: Subscriber, reason: string): GateVote {
    return {
      plugin: s.pluginId,
      allow: failOpen,
      reason: `${reason} (counted as ${failOpen ? "allow: gate is fail-open" : "deny"})`,
      failed: true,
    };
  }
}
