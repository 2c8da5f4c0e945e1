/**
 * The daemon's private mount namespaces, which live exactly as long as the daemon: a loop (Perl,
 * mount_holder_perl.ts, where the host has it; else the `bash` loop below, with util-linux's
 * tools) that `unshare` put in a namespace of its own (the base), killed with the daemon
 * (`--pdeathsig`) and ended by the end of its stdin. A killed daemon leaves no mount behind: the
 * namespaces, their mounts and their loop devices go when their last process does.
 *
 * Each plugin's volume is mounted in a namespace of its own, cloned from the base, which plugins
 * start in: bubblewrap reads the whole `/proc/self/mountinfo` of the namespace it starts in for
 * each of its binds, so with every volume in one namespace a start cost ~45 µs of CPU more per
 * mounted volume (+9-10 ms with 200; measured in docs/performance.md). The shell keeps two file
 * descriptors per volume: the namespace (what `nsenter --mount=` takes, as
 * `/proc/<shell>/fd/<n>`) and the volume's root folder (what `df`, `cp` and `fsfreeze` take, from
 * any namespace). A spawn from the daemon costs its main thread more than a request on the shell's
 * stdin, and one request at a time means two `losetup --find` never race for a device.
 */

import { holderSyscalls, PERL_HOLDER_SCRIPT } from "./mount_holder_perl.ts";

const PERL = "/usr/bin/perl";

/** Options of {@linkcode MountHolder.start}. */
export interface MountHolderOptions {
  /** @default "/usr/bin/setpriv" */
  setprivPath?: string;
  /** @default "/usr/bin/unshare" */
  unsharePath?: string;
  /** @default "/usr/bin/nsenter" */
  nsenterPath?: string;
  /**
   * Which loop makes the mounts: `perl` (system calls, mount_holder_perl.ts) where
   * `/usr/bin/perl` and this architecture's system call numbers are known, else `bash` (the
   * util-linux tools). @default the first of those this host has
   */
  program?: "perl" | "bash";
}

/**
 * The holder's loop; its argument only names the state dir in `ps`. A request is five lines: the
 * operation, then the image, the mount point, the options, one more (empty) line. `bind-mount`
 * binds a free loop device to the image (`losetup --find`, a device from `/dev/loop-control`,
 * no scan), detaches it while the shell holds it open (which the kernel takes as "go with the last
 * user"), mounts it in a new namespace and keeps that namespace and the mounted folder open;
 * `loop-mount` mounts with `mount -o loop` instead (an image an earlier device still holds). The
 * answer is `ok <namespace fd> <folder fd>` or `error <what failed>`. `close <ns fd> <dir fd>`
 * closes both (answer `ok`).
 */
export const HOLDER_SCRIPT = `IFS=
ulimit -n "$(ulimit -H -n)" 2>/dev/null
fail() { printf 'error %s\\n' "\${*//$'\\n'/ }"; }
while read -r op && read -r image && read -r target && read -r options && read -r _; do
  case $op in
  close) IFS=' ' read -r ns dir <<<"$image"
    [[ $ns =~ ^[0-9]+$ && $dir =~ ^[0-9]+$ ]] && exec {ns}<&- {dir}<&-; echo ok; continue;;
  bind-mount) dev=$(losetup --find --show -- "$image" 2>&1) || { fail "$dev"; continue; }
    # Held open here, the device only gets its autoclear mark from --detach: from now on it
    # goes when its last user does, this shell included (a daemon killed now leaves none).
    if ! exec {lo}<"$dev"; then losetup --detach "$dev"; fail "cannot open $dev"; continue; fi
    if ! out=$(losetup --detach "$dev" 2>&1); then exec {lo}<&-; fail "$out"; continue; fi
    source=$dev; mount=(mount -t ext4 -o "$options");;
  loop-mount) lo=; source=$image; mount=(mount -o "loop,$options");;
  *) fail "unknown request $op"; continue;;
  esac
  # The namespace's first process: killed with this shell (and refuses to run once orphaned),
  # stopped once mounted until its namespace and folder are open here. It answers on a pipe of
  # its own, which it gets at its fork: nothing it does can block before its death signal is set
  # (a FIFO opened in the fork blocked forever when this shell died first, holding our stdout).
  exec {answers}< <(exec setpriv --pdeathsig KILL -- unshare --mount --propagation slave -- \\
    /bin/sh -c '[ "$PPID" = "$1" ] || exit 1; shift
    out=$("$@" 2>&1) || { echo "$out"; exit 1; }; echo ok; exec >/dev/null 2>&1; kill -STOP $$' \\
    sh "$$" "\${mount[@]}" -- "$source" "$target" </dev/null 2>&1)
  held=$!; read -r -d '' answer <&"$answers"; answer=\${answer%$'\\n'}; exec {answers}<&-
  if [[ $answer == ok ]] && exec {ns}<"/proc/$held/ns/mnt" {dir}<"/proc/$held/root$target"; then
    echo "ok $ns $dir"
  else
    fail "\${answer:-no namespace was made for the mount}"
  fi
  kill -KILL "$held" 2>/dev/null; wait "$held"
  [[ -n $lo ]] && exec {lo}<&-
done`;

/** The lines `reader` carries, as they come. */
async function* lines(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = "";
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    rest += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, end);
      rest = rest.slice(end + 1);
    }
  }
}

/** A mounted volume: its namespace and its root folder, as paths any process may open. */
export interface HeldMount {
  /** `/proc/<holder>/fd/<n>` of the volume's namespace: what `nsenter --mount=` takes. */
  namespace: string;
  /** `/proc/<holder>/fd/<n>` of the volume's root folder. */
  root: string;
  /** The two descriptors, for {@linkcode MountHolder.release}. */
  fds: [number, number];
}

/** The daemon's private mount namespaces. Dispose to end them. */
export class MountHolder implements AsyncDisposable {
  /** `/proc/<pid>/ns/mnt` of the holder: the base namespace. */
  readonly namespace: string;
  readonly nsenterPath: string;
  #child: Deno.ChildProcess;
  #requests: WritableStreamDefaultWriter<Uint8Array>;
  #stdout: ReadableStreamDefaultReader<Uint8Array>;
  #answers: AsyncGenerator<string>;
  /** Requests sent and not answered yet, in order (the shell answers in order). */
  #waiting: ((answer: string | null) => void)[] = [];
  #reading = false;

  private constructor(child: Deno.ChildProcess, nsenterPath: string) {
    this.#child = child;
    this.nsenterPath = nsenterPath;
    this.namespace = `/proc/${child.pid}/ns/mnt`;
    this.#requests = child.stdin.getWriter();
    this.#stdout = child.stdout.getReader();
    this.#answers = lines(this.#stdout);
  }

  /**
   * Starts the holder and waits until it is in its own namespace. `label` (a path in the state
   * dir) only names it in `ps`.
   */
  static async start(label: string, options: MountHolderOptions = {}): Promise<MountHolder> {
    const {
      setprivPath = "/usr/bin/setpriv",
      unsharePath = "/usr/bin/unshare",
      nsenterPath = "/usr/bin/nsenter",
    } = options;
    const syscalls = holderSyscalls();
    const program = options.program ??
      (syscalls && await Deno.stat(PERL).then(() => true, () => false) ? "perl" : "bash");
    if (program === "perl" && !syscalls) {
      throw new Error(`the perl mount holder does not know ${Deno.build.arch}`);
    }
    const loop = program === "perl"
      ? [PERL, "-e", PERL_HOLDER_SCRIPT, "--", label, ...syscalls!.map(String)]
      : ["/bin/bash", "-c", HOLDER_SCRIPT, "plugd-mounts", label];
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
        ...loop,
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

  /** `argv` prefixed so that it runs inside the base namespace (or `namespace`). */
  enter(argv: string[], namespace = this.namespace): string[] {
    return [this.nsenterPath, `--mount=${namespace}`, "--", ...argv];
  }

  /**
   * Mounts the ext4 `image` at `target` (with `options`, e.g. `nosuid,nodev`) in a namespace of
   * its own, through a loop device of its own that goes with the mount (`loop`: through
   * `mount -o loop`, which reuses a device already bound to the image).
   */
  async mount(image: string, target: string, options: string, loop = false): Promise<HeldMount> {
    const answer = await this.#ask(loop ? "loop-mount" : "bind-mount", image, target, options);
    const m = /^ok (\d+) (\d+)$/.exec(answer);
    if (!m) throw new Error(`mounting ${image} failed: ${answer.replace(/^error /, "")}`);
    const fd = (n: string) => `/proc/${this.#child.pid}/fd/${n}`;
    return { namespace: fd(m[1]!), root: fd(m[2]!), fds: [Number(m[1]), Number(m[2])] };
  }

  /** Lets a mount go: its namespace ends once no process is left in it. */
  async release(mount: HeldMount): Promise<void> {
    await this.#ask("close", mount.fds.join(" "), "", "");
  }

  /** Runs `argv` inside the base namespace; throws with its output when it fails. */
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

  async #ask(op: string, ...fields: string[]): Promise<string> {
    for (const field of fields) {
      if (/[\n\r]/.test(field)) throw new Error(`a line break in ${JSON.stringify(field)}`);
    }
    const answer = new Promise<string | null>((r) => this.#waiting.push(r));
    void this.#readAnswers();
    await this.#requests.write(new TextEncoder().encode(`${[op, ...fields, ""].join("\n")}\n`))
      .catch(() => {});
    const line = await answer;
    if (line === null) throw new Error("the mount namespace's holder has exited");
    return line;
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
    // Not waiting for the end of its output: a process the holder forked may still hold it.
    await this.#stdout.cancel().catch(() => {});
    for (const r of this.#waiting.splice(0)) r(null);
  }
}
