/** `ctx.metrics`: values summed in the plugin and sent to the host about once a second. */
import type { PluginMetrics } from "../../../sdk/types.ts";
import { hostCall, send } from "./channel.ts";
import { after } from "./web_timer.ts";

/** How long values are summed before they are sent. */
const FLUSH_MS = 1000;
/** Names per batch that send it at once. */
const MAX_NAMES = 128;

const flushers: (() => void)[] = [];

/** Sends what is summed now (before the process exits on `shutdown`). */
export function flushMetrics(): void {
  for (const flush of flushers) flush();
}

/** The one `ctx.metrics` of this process. */
export function pluginMetrics(): PluginMetrics {
  let counts: Record<string, number> = {};
  let observations: Record<string, { count: number; sum: number; min: number; max: number }> = {};
  let names = 0;
  let cancel: (() => void) | undefined;
  let warned = false;
  const flush = () => {
    cancel?.();
    cancel = undefined;
    if (names === 0) return;
    const batch = { counts, observations };
    counts = {};
    observations = {};
    names = 0;
    hostCall("metrics", batch).then((answer) => {
      const refused = (answer as { refused?: number })?.refused ?? 0;
      if (refused > 0 && !warned) {
        warned = true;
        send({
          t: "log",
          level: "warn",
          msg: `ctx.metrics: ${refused} values refused (names are a-z 0-9 _ ., at most 64 ` +
            `characters and 64 series per plugin; counts are not negative)`,
        });
      }
    }, () => {});
  };
  flushers.push(flush);
  const schedule = () => {
    if (++names >= MAX_NAMES) {
      flush();
    } else if (cancel === undefined) {
      cancel = after(FLUSH_MS, flush); // not setTimeout: see web_timer.ts
    }
  };
  return Object.freeze({
    count(name: string, n = 1): void {
      const known = name in counts;
      counts[name] = (counts[name] ?? 0) + Number(n);
      if (!known) schedule();
    },
    observe(name: string, value: number): void {
      const v = Number(value);
      const o = observations[name];
      if (o) {
        o.count++;
        o.sum += v;
        o.min = Math.min(o.min, v);
        o.max = Math.max(o.max, v);
        return;
      }
      observations[name] = { count: 1, sum: v, min: v, max: v };
      schedule();
    },
  });
}
