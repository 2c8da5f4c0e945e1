/**
 * Plugin commands (`plugd <plugin-id> <command> [args...]`): `GET /v1/commands` lists them,
 * `POST /v1/plugins/{id}/commands/{name}` runs one and streams its output as NDJSON
 * (`command_stream.ts`). Running needs the operator scope; every run is audited with its
 * arguments, those the command declares `secret` masked.
 */
import { Hono } from "hono";
import type { AuditEntry } from "../audit/mod.ts";
import { type CommandDecl, maskSecretArgs } from "../manifest/mod.ts";
import type { PluginRecord, PluginService } from "../plugins/mod.ts";
import { requireScope } from "./auth_middleware.ts";
import { CommandStream } from "./command_stream.ts";
import { HttpError } from "./problem.ts";
import { readJsonObject } from "./read_json.ts";
import type { ApiEnv } from "./types.ts";

/** What the command routes need. */
export interface CommandRouteDeps {
  plugins: Pick<PluginService, "record" | "invoke">;
  /** Every installed plugin's record (for the list). */
  records(): Promise<PluginRecord[]>;
  audit(entry: AuditEntry): Promise<void>;
}

const MAX_ARGS = 256;
const MAX_ARG_CHARS = 64 * 1024;

/** One row of `GET /v1/commands`. */
export interface CommandListing {
  plugin: string;
  state: string;
  name: string;
  summary: string;
  args: string;
}

function readArgs(body: Record<string, unknown>): string[] {
  const args = body.args ?? [];
  if (
    !Array.isArray(args) || args.length > MAX_ARGS ||
    !args.every((a) => typeof a === "string" && a.length <= MAX_ARG_CHARS)
  ) {
    throw new HttpError(
      400,
      `"args" must be a list of at most ${MAX_ARGS} strings (each up to 64 KiB), as typed after ` +
        "the command name",
    );
  }
  return args as string[];
}

function outcome(error: unknown): { result: string; status: number; detail: string } {
  const e = error as Error;
  const result = e?.name === "AbortError"
    ? "cancelled"
    : e?.name === "PluginTimeoutError"
    ? "timeout"
    : "failed";
  const status = result === "timeout" ? 504 : e?.name === "PluginUnavailableError" ? 503 : 502;
  return { result, status, detail: e?.message ?? String(error) };
}

/** The command routes. */
export function createCommandRoutes(deps: CommandRouteDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.get("/v1/commands", requireScope("reader"), async (c) => {
    const commands: CommandListing[] = (await deps.records()).flatMap((p) =>
      (p.manifest.commands ?? []).map((cmd) => ({
        plugin: p.id,
        state: p.state,
        name: cmd.name,
        summary: cmd.summary,
        args: cmd.args,
      }))
    );
    return c.json({ commands });
  });

  app.post("/v1/plugins/:id/commands/:name", requireScope("operator"), async (c) => {
    const id = c.req.param("id");
    const name = c.req.param("name");
    const args = readArgs(await readJsonObject(c.req.raw, { hint: '{"args": ["..."]}' }));
    const record = await deps.plugins.record(id);
    const command = record.manifest.commands?.find((cmd) => cmd.name === name);
    if (!command) {
      const known = (record.manifest.commands ?? []).map((cmd) => cmd.name).join(", ") || "none";
      throw new HttpError(
        404,
        `Plugin "${id}" has no command "${name}" (its commands: ${known}); see "plugd plugin commands ${id}"`,
      );
    }
    if (record.state !== "enabled") {
      throw new HttpError(
        409,
        `Plugin "${id}" is ${record.state}; enable it with "plugd plugin enable ${id}"`,
      );
    }
    const stream = new CommandStream();
    const abort = AbortSignal.any([stream.signal, c.req.raw.signal]);
    void run(deps, record, command, args, c.get("actor"), stream, abort);
    return new Response(stream.body, {
      headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" },
    });
  });

  return app;
}

async function run(
  deps: CommandRouteDeps,
  record: PluginRecord,
  command: CommandDecl,
  args: string[],
  actor: string,
  stream: CommandStream,
  signal: AbortSignal,
): Promise<void> {
  const started = performance.now();
  let last: Record<string, unknown>;
  let result = "ok";
  let exitCode: number | null = null;
  try {
    const code = await deps.plugins.invoke(record.id, "command", command.name, { args }, {
      onOutput: (data) => stream.out(data),
      signal,
      timeoutMs: command.timeout_ms ?? record.manifest.limits.timeout_ms,
      record: { actor, input: { args: maskSecretArgs(command, args) } },
    });
    exitCode = Number(code);
    last = { exit: exitCode };
  } catch (error) {
    const failed = outcome(error);
    result = failed.result;
    last = { error: { status: failed.status, detail: failed.detail } };
  }
  const durationMs = Math.round(performance.now() - started);
  // The audit row lands before the last line, so a finished CLI run is always in the log.
  await deps.audit({
    actor,
    action: "plugin.command",
    target: record.id,
    result,
    detail: {
      command: command.name,
      args: maskSecretArgs(command, args),
      exit_code: exitCode,
      duration_ms: durationMs,
    },
  }).catch((error) => {
    last = { error: { status: 500, detail: `audit failed: ${(error as Error).message}` } };
  });
  stream.end({ ...last, duration_ms: durationMs });
}
