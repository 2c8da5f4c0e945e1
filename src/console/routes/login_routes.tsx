/** Sign-in (token or one-time code) and sign-out. */
import type { Context, Hono } from "hono";
import { verifyToken } from "../../auth/mod.ts";
import { randomSecret } from "../_crypto.ts";
import {
  clearSessionCookie,
  readLoginCsrf,
  readSessionCookie,
  writeLoginCsrf,
  writeSessionCookie,
} from "../cookies.ts";
import { csrfProblem } from "../csrf.ts";
import type { ConsoleKit } from "../kit.ts";
import { LoginCodeError, type LoginCodes } from "../login_codes.ts";
import { LoginPage } from "../pages/login_page.tsx";
import { ConsoleError, requireSession } from "../session_middleware.ts";
import type { Sessions } from "../sessions.ts";
import type { ConsoleEnv } from "../types.ts";

const REFUSED: Record<string, string> = {
  malformed: "That is not a plugd token; tokens look like plugd_<id>_<secret>",
  unknown: "That token is not known to this daemon",
  revoked: "That token was revoked",
  expired: "That token has expired",
};

/** Only console paths may be a post-sign-in destination (no open redirects). */
function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/ui(\/[^\\]*)?$/.test(next) && !next.startsWith("//")
    ? next
    : "/ui";
}

/** `GET/POST /ui/login`, `POST /ui/logout`. */
export function loginRoutes(
  app: Hono<ConsoleEnv>,
  kit: ConsoleKit,
  sessions: Sessions,
  codes: LoginCodes,
): void {
  const showLogin = async (
    c: Context<ConsoleEnv>,
    props: { code?: string; next?: string; error?: string },
    status = 200,
  ) => {
    const csrf = readLoginCsrf(c) ?? randomSecret(24);
    writeLoginCsrf(c, csrf);
    return await kit.render(c, <LoginPage ctx={kit.page(c)} csrf={csrf} {...props} />, status);
  };

  app.get("/ui/login", async (c) => {
    if (await sessions.find(readSessionCookie(c))) {
      return c.redirect(safeNext(c.req.query("next")), 303);
    }
    const code = c.req.query("code");
    return await showLogin(c, {
      code: code && /^[0-9A-Za-z-]{1,20}$/.test(code) ? code : undefined,
      next: safeNext(c.req.query("next")),
    });
  });

  app.post("/ui/login", async (c) => {
    const form = await c.req.parseBody();
    const cookie = readLoginCsrf(c);
    const presented = typeof form._login === "string" ? form._login : "";
    const problem = cookie
      ? csrfProblem(c, cookie, presented)
      : "The sign-in form expired; reload it";
    if (problem) throw new ConsoleError(403, problem);

    if (typeof form.code === "string" && form.code !== "") {
      try {
        const value = await codes.redeem(form.code);
        writeSessionCookie(c, value, sessions.maxMs);
        return c.redirect("/ui", 303);
      } catch (error) {
        if (!(error instanceof LoginCodeError)) throw error;
        return await showLogin(c, { error: error.message }, 401);
      }
    }
    const token = typeof form.token === "string" ? form.token.trim() : "";
    const verdict = await verifyToken(kit.deps.store, token);
    if (!verdict.ok) return await showLogin(c, { error: REFUSED[verdict.reason] }, 401);
    const value = await sessions.signIn(verdict.id);
    writeSessionCookie(c, value, sessions.maxMs);
    return c.redirect(safeNext(form.next), 303);
  });

  app.post("/ui/logout", requireSession(sessions), async (c) => {
    await sessions.end(c.get("session"));
    clearSessionCookie(c);
    return c.redirect("/ui/login", 303);
  });
}
