import { definePlugin } from "@plugd/sdk";
import { work } from "./work.ts";

/**
 * Handlers measured by bench/: `bench.noop` returns at once; `bench.work` burns `n` rounds and
 * reports how long the work itself took inside the plugin (`ms`), to split overhead from work.
 */
export default definePlugin({
  actions: { "bench.noop": () => ({ ok: true }) },
  filters: {
    "bench.work": (data) => {
      const t = performance.now();
      const h = work((data as { n: number }).n);
      return { h, ms: performance.now() - t };
    },
  },
});
