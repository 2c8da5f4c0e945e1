/**
 * docs/cli.md, rendered from the command table: every command, its arguments and every option.
 * scripts/gen_cli_docs.ts writes it; tests/operator/cli_docs_test.ts fails when it is stale.
 */
import type { CliOption, Command } from "./command.ts";
import { GLOBAL_OPTIONS } from "./global_options.ts";
import { optionUsage } from "./help.ts";

const INTRO = `# The \`plugd\` CLI

<!-- Generated from the command table (src/cli/commands.ts) by scripts/gen_cli_docs.ts, and
checked by tests/operator/cli_docs_test.ts: change the commands, then run
"deno run -A scripts/gen_cli_docs.ts". -->

\`plugd <command> [options]\`: the installed command (\`/usr/local/bin/plugd\`, from
\`scripts/install.sh\`), or \`deno task plugd …\` in a checkout. \`plugd --help\`,
\`plugd <group> --help\` and \`plugd <command> --help\` print the same information as this page.

## Which daemon it talks to

Client commands talk to the daemon over its Unix socket, or over HTTP with \`--url\` and
\`--token\`. The first of these that is set wins:

1. \`--url URL\` (with \`--token TOKEN\`), or \`PLUGD_URL\` (with \`PLUGD_TOKEN\`): HTTP;
2. \`--socket PATH\`, then \`PLUGD_SOCKET\`;
3. \`--state-dir DIR\`, then \`PLUGD_STATE_DIR\`: the socket \`DIR/plugd.sock\`;
4. \`socket\` or \`state_dir\` in the settings file (\`--config FILE\` or \`PLUGD_CONFIG\`; the
   installed command sets \`PLUGD_CONFIG=/etc/plugd/plugd.yaml\`);
5. \`./.plugd/plugd.sock\` if a daemon of this folder runs (\`deno task start\`), else
   \`/run/plugd/plugd.sock\` (the systemd service).

When the daemon cannot be reached, the message names the socket or URL and which of these
chose it.

## Habits it follows

- **Options anywhere**: global options may stand before or after the command
  (\`plugd --json status\`, \`plugd status --json\`), like \`docker -H\`.
- **Paths are relative to your folder**: under \`deno task\` (which runs in the project folder)
  the CLI resolves paths against the folder you typed the command in (\`INIT_CWD\`).
  \`plugd key generate\` writes to the current folder (or \`--out DIR\`).
- **Secrets stay out of argv and shell history**: \`plugd plugin config ID --secret KEY\` asks
  without echo; \`--secret-stdin KEY\` reads the value from stdin; \`KEY=@FILE\` reads a file.
- **Questions need a terminal**: without one, \`plugin grant\` stops with
  "stdin is not a terminal … pass --yes" instead of assuming an answer.
- **Output**: human text by default (times in local ISO 8601 with the offset, plugin-supplied
  text with control characters escaped), \`--json\` for scripts; progress on stderr; failures as
  one line on stderr naming the problem and the fix.
`;

const EXIT_CODES = `## Exit codes

| code | meaning                                                                                          |
| ---- | ------------------------------------------------------------------------------------------------ |
| 0    | success                                                                                          |
| 1    | the operation failed or was denied (one-line reason on stderr); \`audit --verify\` found tampering |
| 2    | usage error (unknown command, bad option, missing argument, a question without a terminal)       |
| 3    | the daemon is unreachable                                                                        |
`;

function optionList(options: Readonly<Record<string, CliOption>>): string {
  return Object.entries(options)
    .map(([name, o]) => `- \`${optionUsage(name, o)}\`: ${escapeHtml(o.description)}`)
    .join("\n");
}

/** `<state>` would be an HTML tag in markdown. */
function escapeHtml(text: string): string {
  return text.replaceAll("<", "\\<").replaceAll(">", "\\>");
}

function commandSection(c: Command): string {
  const options = c.options ?? {};
  const usage = `plugd ${c.path} ${c.args}`.trim() +
    (Object.keys(options).length ? " [options]" : "");
  return [
    `### plugd ${c.path}`,
    "",
    escapeHtml(`${c.summary.charAt(0).toUpperCase()}${c.summary.slice(1)}.`),
    "",
    "```",
    usage,
    "```",
    ...(Object.keys(options).length ? ["", optionList(options)] : []),
    ...(c.notes ? ["", c.notes] : []),
  ].join("\n");
}

/** The markdown of docs/cli.md (before `deno fmt`). */
export function renderCliReference(commands: readonly Command[]): string {
  const groups = new Map<string, Command[]>();
  for (const c of commands) {
    const group = c.path.includes(" ") ? c.path.split(" ")[0]! : "one-word";
    groups.set(group, [...(groups.get(group) ?? []), c]);
  }
  const sections = [...groups].map(([group, list]) =>
    [
      `## ${group === "one-word" ? "Daemon, events, audit and status" : `plugd ${group} …`}`,
      "",
      ...list.map(commandSection).flatMap((s) => [s, ""]),
    ]
      .join("\n").trimEnd()
  );
  return [
    INTRO,
    "## Global options",
    "",
    optionList(GLOBAL_OPTIONS),
    "",
    EXIT_CODES,
    ...sections.flatMap((s) => [s, ""]),
  ].join("\n");
}
