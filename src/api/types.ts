import type { Scope } from "../auth/mod.ts";

/**
 * Which listener a request came through; set by the server, never by the client. `console` is an
 * in-process call made by the web console on behalf of a signed-in session (`principal`).
 */
export type Transport = "tcp" | "socket" | "console";

/** Who an in-process `console` call acts as: the session's token and its scope. */
export interface Principal {
  actor: string;
  scope: Scope;
}

/** Hono environment shared by every route group. */
export interface ApiEnv {
  Bindings: {
    transport: Transport;
    principal?: Principal;
    /** The TCP peer's address, for the audit of refused requests. */
    remote?: string;
    /** The Unix-socket peer's credentials, when the listener could read them. */
    peer?: { uid: number; gid: number; pid: number };
    /** Cuts the connection of this request (streams whose client stopped reading). */
    closeConnection?: () => void;
  };
  Variables: {
    /** Who is calling: `socket` or `token:<id>`; recorded in the audit log. */
    actor: string;
    /** The caller's scope (`admin` for the trusted Unix socket). */
    scope: Scope;
    /**
     * Takes `extra` more requests' worth from the caller's rate-limit budget (a batch of N
     * events counts as N requests: the middleware took 1); throws 429 when it is not there.
     * Unset where no limit applies (the socket, the console, limits off).
     */
    rateCharge?: (extra: number) => void;
  };
}
