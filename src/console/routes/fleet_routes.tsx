/**
 * `GET /ui/fleet`: hosts, convergence and rollouts of the fleet this host is in; operators pause,
 * resume and abort a rollout (each an API call as the session, audited there).
 */
import type { Hono } from "hono";
import { ApiProblem } from "../api_client.ts";
import type { ConsoleKit } from "../kit.ts";
import {
  type FleetData,
  FleetPage,
  type FleetRolloutView,
  type FleetStatusView,
} from "../pages/fleet_page.tsx";
import { ConsoleError } from "../session_middleware.ts";
import { mustOperate } from "./plugin_action_routes.tsx";
import { PLUGIN_ID } from "./plugin_routes.tsx";
import type { ConsoleEnv } from "../types.ts";

/** Registers the fleet page. */
export function fleetRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  app.get("/ui/fleet", async (c) => {
    if (!c.get("can").read) throw new ConsoleError(403, "The fleet page needs the reader scope");
    const api = kit.api(c);
    let data: FleetData;
    try {
      const status = await api.get<FleetStatusView>("/v1/fleet/status");
      const { rollouts } = await api.get<{ rollouts: FleetRolloutView[] }>("/v1/fleet/rollouts");
      data = { status, rollouts };
    } catch (error) {
      // 409: this daemon has no nats.url; the API's answer says how to join.
      if (!(error instanceof ApiProblem) || error.status !== 409) throw error;
      data = { absent: error.message };
    }
    return await kit.render(c, <FleetPage ctx={kit.page(c)} data={data} />);
  });

  app.post(`/ui/fleet/rollouts/:plugin{${PLUGIN_ID}}/:action{pause|resume|abort}`, async (c) => {
    mustOperate(c);
    const { plugin, action } = c.req.param();
    try {
      const { body } = await kit.api(c).send<{ state: string }>(
        "POST",
        `/v1/fleet/rollouts/${plugin}/${action}`,
      );
      return kit.done(c, "/ui/fleet", {
        kind: "ok",
        text: `The rollout of ${plugin} is ${body.state} on every host`,
      });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      return kit.done(c, "/ui/fleet", { kind: "error", text: error.message });
    }
  });
}
