/**
 * Helpers for the ci-pipelines tests: the plugin copied with its net grant pointed at a local
 * stand-in of the provider APIs (as an operator of GitHub Enterprise or a self-hosted GitLab
 * would repack it), a stand-in that records every call, and `curl` to the public routes.
 */
import { cp } from "node:fs/promises";
import { join } from "node:path";

import { hmacHex } from "../../plugins/ci-pipelines/lib/_fixtures.ts";

export {
  checkSuite,
  gitlabPipeline,
  hmacHex,
  jenkinsBuild,
  workflowRun,
} from "../../plugins/ci-pipelines/lib/_fixtures.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

/** The plugin's folder in the repository. */
export const PLUGIN_DIR = new URL("../../plugins/ci-pipelines", import.meta.url).pathname;

/** A call the stand-in API received. */
export interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A local HTTP server standing in for api.github.com and gitlab.com/api/v4. */
export interface StandInApi extends AsyncDisposable {
  url: string;
  port: number;
  calls: RecordedCall[];
}

/**
 * Starts a stand-in API answering 201 to the retry endpoints, 200 to `POST /receiver` (an
 * outgoing-webhook receiver) and 404 to anything else.
 */
export function startStandInApi(): StandInApi {
  const calls: RecordedCall[] = [];
  const retry =
    /^\/(repos\/[^/]+\/[^/]+\/(actions\/runs\/\d+\/rerun-failed-jobs|check-suites\/\d+\/rerequest)|projects\/\d+\/pipelines\/\d+\/retry)$/;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const body = await req.text();
    calls.push({ method: req.method, path, headers: Object.fromEntries(req.headers), body });
    if (req.method === "POST" && path === "/receiver") return new Response(null, { status: 200 });
    return req.method === "POST" && retry.test(path)
      ? Response.json({}, { status: 201 })
      : Response.json({ message: "Not Found" }, { status: 404 });
  });
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** A copy of the plugin whose `net` grant names only `hostPort` instead of the public APIs. */
export async function pluginFor(hostPort: string): Promise<string> {
  const root = await moduleTempDir("plugd-ci-pipelines-");
  const dir = join(root, "ci-pipelines");
  await cp(PLUGIN_DIR, dir, { recursive: true });
  const manifest = join(dir, "plugin.yaml");
  const text = await Deno.readTextFile(manifest);
  const replaced = text.replace(/^ {2}net: \[.*\]$/m, `  net: ["${hostPort}"]`);
  if (replaced === text) throw new Error("the net line of plugin.yaml was not found");
  await Deno.writeTextFile(manifest, replaced);
  return dir;
}

/** POSTs `body` with `headers` to `url` with the real `curl`; status and parsed JSON answer. */
export async function curlPost(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const args = ["-sS", "-X", "POST", "--data-binary", "@-", "-w", "\n%{http_code}", url];
  for (const [k, v] of Object.entries({ "content-type": "application/json", ...headers })) {
    args.push("-H", `${k}: ${v}`);
  }
  const child = new Deno.Command("curl", { args, stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(body));
  await writer.close();
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout);
  const cut = text.lastIndexOf("\n");
  if (out.code !== 0) throw new Error(`curl failed: ${new TextDecoder().decode(out.stderr)}`);
  return { status: Number(text.slice(cut + 1)), body: JSON.parse(text.slice(0, cut) || "null") };
}

/** The signature headers of a GitHub delivery. */
export async function githubHeaders(
  secret: string,
  event: string,
  body: string,
): Promise<Record<string, string>> {
  return {
    "x-github-event": event,
    "x-github-delivery": crypto.randomUUID(),
    "x-hub-signature-256": `sha256=${await hmacHex(secret, body)}`,
  };
}
