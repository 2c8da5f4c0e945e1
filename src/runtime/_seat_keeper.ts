/**
 * Keeps a few {@linkcode CgroupSeat}s ready for the runner. It learns where cgroups go from the
 * first plan that has them. A lone start's seat is replaced while that plugin starts (so the
 * refill's cgroup joins are over before the next start renames folders); otherwise it refills once
 * no start is in flight, so a burst of starts never competes with refills. Their command files go
 * in a folder of its own inside the daemon's launch folder (`_seat_folder.ts`); at construction it
 * sweeps the folders a killed daemon left there.
 */
import { CgroupSeat } from "./_cgroup_seat.ts";
import { makeSeatFolder, sweepSeatFolders } from "./_seat_folder.ts";
import { LAUNCHER_SHELL } from "./launcher.ts";

/** The seats waiting for a start. Dispose to end them. */
export class SeatKeeper {
  #size: number;
  #parent: string;
  #swept: Promise<unknown>;
  #parents: string[] | null = null;
  #dir: string | null = null;
  #ready: CgroupSeat[] = [];
  #filling: Promise<void> | null = null;
  #inFlight = 0;
  #closed = false;
  #failures = 0;
  #seq = 0;

  /**
   * `size` seats at most wait at once; their command files go under `parent` (a folder only the
   * daemon can write: the state dir's launch folder).
   */
  constructor(size: number, parent: string) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`seats must be a positive integer, got ${size}`);
    }
    if (typeof parent !== "string" || !parent.startsWith("/")) {
      throw new TypeError(`the seats' folder must be an absolute path, got ${parent}`);
    }
    this.#size = size;
    this.#parent = parent;
    this.#swept = sweepSeatFolders(parent);
  }

  /**
   * A ready seat whose cgroups sit under `parents` (in that order), or undefined; learns the
   * parents from the first call. The caller reports the start's end with {@linkcode settled}.
   */
  take(parents: string[]): CgroupSeat | undefined {
    this.#inFlight++;
    if (this.#closed) return undefined;
    this.#parents ??= parents;
    const same = this.#parents.length === parents.length &&
      this.#parents.every((p, i) => p === parents[i]);
    if (!same) return undefined;
    let seat = this.#ready.shift();
    while (seat?.ended) {
      seat.discard().catch(() => {});
      seat = this.#ready.shift();
    }
    return seat;
  }

  /**
   * The seat {@linkcode take} gave is now the plugin's (renamed): when it is the only start in
   * flight, its replacement is made at once, while the plugin starts (its cgroup joins wait
   * for a grace period holding the kernel's cgroup mutex, which the next start's rename needs).
   * Parallel starts still wait for {@linkcode settled}.
   */
  taken(): void {
    if (this.#inFlight === 1) this.#fill();
  }

  /** A start that called {@linkcode take} is ready or over: refill once none is in flight. */
  settled(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (this.#inFlight === 0) this.#fill();
  }

  /** How many seats wait now (one killed from outside no longer counts). */
  get ready(): number {
    return this.#ready.filter((s) => !s.ended).length;
  }

  /** Stops using seats (e.g. cgroups that cannot be renamed, as on v2). */
  disable(): void {
    this.#closed = true;
  }

  #fill(): void {
    if (this.#filling || this.#closed || !this.#parents) return;
    if (this.#ready.length >= this.#size || this.#failures >= 3) return;
    this.#filling = this.#openOne().finally(() => {
      this.#filling = null;
      if (this.#inFlight === 0) this.#fill();
    });
  }

  async #openOne(): Promise<void> {
    const n = this.#seq++;
    try {
      // A private folder (0700) for command files: a seat sources what it finds there.
      if (this.#dir === null) {
        await this.#swept;
        this.#dir = await makeSeatFolder(this.#parent);
      }
      const seat = await CgroupSeat.open({
        parents: this.#parents!,
        name: `.seat-${Deno.pid}-${n}`,
        commandFile: `${this.#dir}/${n}.sh`,
        shell: LAUNCHER_SHELL,
      });
      if (this.#closed) await seat.discard();
      else this.#ready.push(seat);
      this.#failures = 0;
    } catch {
      this.#failures++; // e.g. a full pids/memory hierarchy; starts go the cold way meanwhile
    }
  }

  /** Ends every waiting seat and removes the command folder. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    await this.#swept;
    await this.#filling;
    const seats = this.#ready.splice(0);
    await Promise.allSettled(seats.map((s) => s.discard()));
    if (this.#dir) await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
  }
}
