import { definePlugin, type PluginContext } from "@plugd/sdk";

interface Request {
  app?: string;
  /** ISO time to judge (defaults to now): lets a deployer ask about a planned deployment. */
  at?: string;
  force?: boolean;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
}

/** Whether `at` (UTC) is inside the configured days and window. */
function inWindow(ctx: PluginContext, at: Date): boolean {
  const day = at.getUTCDay() === 0 ? 7 : at.getUTCDay();
  const days = (ctx.config.days as number[] | undefined) ?? [1, 2, 3, 4, 5];
  const now = at.getUTCHours() * 60 + at.getUTCMinutes();
  return days.includes(day) && now >= minutes(String(ctx.config.window_start)) &&
    now < minutes(String(ctx.config.window_end));
}

/** The CI state reported by the configured endpoint, or null when none is configured. */
async function ciState(ctx: PluginContext): Promise<string | null> {
  const url = ctx.config.ci_status_url;
  if (typeof url !== "string" || url === "") return null;
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!response.ok) return `unknown (HTTP ${response.status})`;
  const body = await response.json() as { state?: unknown };
  return String(body.state ?? "unknown");
}

export default definePlugin({
  gates: {
    "deployment.pre_create": async (data, ctx) => {
      const req = (data ?? {}) as Request;
      const at = req.at ? new Date(req.at) : new Date();
      if (Number.isNaN(at.getTime())) return { allow: false, reason: `bad time "${req.at}"` };
      if (!inWindow(ctx, at)) {
        return {
          allow: false,
          reason:
            `outside the change window (${ctx.config.window_start}-${ctx.config.window_end} UTC)`,
        };
      }
      const state = await ciState(ctx);
      if (state !== null && state !== "success") {
        return { allow: false, reason: `CI is ${state} for ${req.app ?? "the app"}` };
      }
      return { allow: true, reason: "inside the window, CI green" };
    },
  },
});
