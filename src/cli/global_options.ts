/**
 * Options every command accepts, anywhere on the line (`plugd --json status`, `plugd status
 * --json`, `plugd --url U --token T plugin list`), like `docker -H` or `kubectl -n`.
 */
import { type CliOption, UsageError } from "./command.ts";

/** The global options, in help order. */
export const GLOBAL_OPTIONS: Readonly<Record<string, CliOption>> = {
  json: { type: "boolean", description: "machine-readable JSON on stdout" },
  raw: {
    type: "boolean",
    description: "print plugin-supplied text byte for byte (terminal escape sequences are " +
      "removed otherwise)",
  },
  socket: {
    type: "string",
    value: "PATH",
    description: "the daemon's Unix socket (PLUGD_SOCKET; default ./.plugd/plugd.sock, else " +
      "/run/plugd/plugd.sock)",
  },
  url: {
    type: "string",
    value: "URL",
    description: "talk to the daemon over HTTP instead of the socket (PLUGD_URL)",
  },
  token: {
    type: "string",
    value: "TOKEN",
    description: "bearer token for --url (PLUGD_TOKEN)",
  },
  cacert: {
    type: "string",
    value: "FILE",
    description: "CA certificate (PEM) that signed the daemon's TLS certificate, for --url " +
      "https://… (PLUGD_CACERT; default: the system's trusted CAs)",
  },
  "state-dir": {
    type: "string",
    value: "DIR",
    description: "the daemon's state dir; its socket is DIR/plugd.sock (PLUGD_STATE_DIR)",
  },
  config: {
    type: "string",
    value: "FILE",
    description: "plugd.yaml to read settings from (PLUGD_CONFIG)",
  },
  help: { type: "boolean", short: "h", description: "show help for the command" },
};

/** Global option values found on the command line. */
export type GlobalValues = Record<string, string | boolean>;

/**
 * Takes the global options out of `argv`, wherever they are, and returns the rest in order.
 * Names in `ownedByCommand` are the command's own options (a command may define an option of
 * the same name, such as `--url`) and are left in place. Everything after `--` is left as is.
 */
export function extractGlobals(
  argv: string[],
  ownedByCommand: ReadonlySet<string> = new Set(),
): { rest: string[]; globals: GlobalValues } {
  const rest: string[] = [];
  const globals: GlobalValues = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = match ? match[1]! : shortName(arg);
    const option = name && !ownedByCommand.has(name) ? GLOBAL_OPTIONS[name] : undefined;
    if (!name || !option) {
      rest.push(arg);
      continue;
    }
    if (option.type === "boolean") {
      if (match?.[2] !== undefined) throw new UsageError(`--${name} takes no value`);
      globals[name] = true;
      continue;
    }
    const value = match?.[2] ?? argv[++i];
    if (value === undefined || (match?.[2] === undefined && value.startsWith("--"))) {
      throw new UsageError(`--${name} needs a value (--${name} ${option.value ?? "VALUE"})`);
    }
    globals[name] = value;
  }
  return { rest, globals };
}

function shortName(arg: string): string | undefined {
  if (!/^-[A-Za-z]$/.test(arg)) return undefined;
  return Object.entries(GLOBAL_OPTIONS).find(([, o]) => o.short === arg.slice(1))?.[0];
}
