/**
 * `/v1/fleet/...`: apply a fleet document, hosts × plugins status, rollouts and their controls.
 * On a daemon that is not in a fleet every route answers 409 naming `nats.url`.
 */
import { Hono } from "hono";
import {
  FleetApplyError,
  FleetNotFoundError,
  type FleetService,
  FleetUnavailableError,
  type RolloutAction,
} from "../fleet/mod.ts";
import { EventValidationError, ReservedEventTypeError, validateCloudEvent } from "../hooks/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { HttpError } from "./problem.ts";
import { readJsonObject } from "./read_json.ts";
import type { ApiEnv } from "./types.ts";

const NOT_IN_FLEET = "This daemon is not in a fleet: set nats.url (PLUGD_NATS_URL) and restart " +
  "it; see docs/fleet.md";

/** Fleet errors as problem details. */
function fleetProblem(error: unknown): never {
  if (error instanceof FleetUnavailableError) {
    throw new HttpError(error.notConfigured ? 409 : 503, error.message);
  }
  if (error instanceof FleetApplyError) {
    throw new HttpError(error.conflict ? 409 : 400, error.message, {
      extra: { problems: error.problems },
    });
  }
  if (error instanceof FleetNotFoundError) throw new HttpError(404, error.message);
  throw error;
}

/** The fleet route group; `fleet` is null on a single host. */
export function createFleetRoutes(fleet: FleetService | null): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const need = (): FleetService => {
    if (!fleet) throw new HttpError(409, NOT_IN_FLEET);
    return fleet;
  };

  app.get("/v1/fleet/status", requireScope("reader"), (c) => c.json(need().status()));

  app.post("/v1/fleet/apply", requireScope("admin"), async (c) => {
    const f = need();
    const body = await readJsonObject(c.req.raw, {
      hint: '{"document": {"plugins": [...]}, "dry_run": false}',
    });
    if (typeof body.document !== "object" || body.document === null) {
      throw new HttpError(
        400,
        'Body must be {"document": <the parsed fleet.yaml>, "dry_run"?: true}',
      );
    }
    try {
      return c.json(
        await f.apply(body.document, { dryRun: body.dry_run === true, actor: c.get("actor") }),
      );
    } catch (error) {
      fleetProblem(error);
    }
  });

  app.post("/v1/fleet/events", requireScope("emitter"), async (c) => {
    const f = need();
    const body = await readJsonObject(c.req.raw);
    let event;
    try {
      event = validateCloudEvent({ ...body, scope: "fleet" });
    } catch (error) {
      if (error instanceof EventValidationError) {
        throw new HttpError(400, error.message, { extra: { problems: error.problems } });
      }
      if (error instanceof ReservedEventTypeError) throw new HttpError(403, error.message);
      throw error;
    }
    return c.json({ ...(await f.publishEvent(event)), scope: "fleet" }, 202);
  });

  app.get("/v1/fleet/rollouts", requireScope("reader"), (c) => {
    try {
      return c.json({ rollouts: need().rollouts() });
    } catch (error) {
      fleetProblem(error);
    }
  });

  app.get("/v1/fleet/rollouts/:plugin", requireScope("reader"), (c) => {
    try {
      return c.json(need().rollouts(c.req.param("plugin"))[0]);
    } catch (error) {
      fleetProblem(error);
    }
  });

  app.delete("/v1/fleet/hosts/:host", requireScope("admin"), async (c) => {
    const f = need();
    try {
      return c.json(
        await f.forget(c.req.param("host"), {
          force: c.req.query("force") === "true",
          actor: c.get("actor"),
        }),
      );
    } catch (error) {
      fleetProblem(error);
    }
  });

  for (const action of ["pause", "resume", "abort"] as RolloutAction[]) {
    app.post(`/v1/fleet/rollouts/:plugin/${action}`, requireScope("operator"), async (c) => {
      try {
        return c.json(await need().controlRollout(c.req.param("plugin"), action, c.get("actor")));
      } catch (error) {
        fleetProblem(error);
      }
    });
  }
  return app;
}
