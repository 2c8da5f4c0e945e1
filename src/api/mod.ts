/** The HTTP API (Hono), served on TCP and the Unix socket. */
export { type ApiDeps, createApp, MAX_BODY_BYTES } from "./app.ts";
export { authenticate, requireScope } from "./auth_middleware.ts";
export { toProblemResponse } from "./error_handler.ts";
export { HttpError, type Problem, problem, problemResponse } from "./problem.ts";
export type { ApiEnv, Principal, Transport } from "./types.ts";
export { readJsonObject } from "./read_json.ts";
export { allowedMethods, registeredRoutes } from "./method_not_allowed.ts";
