/** `/ui/events`: emit, look up, gate, filter; each answer is shown on the page that asked. */
import type { Context, Hono } from "hono";
import { randomSecret } from "../_crypto.ts";
import { ApiProblem } from "../api_client.ts";
import type { ConsoleKit } from "../kit.ts";
import { type EventResult, type EventsData, EventsPage } from "../pages/events_page.tsx";
import { ConsoleError } from "../session_middleware.ts";
import type { ConsoleEnv } from "../types.ts";

/** Event, gate and filter names: lowercase dotted (the API checks them again). */
const NAME = /^[a-z0-9][a-z0-9_.-]{0,199}$/;

function mustEmit(c: Context<ConsoleEnv>): void {
  if (!c.get("can").emit) {
    throw new ConsoleError(403, 'This needs a token with scope "emitter" or "operator"');
  }
}

function parseData(text: string): unknown {
  try {
    return JSON.parse(text.trim() === "" ? "{}" : text);
  } catch (error) {
    throw new ApiProblem(400, { detail: `Data must be JSON: ${(error as Error).message}` });
  }
}

/** Registers the events page. */
export function eventsRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  const render = (c: Context<ConsoleEnv>, data: EventsData, status = 200) =>
    kit.render(c, <EventsPage ctx={kit.page(c)} data={data} />, status);
  /** Runs `work`; an API refusal is shown on the page with the form as typed. */
  const attempt = async (
    c: Context<ConsoleEnv>,
    form: Record<string, string>,
    work: () => Promise<EventsData["outcome"]>,
  ) => {
    try {
      return await render(c, { form, outcome: await work() });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      const details = error.problems.map((p) => `${p.field}: ${p.message}`).join("; ");
      return await render(c, {
        form,
        error: details ? `${error.message} (${details})` : error.message,
      }, error.status);
    }
  };
  const fields = async (c: Context<ConsoleEnv>) =>
    Object.fromEntries(
      Object.entries(await c.req.parseBody()).filter(([, v]) => typeof v === "string"),
    ) as Record<string, string>;

  app.get("/ui/events", async (c) => {
    const id = (c.req.query("id") ?? "").trim().slice(0, 200);
    if (!id) return await render(c, { form: {} });
    return await attempt(c, { id }, async () => {
      const view = await kit.api(c).get<{ id: string; status: string; results: EventResult[] }>(
        `/v1/events/${encodeURIComponent(id)}`,
      );
      return {
        kind: "lookup",
        id: view.id,
        status: view.status,
        results: view.results,
        waited: true,
      };
    });
  });

  app.post("/ui/events/emit", async (c) => {
    mustEmit(c);
    const f = await fields(c);
    const form = { type: f.type ?? "", data: f.data ?? "", wait: f.wait === "on" ? "on" : "off" };
    return await attempt(c, form, async () => {
      if (!NAME.test(form.type)) {
        throw new ApiProblem(400, { detail: "The type must be a lowercase dotted name" });
      }
      const event = {
        specversion: "1.0",
        id: `console-${randomSecret(9)}`,
        source: "/console",
        type: form.type,
        datacontenttype: "application/json",
        data: parseData(form.data),
      };
      const waited = form.wait === "on";
      const { body } = await kit.api(c).send<{ id: string; results?: EventResult[] }>(
        "POST",
        `/v1/events${waited ? "?wait=true" : ""}`,
        event,
      );
      return { kind: "emit", id: body.id, results: body.results ?? [], waited };
    });
  });

  app.post("/ui/events/gate", async (c) => {
    mustEmit(c);
    const f = await fields(c);
    const form = { gate: f.name ?? "", gateData: f.data ?? "" };
    return await attempt(c, form, async () => {
      if (!NAME.test(form.gate)) {
        throw new ApiProblem(400, { detail: "The gate must be a lowercase dotted name" });
      }
      const { body } = await kit.api(c).send<{ allowed: boolean; votes: [] }>(
        "POST",
        `/v1/gates/${form.gate}`,
        { data: parseData(form.gateData) },
      );
      return { kind: "gate", allowed: body.allowed, votes: body.votes };
    });
  });

  app.post("/ui/events/filter", async (c) => {
    mustEmit(c);
    const f = await fields(c);
    const form = { filter: f.name ?? "", filterData: f.data ?? "" };
    return await attempt(c, form, async () => {
      if (!NAME.test(form.filter)) {
        throw new ApiProblem(400, { detail: "The filter must be a lowercase dotted name" });
      }
      const { body } = await kit.api(c).send<{ data: unknown; applied: []; skipped: [] }>(
        "POST",
        `/v1/filters/${form.filter}`,
        { data: parseData(form.filterData) },
      );
      return { kind: "filter", data: body.data, applied: body.applied, skipped: body.skipped };
    });
  });
}
