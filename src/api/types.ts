import type { Scope } from "../auth/mod.ts";

/** Which listener a request came through; set by the server, never by the client. */
export type Transport = "tcp" | "socket";

/** Hono environment shared by every route group. */
export interface ApiEnv {
  Bindings: { transport: Transport };
  Variables: {
    /** Who is calling: `socket` or `token:<id>`; recorded in the audit log. */
    actor: string;
    /** The caller's scope (`admin` for the trusted Unix socket). */
    scope: Scope;
  };
}
