/**
 * What publishers do (admins may do it too): upload versions, yank and deprecate them, edit
 * their listing, see themselves and manage their signing keys.
 */
import { Hono } from "hono";
import { HttpError, readJsonObject } from "../api/mod.ts";
import { actorOf, principalOf, requireKind } from "./auth.ts";
import { publishPackage } from "./publish.ts";
import { getPublisher } from "./publishers.ts";
import { addPublisherKey, revokePublisherKey } from "./publisher_keys.ts";
import { readUpload, slugList } from "./upload.ts";
import { changePlugin, changeVersion } from "./version_actions.ts";
import type { RegistryDeps, RegistryEnv } from "./types.ts";

function optionalText(value: unknown, name: string): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" || value.length > 2000) {
    throw new HttpError(400, `${name} must be text of at most 2000 characters`);
  }
  return value;
}

/** The publisher route group. */
export function createPublisherRoutes(deps: RegistryDeps): Hono<RegistryEnv> {
  const { store } = deps;
  const app = new Hono<RegistryEnv>();
  const publisher = requireKind("publisher");
  const owner = requireKind("publisher", "admin");

  app.post("/api/v1/packages", publisher, async (c) => {
    const principal = principalOf(c);
    const work = await Deno.makeTempDir({ dir: deps.incomingDir, prefix: "upload-" });
    try {
      const { path, meta } = await readUpload(c.req.raw, work, deps.settings.maxPackageBytes);
      return c.json(
        await publishPackage(deps, path, principal.subject, meta, actorOf(principal)),
        201,
      );
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  });

  app.post("/api/v1/plugins/:id/versions/:version/yank", owner, async (c) => {
    const body = await readJsonObject(c.req.raw, { optional: true });
    const principal = principalOf(c);
    return c.json(
      await changeVersion(
        store,
        c.req.param("id"),
        c.req.param("version"),
        {
          kind: "yank",
          reason: optionalText(body.reason, "reason"),
        },
        principal,
        actorOf(principal),
      ),
    );
  });

  app.delete("/api/v1/plugins/:id/versions/:version/yank", owner, async (c) => {
    const principal = principalOf(c);
    return c.json(
      await changeVersion(
        store,
        c.req.param("id"),
        c.req.param("version"),
        {
          kind: "unyank",
        },
        principal,
        actorOf(principal),
      ),
    );
  });

  app.post("/api/v1/plugins/:id/versions/:version/deprecate", owner, async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: '{"message": "use 2.x"} ("" undoes)' });
    const principal = principalOf(c);
    return c.json(
      await changeVersion(
        store,
        c.req.param("id"),
        c.req.param("version"),
        {
          kind: "deprecate",
          message: optionalText(body.message, "message"),
        },
        principal,
        actorOf(principal),
      ),
    );
  });

  app.post("/api/v1/plugins/:id/deprecate", owner, async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: '{"message": "use x instead"}' });
    const principal = principalOf(c);
    return c.json(
      await changePlugin(
        store,
        c.req.param("id"),
        {
          kind: "deprecate",
          message: optionalText(body.message, "message"),
        },
        principal,
        actorOf(principal),
      ),
    );
  });

  app.patch("/api/v1/plugins/:id", owner, async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: "{categories?, tags?, homepage?}" });
    const principal = principalOf(c);
    return c.json(
      await changePlugin(
        store,
        c.req.param("id"),
        {
          kind: "listing",
          categories: slugList(body.categories, "categories", 5),
          tags: slugList(body.tags, "tags", 20),
          homepage: body.homepage === undefined
            ? undefined
            : optionalText(body.homepage, "homepage"),
        },
        principal,
        actorOf(principal),
      ),
    );
  });

  app.get(
    "/api/v1/me",
    publisher,
    async (c) => c.json(await getPublisher(store, principalOf(c).subject)),
  );

  app.post("/api/v1/me/keys", publisher, async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: "{public_key}" });
    const principal = principalOf(c);
    const key = body.public_key ?? (typeof body.public === "string" ? body : undefined);
    if (key === undefined) {
      throw new HttpError(400, "public_key is required: the base64 key or the .pub file's JSON");
    }
    return c.json(await addPublisherKey(store, principal.subject, key, actorOf(principal)), 201);
  });

  app.delete("/api/v1/me/keys/:key", publisher, async (c) => {
    const principal = principalOf(c);
    await revokePublisherKey(store, principal.subject, c.req.param("key"), actorOf(principal));
    return c.json(await getPublisher(store, principal.subject));
  });

  return app;
}
