import { definePlugin } from "@plugd/sdk";

let calls = 0;

/** Crashes the whole process on every 200th call (a plugin with a fatal bug under load). */
export default definePlugin({
  actions: {
    "soak.load": () => {
      if (++calls % 200 === 0) Deno.exit(1);
      return { ok: true };
    },
  },
});
