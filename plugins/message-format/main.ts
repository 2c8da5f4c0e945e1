import { definePlugin } from "@plugd/sdk";

const LEVEL_ICONS: Record<string, string> = { info: "ℹ️", warning: "⚠️", error: "❌" };

/** Adds a prefix and a level icon, collapses whitespace, and truncates to `max_length`. */
export default definePlugin({
  filters: {
    "notification.format": (data, ctx) => {
      const input = (data ?? {}) as { text?: unknown; level?: unknown };
      if (typeof input.text !== "string") throw new TypeError("data.text must be a string");
      const icon = LEVEL_ICONS[String(input.level ?? "info")] ?? "";
      const max = Number(ctx.config.max_length);
      let text = `${ctx.config.prefix} ${icon} ${input.text}`.replace(/\s+/g, " ").trim();
      if (text.length > max) text = `${text.slice(0, max - 1)}…`;
      return { ...(data as Record<string, unknown>), text };
    },
  },
});
