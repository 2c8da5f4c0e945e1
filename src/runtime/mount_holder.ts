/**
 * A private mount namespace that lives exactly as long as the daemon: a `sleep` that `unshare`
 * put in a new namespace, killed with the daemon (`--pdeathsig`). Plugins' data volumes are
 * mounted in it, so the host's own namespace never shows them and a killed daemon leaves no mount
 * behind: the namespace, its mounts and their loop devices go when its last process does.
 */

/** Options of {@linkcode MountHolder.start}. */
export interface MountHolderOptions {
  /** @default "/usr/bin/setpriv" */
  setprivPath?: string;
  /** @default "/usr/bin/unshare" */
  unsharePath?: string;
  /** @default "/usr/bin/nsenter" */
  nsenterPath?: string;
}

/** The daemon's private mount namespace. Dispose to end it. */
export class MountHolder implements AsyncDisposable {
  /** `/proc/<pid>/ns/mnt` of the holder: what `nsenter --mount=` takes. */
  readonly namespace: string;
  readonly nsenterPath: string;
  #child: Deno.ChildProcess;

  private constructor(child: Deno.ChildProcess, nsenterPath: string) {
    this.#child = child;
    this.nsenterPath = nsenterPath;
    this.namespace = `/proc/${child.pid}/ns/mnt`;
  }

  /** Starts the holder and waits until it is in its own namespace. */
  static async start(options: MountHolderOptions = {}): Promise<MountHolder> {
    const {
      setprivPath = "/usr/bin/setpriv",
      unsharePath = "/usr/bin/unshare",
      nsenterPath = "/usr/bin/nsenter",
    } = options;
    const child = new Deno.Command(setprivPath, {
      // slave: mounts made on the host later still appear inside; none made inside leave it.
      args: [
        "--pdeathsig",
        "KILL",
        "--",
        unsharePath,
        "--mount",
        "--propagation",
        "slave",
        "--",
        "sleep",
        "infinity",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const holder = new MountHolder(child, nsenterPath);
    const own = await Deno.readLink(`/proc/${Deno.pid}/ns/mnt`);
    for (let i = 0; i < 200; i++) {
      const ns = await Deno.readLink(holder.namespace).catch(() => own);
      if (ns !== own) return holder;
      await new Promise((r) => setTimeout(r, 5));
    }
    await holder[Symbol.asyncDispose]();
    throw new Error("the mount namespace holder did not start (unshare --mount failed)");
  }

  /** `argv` prefixed so that it runs inside the namespace. */
  enter(argv: string[]): string[] {
    return [this.nsenterPath, `--mount=${this.namespace}`, "--", ...argv];
  }

  /** Runs `argv` inside the namespace; throws with its output when it fails. */
  async run(argv: string[]): Promise<string> {
    const [cmd, ...args] = this.enter(argv);
    const out = await new Deno.Command(cmd!, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const text = new TextDecoder();
    if (!out.success) {
      throw new Error(`${argv.join(" ")} failed: ${text.decode(out.stderr).trim().slice(0, 500)}`);
    }
    return text.decode(out.stdout);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch { /* already gone */ }
    await this.#child.status;
    await this.#child.stderr.cancel().catch(() => {});
  }
}
