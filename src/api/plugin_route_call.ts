/**
 * One call of a plugin's HTTP route, shared by the token routes (`/v1/plugins/{id}/routes/...`)
 * and the public ones (`/hooks/{id}/...`): payload, invocation with the route's timeout, answer,
 * and the plugin's failures mapped onto HTTP statuses.
 */
import {
  fromRouteResult,
  MAX_ROUTE_BODY,
  RouteBodyTooLargeError,
  RouteResponseError,
  toRoutePayload,
} from "../hooks/mod.ts";
import { routeHandlerName, type RouteMatch } from "../manifest/mod.ts";
import type { PluginRecord, PluginService } from "../plugins/mod.ts";
import { HttpError } from "./problem.ts";

/** What a route call needs of the plugin service. */
export type RouteInvoker = Pick<PluginService, "invoke">;

/** Calls the matched route of `record` with `request`; `path` is the part after the prefix. */
export async function callPluginRoute(
  plugins: RouteInvoker,
  record: PluginRecord,
  match: RouteMatch,
  request: Request,
  path: string,
): Promise<Response> {
  const { route, params } = match;
  const isPublic = route.auth === "none";
  let payload;
  try {
    payload = await toRoutePayload(request, path, {
      params,
      maxBodyBytes: isPublic ? (route.max_body_kb ?? 64) * 1024 : MAX_ROUTE_BODY,
      keepAuthorization: isPublic,
    });
  } catch (error) {
    if (error instanceof RouteBodyTooLargeError) {
      throw new HttpError(413, `${error.message} (${error.limit / 1024} KiB)`);
    }
    throw error;
  }
  const timeoutMs = route.timeout_ms ?? record.manifest.limits.timeout_ms;
  let result: unknown;
  try {
    result = await plugins.invoke(record.id, "route", routeHandlerName(route), payload, {
      timeoutMs,
      // Headers stay out of the record (credentials); a binary body is only counted.
      record: {
        input: {
          method: payload.method,
          path: payload.path,
          query: payload.query,
          params: payload.params,
          body: payload.bodyEncoding === "base64"
            ? `(${Math.floor((payload.body?.length ?? 0) * 3 / 4)} bytes of binary)`
            : payload.body,
        },
      },
    });
  } catch (error) {
    throw routeError(record.id, error);
  }
  try {
    return fromRouteResult(result, request.method);
  } catch (error) {
    if (error instanceof RouteResponseError) {
      throw new HttpError(502, `Plugin "${record.id}" route answer rejected: ${error.message}`);
    }
    throw error;
  }
}

function routeError(id: string, error: unknown): HttpError {
  const e = error as Error;
  switch (e?.name) {
    case "PluginTimeoutError":
      return new HttpError(504, e.message, { cause: e });
    case "PluginUnavailableError":
    case "PluginStartError":
      return new HttpError(503, e.message, { cause: e });
    case "PluginExitedError":
      return new HttpError(502, e.message, { cause: e });
    case "PluginCallError":
      return new HttpError(502, `Plugin "${id}" route handler failed: ${e.message}`, { cause: e });
    default:
      return new HttpError(502, `Plugin "${id}" route failed: ${e?.message ?? String(error)}`);
  }
}
