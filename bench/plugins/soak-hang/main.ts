import { definePlugin } from "@plugd/sdk";

/** Never answers: every call times out (a plugin stuck on a dead dependency). */
export default definePlugin({
  actions: { "soak.load": () => new Promise(() => {}) },
});
