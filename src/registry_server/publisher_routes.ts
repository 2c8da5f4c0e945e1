/**
 * What publishers do (admins may do it too): upload versions, yank and deprecate them, edit
 * their listing, see themselves and manage their signing keys.
 */
import { type Context, Hono } from "hono";
import { HttpError, readJsonObject } from "../api/mod.ts";
import { actorOf, principalOf, requireKind } from "./auth.ts";
import { publishPackage } from "./publish.ts";
import { getPublisher } from "./publishers.ts";
import { addPublisherKey, revokePublisherKey } from "./publisher_keys.ts";
import { readUpload, slugList } from "./upload.ts";
import {
  changePlugin,
  changeVersion,
  type PluginChange,
  type VersionChange,
} from "./version_actions.ts";
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

  /** Applies a change to the version in the path, as the caller (both routes have both params). */
  const onVersion = (c: Context<RegistryEnv>, change: VersionChange) => {
    const principal = principalOf(c);
    const { id, version } = c.req.param() as { id: string; version: string };
    return changeVersion(store, id, version, change, principal, actorOf(principal));
  };
  /** Applies a change to the plugin in the path, as the caller. */
  const onPlugin = (c: Context<RegistryEnv>, change: PluginChange) => {
    const principal = principalOf(c);
    const { id } = c.req.param() as { id: string };
    return changePlugin(store, id, change, principal, actorOf(principal));
  };

  app.post("/api/v1/plugins/:id/versions/:version/yank", owner, async (c) => {
    const body = await readJsonObject(c.req.raw, { optional: true });
    return c.json(
      await onVersion(c, { kind: "yank", reason: optionalText(body.reason, "reason") }),
    );
  });

  app.delete(
    "/api/v1/plugins/:id/versions/:version/yank",
    owner,
    async (c) => c.json(await onVersion(c, { kind: "unyank" })),
  );

  app.post("/api/v1/plugins/:id/versions/:version/deprecate", owner, async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: '{"message": "use 2.x"} ("" undoes)' });
    const message = optionalText(body.message, "message");
    return c.json(await onVersion(c, { kind: "deprecate", message }));
  });

  app.post("/api/v1/plugins/:id/deprecate", owner, async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: '{"message": "use x instead"}' });
    const message = optionalText(body.message, "message");
    return c.json(await onPlugin(c, { kind: "deprecate", message }));
  });

  app.patch("/api/v1/plugins/:id", owner, async (c) => {
    const body = await readJsonObject(c.req.raw, { hint: "{categories?, tags?, homepage?}" });
    return c.json(
      await onPlugin(c, {
        kind: "listing",
        categories: slugList(body.categories, "categories", 5),
        tags: slugList(body.tags, "tags", 20),
        homepage: body.homepage === undefined ? undefined : optionalText(body.homepage, "homepage"),
      }),
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
