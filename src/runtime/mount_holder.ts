/**
 * A private mount namespace that lives exactly as long as the daemon: a small `sh` loop that
 * `unshare` put in a new namespace, killed with the daemon (`--pdeathsig`) and ended by the end
 * of its stdin. Plugins' data volumes are mounted in it, so the host's own namespace never shows
 * them and a killed daemon leaves no mount behind: the namespace, its mounts and their loop
 * devices go when its last process does.
 *
 * The loop mounts a daemon start makes (one per plugin) are asked of that shell on its stdin
 * rather than spawned from the daemon: a spawn from the daemon (a large process) costs its main
 * thread about 1.3 ms each, `nsenter` one more exec, and the shell runs the requests one at a time,
 * so two `losetup --find` never race for the same free device (the loser waits 200 ms).
 */

/** The lines `stream` carries, as they come. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, end);
      rest = rest.slice(end + 1);
    }
  }
}

/** Options of {@linkcode MountHolder.start}. */
export interface MountHolderOptions {
  /** @default "/usr/bin/setpriv" */
  setprivPath?: string;
  /** @default "/usr/bin/unshare" */
  unsharePath?: string;
  /** @default "/usr/bin/nsenter" */
  nsenterPath?: string;
}

/**
 * The holder's loop. A request is four lines (`loop-mount`, the image, the mount point, the
 * options), its answer one line: `ok`, or `error ` and what failed. A loop device is bound to the
 * image with `losetup --find` (a free device from `/dev/loop-control`, no scan), mounted, then
 * detached while mounted: the kernel only marks a busy device to go with its last mount.
 */
export const HOLDER_SCRIPT = `IFS=
fail() { printf 'error %s\\n' "$(printf '%s' "$*" | tr '\\n' ' ')"; }
while read -r op && read -r image && read -r target && read -r options; do
  [ "$op" = loop-mount ] || { fail "unknown request $op"; continue; }
  if ! dev=$(losetup --find --show -- "$image" 2>&1); then fail "$dev"; continue; fi
  if ! out=$(mount -t ext4 -o "$options" -- "$dev" "$target" 2>&1); then
    losetup --detach "$dev" 2>/dev/null; fail "$out"; continue
  fi
  if ! out=$(losetup --detach "$dev" 2>&1); then fail "$out"; continue; fi
  echo ok
done`;

/** The daemon's private mount namespace. Dispose to end it. */
export class MountHolder implements AsyncDisposable {
  /** `/proc/<pid>/ns/mnt` of the holder: what `nsenter --mount=` takes. */
  readonly namespace: string;
  readonly nsenterPath: string;
  #child: Deno.ChildProcess;
  #requests: WritableStreamDefaultWriter<Uint8Array>;
  #answers: AsyncGenerator<string>;
  /** Requests sent and not answered yet, in order (the shell answers in order). */
  #waiting: ((answer: string | null) => void)[] = [];
  #reading = false;

  private constructor(child: Deno.ChildProcess, nsenterPath: string) {
    this.#child = child;
    this.nsenterPath = nsenterPath;
    this.namespace = `/proc/${child.pid}/ns/mnt`;
    this.#requests = child.stdin.getWriter();
    this.#answers = lines(child.stdout);
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
        "/bin/sh",
        "-c",
        HOLDER_SCRIPT,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
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

  /**
   * Mounts the ext4 `image` at `target` in the namespace (with `options`, e.g. `nosuid,nodev`)
   * through a loop device of its own that goes with the mount.
   */
  async loopMount(image: string, target: string, options: string): Promise<void> {
    for (const field of [image, target, options]) {
      if (/[\n\r]/.test(field)) throw new Error(`a line break in ${JSON.stringify(field)}`);
    }
    const answer = new Promise<string | null>((r) => this.#waiting.push(r));
    this.#readAnswers();
    await this.#requests.write(
      new TextEncoder().encode(`loop-mount\n${image}\n${target}\n${options}\n`),
    ).catch(() => {});
    const line = await answer;
    if (line === null) throw new Error("the mount namespace's holder has exited");
    if (line !== "ok") throw new Error(`mounting ${image} failed: ${line.replace(/^error /, "")}`);
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

  /** Hands each answer line to the oldest request, while requests wait; null once it exited. */
  async #readAnswers(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      while (this.#waiting.length > 0) {
        const { value, done } = await this.#answers.next().catch(() => ({ value: "", done: true }));
        if (done) {
          for (const r of this.#waiting.splice(0)) r(null);
          return;
        }
        this.#waiting.shift()!(value);
      }
    } finally {
      this.#reading = false;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch { /* already gone */ }
    await this.#child.status;
    await this.#requests.close().catch(() => {});
    await this.#answers.return(undefined).catch(() => {});
  }
}
