/** `plugd plugin logs <id> [-f]`: a plugin's log lines with their fields, in local time. */
import { CliError, type Command, type CommandContext } from "./command.ts";
import { ApiClient } from "./client.ts";
import { localTime, logFields } from "./human_format.ts";
import { printable } from "./terminal_text.ts";
import { callApi, pluginIdArg } from "./plugin_api.ts";

/** One line of `GET /v1/plugins/{id}/logs`. */
interface LogLineView {
  ts: number;
  stream: string;
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

/**
 * `2026-11-30T12:41:38+01:00 sdk    info  Hello, web! event=01M8…`: time, stream, level, the
 * message and its structured fields (logfmt), every plugin-supplied string made printable
 * (`raw`: as it is, for `--raw`).
 */
export function formatLogLine(line: LogLineView, raw = false): string {
  const fields = logFields(line.fields, raw);
  return `${localTime(line.ts)} ${line.stream.padEnd(6)} ${line.level.padEnd(5)} ` +
    `${raw ? line.msg : printable(line.msg)}${fields ? ` ${fields}` : ""}`;
}

async function follow(ctx: CommandContext, limit: number): Promise<void> {
  using client = ApiClient.fromContext(ctx);
  const response = await client.raw(
    "GET",
    `/v1/plugins/${pluginIdArg(ctx)}/logs?follow=true&limit=${limit}`,
  );
  if (!response.ok || !response.body) {
    const detail = await response.text().catch(() => "");
    throw new CliError(`cannot follow logs (HTTP ${response.status}) ${detail.slice(0, 200)}`);
  }
  let buffer = "";
  for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.*)$/m.exec(event)?.[1];
      if (!data || !/^event: log$/m.test(event)) continue;
      const line = JSON.parse(data) as LogLineView;
      ctx.io.out(
        ctx.options.json ? JSON.stringify(line) : formatLogLine(line, ctx.options.raw === true),
      );
    }
  }
}

/** `plugd plugin logs`. */
export const pluginLogsCommand: Command = {
  path: "plugin logs",
  args: "<id>",
  summary: "print a plugin's recent log lines with their fields (-f to follow)",
  arity: [1, 1],
  options: {
    follow: { type: "boolean", short: "f", description: "keep printing new lines" },
    limit: { type: "string", value: "N", description: "recent lines to print (default 200)" },
  },
  async run(ctx) {
    const limit = Number(ctx.options.limit ?? 200);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new CliError(`--limit must be a whole number above 0; got "${ctx.options.limit}"`, 2);
    }
    if (ctx.options.follow) {
      await follow(ctx, limit);
      return 0;
    }
    const { lines } = await callApi<{ lines: LogLineView[] }>(
      ctx,
      "GET",
      `/v1/plugins/${pluginIdArg(ctx)}/logs?limit=${limit}`,
    );
    if (ctx.options.json) ctx.io.out(JSON.stringify({ lines }, null, 2));
    else for (const line of lines) ctx.io.out(formatLogLine(line, ctx.options.raw === true));
    return 0;
  },
};
