/**
 * Every console route past sign-in: the session from its cookie (re-checked against its token),
 * then, for anything but GET/HEAD, the CSRF checks. A missing session sends a browser to the
 * sign-in page (GET) or answers 401 (anything else).
 */
import type { MiddlewareHandler } from "hono";
import { readSessionCookie } from "./cookies.ts";
import { CSRF_FIELD, csrfProblem } from "./csrf.ts";
import { abilities } from "./kit.ts";
import type { Sessions } from "./sessions.ts";
import type { ConsoleEnv } from "./types.ts";

/** Thrown to answer with an HTML error page. */
export class ConsoleError extends Error {
  override name = "ConsoleError";
  readonly status: number;

  constructor(status: number, detail: string) {
    super(detail);
    this.status = status;
  }
}

/** Loads the session or turns the browser to sign-in; checks CSRF on changes. */
export function requireSession(sessions: Sessions): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const session = await sessions.find(readSessionCookie(c));
    const safe = c.req.method === "GET" || c.req.method === "HEAD";
    if (!session) {
      if (safe && !c.req.header("hx-request") && c.req.header("accept") !== "text/event-stream") {
        const url = new URL(c.req.url);
        const next = encodeURIComponent(url.pathname + url.search);
        return c.redirect(`/ui/login?next=${next}`, 303);
      }
      throw new ConsoleError(401, "Your session has ended; sign in again");
    }
    c.set("session", session);
    c.set("principal", { actor: `token:${session.tokenId}`, scope: session.scope });
    c.set("can", abilities(session.scope));
    if (!safe) {
      const presented = await formField(c.req.raw.clone(), CSRF_FIELD);
      const problem = csrfProblem(c, session.csrf, presented);
      if (problem) throw new ConsoleError(403, problem);
    }
    await next();
  };
}

/** One field of a urlencoded or multipart form body, if the body is a form. */
async function formField(request: Request, name: string): Promise<string | undefined> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return undefined;
  try {
    const value = (await request.formData()).get(name);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
