/**
 * Runs scripts/install.sh into a throwaway root (`--root DIR`), as the production tests need a
 * real install: the committed files, the Deno binary and its cache, the unit, the command.
 */
import { join } from "node:path";

const INSTALL = new URL("../../scripts/install.sh", import.meta.url).pathname;

/** Whether this process may run install.sh (root, with useradd and git). */
export function canInstall(): boolean {
  return Deno.uid() === 0 && ["useradd", "git", "setpriv"].every(onPath);
}

function onPath(name: string): boolean {
  return (Deno.env.get("PATH") ?? "").split(":").some((dir) => {
    try {
      return Deno.statSync(join(dir, name)).isFile;
    } catch {
      return false;
    }
  });
}

/** Output of one install.sh run. */
export interface InstallRun {
  code: number;
  stderr: string;
}

/** Runs `scripts/install.sh --root root` (or another script with the same options). */
export async function runInstaller(
  root: string,
  extra: string[] = [],
  script = INSTALL,
): Promise<InstallRun> {
  const out = await new Deno.Command("/bin/sh", {
    args: [script, "--root", root, ...extra],
    stdout: "piped",
    stderr: "piped",
    env: { DENO: Deno.execPath() },
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stderr: text.decode(out.stdout) + text.decode(out.stderr) };
}

/**
 * A fresh root with only the accounts a base system has (root, nobody), made traversable so the
 * service user can reach what install.sh puts in it.
 */
export async function emptyRoot(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "plugd-root-" });
  await Deno.chmod(root, 0o755);
  await Deno.mkdir(join(root, "etc"));
  await Deno.writeTextFile(
    join(root, "etc/passwd"),
    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
  );
  await Deno.writeTextFile(join(root, "etc/group"), "root:x:0:\nnogroup:x:65534:\n");
  await Deno.writeTextFile(join(root, "etc/shadow"), "root:*:19000:0:99999:7:::\n");
  await Deno.writeTextFile(join(root, "etc/gshadow"), "root:*::\n");
  return root;
}

/** Installs into a fresh root and returns it; throws with install.sh's output on failure. */
export async function installedRoot(): Promise<string> {
  const root = await emptyRoot();
  const run = await runInstaller(root);
  if (run.code !== 0) throw new Error(`install.sh --root failed (${run.code}):\n${run.stderr}`);
  return root;
}
