import { definePlugin } from "@plugd/sdk";
import { work } from "./work.ts";

/**
 * Handlers measured by bench/: `bench.noop` returns at once; `bench.work` burns `n` rounds and
 * reports how long the work itself took inside the plugin (`ms`), to split overhead from work, and
 * when it started and ended (`at`, `end`: ms since the epoch, `performance.timeOrigin` + `now()`,
 * which compares across processes), to split the rest into the call's way in and the answer's way
 * back.
 */
export default definePlugin({
  actions: { "bench.noop": () => ({ ok: true }) },
  filters: {
    "bench.work": (data) => {
      const t = performance.now();
      const h = work((data as { n: number }).n);
      const end = performance.now();
      return { h, ms: end - t, at: performance.timeOrigin + t, end: performance.timeOrigin + end };
    },
  },
});
