/**
 * The admin API: the review queue, publishers (create, approve, verify, ban), decisions on
 * versions (approve, reject, ban), plugins (ban, feature), abusive reviews, flags, and
 * advisories.
 */
import { Hono } from "hono";
import { HttpError, readJsonObject } from "../api/mod.ts";
import { actorOf, principalOf, requireKind } from "./auth.ts";
import { publishAdvisory } from "./advisories.ts";
import { changePublisher, createPublisher } from "./publishers.ts";
import { addPublisherKey } from "./publisher_keys.ts";
import { hideReview } from "./reviews.ts";
import { resolveFlag, reviewQueue } from "./review_queue.ts";
import { changePlugin, changeVersion } from "./version_actions.ts";
import type { RegistryDeps, RegistryEnv } from "./types.ts";

function reason(body: Record<string, unknown>, required = true): string {
  const value = body.reason;
  if (value === undefined && !required) return "";
  if (typeof value !== "string" || value.length === 0 || value.length > 2000) {
    throw new HttpError(400, "reason is required: say why (at most 2000 characters)");
  }
  return value;
}

/** The admin route group (every route needs an admin token). */
export function createAdminRoutes(deps: RegistryDeps): Hono<RegistryEnv> {
  const { store } = deps;
  const app = new Hono<RegistryEnv>();
  const admin = requireKind("admin");
  const actor = (c: Parameters<typeof principalOf>[0]) => actorOf(principalOf(c));

  app.get("/api/v1/admin/queue", admin, async (c) => c.json(await reviewQueue(store)));

  app.post("/api/v1/admin/publishers", admin, async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: "{name, display_name?, namespaces?}" });
    const { publisher, token } = await createPublisher(store, {
      name: body.name,
      display_name: body.display_name,
      namespaces: body.namespaces,
    }, { status: "active", actor: actor(c) });
    if (body.public_key !== undefined) {
      await addPublisherKey(store, publisher.name, body.public_key, actor(c));
    }
    return c.json({ ...publisher, token }, 201);
  });

  for (const action of ["approve", "ban", "verify", "unverify", "namespaces"] as const) {
    app.post(`/api/v1/admin/publishers/:name/${action}`, admin, async (c) => {
      const body = await readJsonObject(c.req.raw, { optional: true });
      const change = action === "approve"
        ? { status: "active" as const }
        : action === "ban"
        ? { status: "banned" as const, reason: reason(body) }
        : action === "namespaces"
        ? { namespaces: body.namespaces as string[] }
        : { verified: action === "verify" };
      return c.json(await changePublisher(store, c.req.param("name"), change, actor(c)));
    });
  }

  for (const action of ["approve", "reject", "ban"] as const) {
    app.post(`/api/v1/admin/plugins/:id/versions/:version/${action}`, admin, async (c) => {
      const body = await readJsonObject(c.req.raw, { optional: true });
      const change = action === "approve"
        ? { kind: "approve" as const }
        : { kind: action, reason: reason(body) };
      const { id, version } = c.req.param();
      return c.json(await changeVersion(store, id, version, change, principalOf(c), actor(c)));
    });
  }

  for (const action of ["ban", "unban"] as const) {
    app.post(`/api/v1/admin/plugins/:id/${action}`, admin, async (c) => {
      const body = await readJsonObject(c.req.raw, { optional: true });
      const change = action === "ban"
        ? { kind: "ban" as const, reason: reason(body) }
        : { kind: "unban" as const };
      return c.json(
        await changePlugin(store, c.req.param("id"), change, principalOf(c), actor(c)),
      );
    });
  }

  app.post("/api/v1/admin/plugins/:id/feature", admin, async (c) => {
    const body = await readJsonObject(c.req.raw, { optional: true });
    const rank = body.featured === false ? 0 : Number(body.rank ?? 1);
    if (!Number.isInteger(rank) || rank < 0 || rank > 1000) {
      throw new HttpError(
        400,
        "rank must be a whole number from 1 (first) to 1000; featured: false unfeatures",
      );
    }
    return c.json(
      await changePlugin(
        store,
        c.req.param("id"),
        { kind: "feature", rank },
        principalOf(c),
        actor(c),
      ),
    );
  });

  for (const action of ["hide", "show"] as const) {
    app.post(`/api/v1/admin/reviews/:rid/${action}`, admin, async (c) => {
      const body = await readJsonObject(c.req.raw, { optional: true });
      const hidden = action === "hide";
      const rid = Number(c.req.param("rid"));
      return c.json(await hideReview(store, rid, hidden, hidden ? reason(body) : null, actor(c)));
    });
  }

  app.post("/api/v1/admin/flags/:fid/resolve", admin, async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: '{"resolution": "banned 1.2.3"}' });
    const resolution = body.resolution;
    if (typeof resolution !== "string" || resolution === "" || resolution.length > 2000) {
      throw new HttpError(400, "resolution is required: say what was done");
    }
    return c.json(await resolveFlag(store, Number(c.req.param("fid")), resolution, actor(c)));
  });

  app.post("/api/v1/admin/advisories", admin, async (c) => {
    const body = await readJsonObject(c.req.raw, {
      hint: "{plugin, versions, severity, action: warn|disable|withdraw, title, description}",
    });
    return c.json(await publishAdvisory(store, body, actor(c)), 201);
  });

  return app;
}
