/** 405 answers as problem+json, from Hono's own `method-not-allowed` middleware. */
import type { Hono, MiddlewareHandler } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import { toProblemResponse } from "./error_handler.ts";
import { HttpError } from "./problem.ts";

/**
 * A path served with other methods answers 405 with `Allow` (HEAD where GET is served) and a
 * problem+json body naming them. Register it first; the app's `notFound` must return a 404
 * response (not throw) for the middleware to see it.
 *
 * @example
 * ```ts
 * const app = new Hono();
 * app.use("*", methodNotAllowedProblem(app));
 * ```
 */
// deno-lint-ignore no-explicit-any
export function methodNotAllowedProblem(app: Hono<any, any, any>): MiddlewareHandler {
  return methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) => {
      const allow = [...methods].sort().join(", ");
      return toProblemResponse(
        new HttpError(405, `${c.req.method} is not allowed on ${c.req.path}; use ${allow}`, {
          headers: { allow },
        }),
      );
    },
  });
}
