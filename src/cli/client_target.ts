/**
 * Which daemon a client command talks to, decided like the daemon decides where it listens:
 * flags > environment > `plugd.yaml` > defaults, each answer remembering where it came from so
 * an unreachable daemon is reported with the setting to change.
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { parseConfigText } from "../config/mod.ts";
import { CliError, type CommandContext, EXIT } from "./command.ts";

/** The daemon to talk to: an HTTP URL (with token) or a Unix socket. */
export type ClientTarget =
  | { kind: "url"; url: string; token?: string; origin: string; cacert?: string }
  | { kind: "socket"; path: string; origin: string };

/** Well-known sockets tried in order when nothing is configured: dev checkout, then systemd. */
export const DEFAULT_SOCKETS = ["./.plugd/plugd.sock", "/run/plugd/plugd.sock"] as const;

/** Resolves the target of a client command from its options and environment. */
export function clientTarget(ctx: CommandContext): ClientTarget {
  const { options, io, cwd } = ctx;
  const env = io.env;
  const flag = (name: string) => options[name] as string | undefined;
  const at = (path: string, base = cwd) => (isAbsolute(path) ? path : resolve(base, path));
  const url = flag("url") ?? env.PLUGD_URL;
  if (url) {
    const token = flag("token") ?? env.PLUGD_TOKEN;
    const origin = flag("url") ? "--url" : "PLUGD_URL";
    const cacert = flag("cacert") ?? env.PLUGD_CACERT;
    return { kind: "url", url, token, origin, cacert: cacert ? at(cacert) : undefined };
  }
  if (flag("socket")) return { kind: "socket", path: at(flag("socket")!), origin: "--socket" };
  if (env.PLUGD_SOCKET) {
    return { kind: "socket", path: at(env.PLUGD_SOCKET), origin: "PLUGD_SOCKET" };
  }
  if (flag("state-dir")) {
    return {
      kind: "socket",
      path: join(at(flag("state-dir")!), "plugd.sock"),
      origin: "--state-dir",
    };
  }
  if (env.PLUGD_STATE_DIR) {
    return {
      kind: "socket",
      path: join(at(env.PLUGD_STATE_DIR), "plugd.sock"),
      origin: "PLUGD_STATE_DIR",
    };
  }
  const file = flag("config") ?? env.PLUGD_CONFIG;
  if (file) {
    const fromFile = socketFromFile(at(file), flag("config") ? "--config" : "PLUGD_CONFIG");
    if (fromFile) return fromFile;
  }
  // Nothing configured: the dev daemon of this folder if it runs, else the system one.
  const candidates = DEFAULT_SOCKETS.map((p) => resolve(p));
  const found = candidates.find(isSocket) ?? candidates[0]!;
  return { kind: "socket", path: found, origin: `default (tried ${candidates.join(", ")})` };
}

function socketFromFile(path: string, via: string): ClientTarget | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound && via === "PLUGD_CONFIG") return null;
    throw new CliError(
      `cannot read the config file ${path} (from ${via}): ${(error as Error).message}`,
      EXIT.usage,
    );
  }
  const { values } = parseConfigText(path, text);
  const socket = values.get("socket");
  if (typeof socket === "string" && socket !== "") {
    return { kind: "socket", path: resolve(dirname(path), socket), origin: `"socket" in ${path}` };
  }
  const stateDir = values.get("state_dir");
  if (typeof stateDir === "string" && stateDir !== "") {
    return {
      kind: "socket",
      path: join(resolve(dirname(path), stateDir), "plugd.sock"),
      origin: `"state_dir" in ${path}`,
    };
  }
  return null;
}

function isSocket(path: string): boolean {
  try {
    return Deno.statSync(path).isSocket === true;
  } catch {
    return false;
  }
}
