import { definePlugin } from "@plugd/sdk";

let handled = 0;

/** Answers at once; `GET /count` reports how many events it handled since it started. */
export default definePlugin({
  actions: {
    "soak.load": () => {
      handled++;
      return { ok: true };
    },
  },
  routes: { "GET /count": () => Response.json({ handled }) },
});
