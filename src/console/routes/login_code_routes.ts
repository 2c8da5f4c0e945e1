/**
 * `POST /v1/ui/login-codes` (admin; `plugd ui` calls it over the Unix socket): a one-time code
 * and the sign-in link that carries it. The link never contains a token.
 */
import { Hono } from "hono";
import { type ApiEnv, HttpError, readJsonObject, requireScope } from "../../api/mod.ts";
import type { LoginCodes } from "../login_codes.ts";

/** The API route group that issues login codes. */
export function loginCodeRoutes(codes: LoginCodes, publicUrl: () => string | null): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post("/v1/ui/login-codes", requireScope("admin"), async (c) => {
    const body = await readJsonObject(c.req.raw, { optional: true, hint: "{} (no fields)" });
    const unknown = Object.keys(body);
    if (unknown.length > 0) {
      throw new HttpError(400, `Unknown field "${unknown[0]}"; the body must be {} or empty`);
    }
    const base = publicUrl();
    if (!base) {
      throw new HttpError(
        409,
        "The web console needs the TCP listener; start the daemon with --http",
      );
    }
    const { code, expiresAt } = await codes.issue(c.get("actor"));
    return c.json({ code, url: `${base}/ui/login?code=${code}`, expires_at: expiresAt }, 201);
  });
  return app;
}
