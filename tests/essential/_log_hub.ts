/**
 * Helpers of the log-hub tests: a copy of plugins/log-hub whose manifest names a test's own
 * log folder and stand-in Elasticsearch (the shipped manifest names /var/log and
 * localhost:9200), and that stand-in: a real HTTP server checking the `_bulk` format.
 */
import assert from "node:assert/strict";

const PLUGIN = new URL("../../plugins/log-hub/", import.meta.url).pathname;

/** A log folder outside /tmp (the sandbox's own $TMP is never grantable), readable by plugins. */
export async function logFolder(): Promise<string> {
  const dir = await Deno.makeTempDir({ dir: "/var/tmp", prefix: "log-hub-logs-" });
  await Deno.chmod(dir, 0o755); // plugins run as their own uid
  return dir;
}

/** Writes (or appends to) a log file the plugin's uid can read. */
export async function writeLog(path: string, text: string, append = true): Promise<void> {
  await Deno.writeTextFile(path, text, { append });
  await Deno.chmod(path, 0o644);
}

/** plugins/log-hub copied to a temp folder with `read:` = `readDir` and `net:` = `netHost`. */
export async function logHubCopy(readDir: string, netHost: string): Promise<string> {
  const out = await Deno.makeTempDir({ prefix: "log-hub-pkg-" });
  const copy = async (rel: string) => {
    for await (const e of Deno.readDir(`${PLUGIN}${rel}`)) {
      const name = `${rel}${e.name}`;
      if (e.isDirectory) {
        await Deno.mkdir(`${out}/${name}`);
        await copy(`${name}/`);
      } else if (e.isFile) await Deno.copyFile(`${PLUGIN}${name}`, `${out}/${name}`);
    }
  };
  await copy("");
  const yaml = await Deno.readTextFile(`${out}/plugin.yaml`);
  const changed = yaml.replace('read: ["/var/log"]', `read: ["${readDir}"]`)
    .replace('net: ["localhost:9200"]', `net: ["${netHost}"]`);
  assert.notEqual(changed, yaml);
  await Deno.writeTextFile(`${out}/plugin.yaml`, changed);
  return out;
}

/** A document the stand-in received. */
export interface BulkDoc {
  index: string;
  id: string;
  doc: Record<string, unknown>;
}

/** A stand-in `_bulk` endpoint: refuses anything that is not a well-formed bulk request. */
export function startBulkReceiver(): {
  url: string;
  port: number;
  docs: BulkDoc[];
  problems: string[];
  requests: number;
  close: () => Promise<void>;
} {
  const docs: BulkDoc[] = [];
  const problems: string[] = [];
  const state = { requests: 0 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    state.requests++;
    const url = new URL(req.url);
    const problem = (why: string) => {
      problems.push(why);
      return Response.json({ error: why }, { status: 400 });
    };
    if (req.method !== "POST" || url.pathname !== "/_bulk") {
      return problem(`${req.method} ${url.pathname}`);
    }
    if (req.headers.get("content-type") !== "application/x-ndjson") {
      return problem(`content-type ${req.headers.get("content-type")}`);
    }
    const body = await req.text();
    if (!body.endsWith("\n")) return problem("the body does not end with a newline");
    const lines = body.slice(0, -1).split("\n");
    if (lines.length % 2 !== 0) return problem("an action line without its document");
    const items = [];
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i]!);
      const doc = JSON.parse(lines[i + 1]!);
      const meta = action.index;
      if (!meta || typeof meta._index !== "string" || typeof meta._id !== "string") {
        return problem(`line ${i + 1} is not an index action: ${lines[i]}`);
      }
      if (typeof doc["@timestamp"] !== "string" || typeof doc.message !== "string") {
        return problem(`line ${i + 2} lacks @timestamp or message`);
      }
      docs.push({ index: meta._index, id: meta._id, doc });
      items.push({ index: { _index: meta._index, _id: meta._id, status: 201, result: "created" } });
    }
    return Response.json({ took: 1, errors: false, items });
  });
  const port = (server.addr as Deno.NetAddr).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    docs,
    problems,
    get requests() {
      return state.requests;
    },
    close: () => server.shutdown(),
  };
}
