/** `/ui/access`: tokens (admin) and trusted keys; `/ui/tokens…` and `/ui/keys…` change them. */
import type { Context, Hono } from "hono";
import { ApiProblem } from "../api_client.ts";
import type { ConsoleKit } from "../kit.ts";
import {
  type AccessData,
  AccessPage,
  type KeyView,
  type TokenView,
} from "../pages/access_page.tsx";
import { ConsoleError } from "../session_middleware.ts";
import type { ConsoleEnv } from "../types.ts";

function mustAdmin(c: Context<ConsoleEnv>): void {
  if (!c.get("can").admin) {
    throw new ConsoleError(
      403,
      `This needs a token with scope "admin"; this session's is "${c.get("session").scope}"`,
    );
  }
}

/** Registers the access page. */
export function accessRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  const show = async (c: Context<ConsoleEnv>, extra: Partial<AccessData> = {}, status = 200) => {
    const api = kit.api(c);
    const [tokens, keys] = await Promise.all([
      c.get("can").admin
        ? api.get<{ tokens: TokenView[] }>("/v1/tokens").then((r) => r.tokens)
        : null,
      api.get<{ keys: KeyView[] }>("/v1/keys").then((r) => r.keys),
    ]);
    return await kit.render(
      c,
      <AccessPage ctx={kit.page(c)} data={{ tokens, keys, ...extra }} />,
      status,
    );
  };
  const fields = async (c: Context<ConsoleEnv>) =>
    Object.fromEntries(
      Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === "string" ? v : ""]),
    );
  const refused = (c: Context<ConsoleEnv>, error: unknown) => {
    if (!(error instanceof ApiProblem)) throw error;
    return show(c, { error: error.message }, error.status);
  };

  app.get("/ui/access", async (c) => await show(c));

  app.post("/ui/tokens", async (c) => {
    mustAdmin(c);
    const f = await fields(c);
    const days = Number(f.days);
    try {
      const { body } = await kit.api(c).send<TokenView & { token: string }>("POST", "/v1/tokens", {
        name: (f.name ?? "").trim() || "console",
        scope: f.scope,
        ...(f.days ? { expires_in_s: Math.round(days * 86400) } : {}),
      });
      return await show(c, {
        secret: { label: `Token ${body.id} (${body.scope}, "${body.name}")`, value: body.token },
      }, 201);
    } catch (error) {
      return await refused(c, error);
    }
  });

  app.post("/ui/tokens/:id{[0-9a-f]{12}}/revoke", async (c) => {
    mustAdmin(c);
    try {
      await kit.api(c).send("DELETE", `/v1/tokens/${c.req.param("id")}`);
    } catch (error) {
      return await refused(c, error);
    }
    return kit.done(c, "/ui/access", {
      kind: "ok",
      text: `Token ${c.req.param("id")} revoked; its sessions ended`,
    });
  });

  app.post("/ui/keys", async (c) => {
    mustAdmin(c);
    const f = await fields(c);
    let publicKey: unknown = (f.public_key ?? "").trim();
    if (String(publicKey).startsWith("{")) {
      try {
        publicKey = JSON.parse(String(publicKey));
      } catch {
        // not JSON after all: the API explains what it accepts
      }
    }
    const allowed = (f.allowed_ids ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    try {
      await kit.api(c).send("POST", "/v1/keys", {
        public_key: publicKey,
        ...(f.name?.trim() ? { name: f.name.trim() } : {}),
        ...(allowed.length ? { allowed_ids: allowed } : {}),
      });
    } catch (error) {
      return await refused(c, error);
    }
    return kit.done(c, "/ui/access#keys", { kind: "ok", text: "Key trusted" });
  });

  app.post("/ui/keys/:id{[0-9a-f]{16}}/revoke", async (c) => {
    mustAdmin(c);
    try {
      await kit.api(c).send("DELETE", `/v1/keys/${c.req.param("id")}`);
    } catch (error) {
      return await refused(c, error);
    }
    return kit.done(c, "/ui/access#keys", { kind: "ok", text: `Key ${c.req.param("id")} revoked` });
  });
}
