/**
 * A system addon's console actions: run an operation (a form POST, then the record's page, which
 * follows it while it runs) and show one execution record. Both go through the API as the
 * session, so its scope checks, the one-operation-at-a-time rule and the audit apply unchanged.
 */
import type { Hono } from "hono";
import { ApiProblem } from "../api_client.ts";
import type { ConsoleKit } from "../kit.ts";
import { AddonExecutionPage, type ExecutionRecordView } from "../pages/addon_execution_page.tsx";
import type { ConsoleEnv } from "../types.ts";
import { mustOperate } from "./plugin_action_routes.tsx";
import { loadView, PLUGIN_ID } from "./plugin_routes.tsx";

/** Registers the addon actions and the execution page. */
export function addonRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  const base = `/ui/plugins/:id{${PLUGIN_ID}}`;

  app.post(`${base}/operations/:op{[a-z_]{1,32}}`, async (c) => {
    mustOperate(c);
    const id = c.req.param("id");
    const op = c.req.param("op");
    let execution: string;
    try {
      const { body } = await kit.api(c).send<{ execution: { id: string } }>(
        "POST",
        `/v1/plugins/${id}/operations/${op}`,
      );
      execution = body.execution.id;
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      return kit.done(c, `/ui/plugins/${id}#addon`, { kind: "error", text: error.message });
    }
    return kit.done(c, `/ui/plugins/${id}/executions/${execution}`, {
      kind: "ok",
      text: `${op} started`,
    });
  });

  app.get(`${base}/executions/:execution{[A-Za-z0-9_-]{1,64}}`, async (c) => {
    const view = await loadView(kit, c);
    const record = await kit.api(c).get<ExecutionRecordView>(
      `/v1/plugins/${view.id}/executions/${c.req.param("execution")}`,
    );
    return await kit.render(
      c,
      <AddonExecutionPage ctx={kit.page(c)} view={view} record={record} />,
    );
  });
}
