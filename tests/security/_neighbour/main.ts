// A well-behaved plugin: stores a secret at start, so tests can prove nobody else touched it.
import { definePlugin } from "@plugd/sdk";

export default definePlugin({
  filters: {
    "text.upper": (d) => ({ text: String((d as { text: string }).text).toUpperCase() }),
  },
  onEnable: async (ctx) => {
    await ctx.storage.set("secret", "keep-me");
  },
});
