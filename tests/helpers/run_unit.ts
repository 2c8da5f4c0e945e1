/**
 * Runs the daemon the way systemd runs scripts/plugd.service, without systemd: the unit's own
 * ExecStartPre= (its root step) and ExecStart=, Environment=, User=/Group= (via setpriv, as the uid install.sh created),
 * NoNewPrivileges=, CapabilityBoundingSet=, AmbientCapabilities= and UMask=, the
 * StateDirectory=/RuntimeDirectory= folders and the credential systemd would create, and a
 * NOTIFY_SOCKET this helper listens on.
 * Paths under /opt/plugd and /etc/plugd map into an install.sh --root tree.
 */
import { join } from "node:path";
import { serviceValue, unitExec, type UnitFile } from "./systemd_unit.ts";

/** The daemon of a unit, running. */
export interface UnitDaemon {
  process: Deno.ChildProcess;
  socketPath: string;
  stateDir: string;
  /** Messages received on NOTIFY_SOCKET, in order. */
  notifications: string[];
  /** The daemon's stderr so far (what journald would hold). */
  log: () => string;
  waitForLog: (pattern: RegExp, what: string) => Promise<void>;
  signal: (signal: Deno.Signal) => void;
  /** Waits for the process to exit by itself; its exit code. */
  exited: () => Promise<number>;
  /** SIGTERM, then its exit code. */
  stop: () => Promise<number>;
  [Symbol.asyncDispose]: () => Promise<void>;
}

/** The uid and gid of `user` in `root`/etc/passwd (the account install.sh created). */
export async function accountIn(root: string, user: string): Promise<{ uid: number; gid: number }> {
  const line = (await Deno.readTextFile(join(root, "etc/passwd"))).split("\n")
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no user ${user} in ${root}/etc/passwd`);
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** `CAP_SETUID CAP_KILL` as setpriv's `+setuid`, `+kill`; `undefined` when the key is absent. */
export function capNames(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(/\s+/).filter((c) => c !== "").map((c) =>
    `+${c.toLowerCase().replace(/^cap_/, "")}`
  );
}

/** Creates the directories systemd would create for the unit, inside `root`. */
async function unitDirs(unit: UnitFile, root: string, id: { uid: number; gid: number }) {
  const mode = (key: string, fallback: string) => parseInt(serviceValue(unit, key) ?? fallback, 8);
  const make = async (path: string, m: number) => {
    await Deno.mkdir(path, { recursive: true });
    await Deno.chown(path, id.uid, id.gid);
    await Deno.chmod(path, m);
    return path;
  };
  const state = await make(
    join(root, "var/lib", serviceValue(unit, "StateDirectory")!),
    mode("StateDirectoryMode", "0755"),
  );
  const run = await make(
    join(root, "run", serviceValue(unit, "RuntimeDirectory")!),
    mode("RuntimeDirectoryMode", "0755"),
  );
  const cred = join(root, "run/credentials/plugd.service");
  await Deno.mkdir(cred, { recursive: true });
  const [name, source] = serviceValue(unit, "LoadCredential")!.split(":") as [string, string];
  await Deno.copyFile(join(root, source), join(cred, name));
  await Deno.chown(join(cred, name), id.uid, id.gid);
  await Deno.chmod(join(cred, name), 0o400);
  await make(cred, 0o500);
  return { state, run, cred };
}

/** Starts the unit's daemon from the install in `root`. */
export async function startUnitDaemon(
  unit: UnitFile,
  root: string,
  options: { runtimeDir?: string } = {},
): Promise<UnitDaemon> {
  const user = serviceValue(unit, "User")!;
  const id = await accountIn(root, user);
  const dirs = await unitDirs(unit, root, id);
  const runtimeDir = options.runtimeDir ?? dirs.run;
  const exec = unitExec(unit, {
    credentialsDir: dirs.cred,
    paths: { "/opt/plugd": join(root, "opt/plugd"), "/etc/plugd": join(root, "etc/plugd") },
  });
  const notifyDir = await Deno.makeTempDir({ prefix: "plugd-notify-" });
  await Deno.chmod(notifyDir, 0o755);
  const notifyPath = join(notifyDir, "notify");
  const listener = Deno.listenDatagram({ transport: "unixpacket", path: notifyPath });
  await Deno.chmod(notifyPath, 0o777); // like /run/systemd/notify: any service may send
  const notifications: string[] = [];
  const receiving = (async () => {
    try {
      for await (const [data] of listener) notifications.push(new TextDecoder().decode(data));
    } catch { /* closed */ }
  })();
  // CapabilityBoundingSet= and AmbientCapabilities= as systemd applies them to a User= service:
  // the bounding set limited to the list, the ambient set (which needs the same inheritable) kept
  // across the switch to the user, so the daemon starts holding exactly those.
  const bounding = capNames(serviceValue(unit, "CapabilityBoundingSet"));
  const ambient = capNames(serviceValue(unit, "AmbientCapabilities"));
  const setpriv = [
    "/usr/bin/setpriv",
    `--reuid=${id.uid}`,
    `--regid=${id.gid}`,
    "--clear-groups",
    ...(bounding === undefined ? [] : [`--bounding-set=${["-all", ...bounding].join(",")}`]),
    `--inh-caps=${["-all", ...(ambient ?? [])].join(",")}`,
    ...(ambient && ambient.length > 0 ? [`--ambient-caps=${["-all", ...ambient].join(",")}`] : []),
    ...(exec.noNewPrivileges ? ["--no-new-privs"] : []),
    "--",
  ];
  const env = {
    ...exec.env,
    // What systemd adds for a unit with User=, StateDirectory=, RuntimeDirectory=, credentials.
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: dirs.state,
    USER: user,
    LOGNAME: user,
    SHELL: "/usr/sbin/nologin",
    STATE_DIRECTORY: dirs.state,
    RUNTIME_DIRECTORY: runtimeDir,
    CREDENTIALS_DIRECTORY: dirs.cred,
  };
  // ExecStartPre= lines, in order; "+" ones as root (the only kind the unit has).
  let preLog = "";
  for (const pre of exec.pre) {
    if (!pre.root) throw new Error(`ExecStartPre= without "+" is not handled here`);
    const out = await new Deno.Command("/bin/sh", {
      args: ["-c", `umask ${exec.umask} && exec "$@"`, "sh", ...pre.argv],
      clearEnv: true,
      env,
      cwd: "/",
      stdin: "null",
    }).output();
    preLog += new TextDecoder().decode(out.stderr);
    if (!out.success && !pre.mayFail) throw new Error(`ExecStartPre= failed:\n${preLog}`);
  }
  const process = new Deno.Command("/bin/sh", {
    args: ["-c", `umask ${exec.umask} && exec "$@"`, "sh", ...setpriv, ...exec.argv],
    clearEnv: true,
    env: { ...env, NOTIFY_SOCKET: notifyPath },
    cwd: "/",
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = preLog;
  const pump = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of process.stderr) stderr += decoder.decode(chunk, { stream: true });
  })();
  const drain = process.stdout.pipeTo(new WritableStream());
  let exited = false;
  const status = process.status.then((s) => {
    exited = true;
    return s;
  });
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    listener.close();
    await Promise.allSettled([pump, drain, receiving]);
    await Deno.remove(notifyDir, { recursive: true }).catch(() => {});
  };
  return {
    process,
    socketPath: join(runtimeDir, "plugd.sock"),
    stateDir: dirs.state,
    notifications,
    log: () => stderr,
    waitForLog: async (pattern, what) => {
      const end = Date.now() + 60_000;
      while (!pattern.test(stderr)) {
        if (exited) throw new Error(`the daemon exited before ${what}:\n${stderr}`);
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    signal: (signal) => process.kill(signal),
    exited: async () => {
      const { code } = await status;
      await finish();
      return code;
    },
    stop: async () => {
      if (!exited) process.kill("SIGTERM");
      const { code } = await status;
      await finish();
      return code;
    },
    [Symbol.asyncDispose]: async () => {
      if (!exited) process.kill("SIGKILL");
      await status;
      await finish();
    },
  };
}
