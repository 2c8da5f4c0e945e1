import { HTTPException } from "hono/http-exception";
import { HttpError, problemResponse } from "./problem.ts";

/** Domain errors other areas throw, by `name`, and the status each maps onto. */
const STATUS_BY_NAME: Record<string, number> = {
  ManifestError: 422,
  PermissionError: 422,
  ConfigError: 400,
  ConfigValidationError: 422,
  StorageError: 400,
  NotFoundError: 404,
  ConflictError: 409,
  WebhookValidationError: 422,
  WebhookConflictError: 409,
  PluginTimeoutError: 504,
  PluginExitedError: 502,
  PluginCallError: 502,
  PluginStartError: 409,
  PluginUnavailableError: 503,
  PluginPrepareError: 422,
  SandboxUnavailableError: 503,
  PackageError: 422, // signing/registry; code "downgrade" -> 409 below
  RegistryError: 422,
  AdvisoryFeedError: 422,
  RotationInProgressError: 409,
  BackupError: 422,
  MasterKeyError: 409,
  BodyTimeoutError: 408,
  StoreFullError: 507,
  StoreUnavailableError: 503,
  AddonArgumentError: 400,
  AddonOperationError: 502,
  UnknownTenantError: 400,
  TenantNotFoundError: 404,
  TenantConflictError: 409,
  TenantCallError: 409,
};

/** RegistryError codes that are the registry's fault, not the request's. */
const REGISTRY_STATUS: Record<string, number> = {
  registry_timeout: 504,
  registry_unreachable: 502,
  registry_http: 502,
};

/** The status, detail and extra members of the problem document for `error`. */
export async function problemOf(
  error: unknown,
): Promise<{ status: number; detail: string; [extra: string]: unknown }> {
  const response = toProblemResponse(error);
  const body = await response.json();
  return { ...body, status: response.status, detail: String(body.detail) };
}

/** The one place where errors become `application/problem+json` (STYLE §7). */
export function toProblemResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    return problemResponse(error.status, error.message, error.extra, error.headers);
  }
  if (error instanceof HTTPException) {
    return problemResponse(error.status, error.message || "Request rejected");
  }
  if (error instanceof Error && error.name in STATUS_BY_NAME) {
    const extra: Record<string, unknown> = {};
    const problems = (error as { problems?: unknown }).problems;
    if (Array.isArray(problems)) extra.problems = problems;
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") extra.code = code;
    const status = (error.name === "PackageError" && code === "downgrade")
      ? 409
      : error.name === "RegistryError" && typeof code === "string" && code in REGISTRY_STATUS
      ? REGISTRY_STATUS[code]!
      : STATUS_BY_NAME[error.name]!;
    return problemResponse(status, error.message, extra);
  }
  console.error("plugd: unhandled error in API handler:", error);
  return problemResponse(500, "Internal error; see the daemon's log for details");
}
