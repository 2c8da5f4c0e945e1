/**
 * How a lane reads its backlog back from the database: the next page of its pending rows (by
 * rowid), skipping those already in memory, those whose outcome is queued but not yet written, and
 * those not yet due (a retry is then scheduled), as far as the lane's buffer has room.
 */
import type { Store } from "../store/mod.ts";
import { deliveryKey, type DeliveryLane } from "./delivery_lane.ts";
import type { DispatchLimits } from "./dispatch_policy.ts";
import { loadEnvelopes, pendingPage } from "./pending_deliveries.ts";
import type { ResultWriter } from "./result_writer.ts";

/** What a refill reads and changes of its dispatcher. */
export interface RefillContext {
  store: Store;
  writer: ResultWriter;
  limits: DispatchLimits;
  /** Bytes of events the dispatcher holds in memory now. */
  buffered(): number;
  /** Counts `bytes` more held in memory (a job the lane took). */
  addBuffered(bytes: number): void;
  /** Runs the lane again at `at` (ms since the epoch). */
  retryAt(at: number): void;
  log(message: string): void;
}

/** Pages the lane's pending rows into its buffer (see the module doc); never throws. */
export async function refillLane(lane: DeliveryLane, ctx: RefillContext): Promise<void> {
  lane.refilling = true;
  lane.deferredDuringRefill = false;
  try {
    const { pageRows, bufferJobs, bufferBytes, totalBufferBytes } = ctx.limits;
    const rows = await pendingPage(ctx.store, lane.pluginId, lane.cursor, pageRows);
    const now = Date.now();
    const room = Math.min(bufferBytes, totalBufferBytes - ctx.buffered());
    const take: { eventId: string; hook: string; attempts: number; bytes: number }[] = [];
    let bytes = 0;
    let handled = 0;
    for (const r of rows) {
      if (take.length >= bufferJobs || (take.length > 0 && bytes + r.bytes > room)) break;
      handled++;
      lane.cursor = r.rowid;
      const key = deliveryKey(r.eventId, lane.pluginId, r.hook);
      if (lane.keys.has(key)) continue; // in memory already
      const queued = ctx.writer.queued(key); // an outcome not yet written wins
      if (queued && queued.status !== "pending") continue;
      const due = queued?.nextAttemptAt ?? r.nextAttemptAt;
      if (due > now) {
        ctx.retryAt(due);
        continue;
      }
      take.push({ ...r, attempts: queued?.attempts ?? r.attempts });
      bytes += r.bytes;
    }
    const events = await loadEnvelopes(ctx.store, take.map((t) => t.eventId));
    for (const t of take) {
      const event = events.get(t.eventId);
      const job = event &&
        { event, pluginId: lane.pluginId, hook: t.hook, attempts: t.attempts, bytes: t.bytes };
      if (
        job &&
        lane.offer(
          job,
          { ...ctx.limits, bufferJobs: Infinity, bufferBytes: Infinity },
          Infinity,
        )
      ) {
        ctx.addBuffered(job.bytes);
      }
    }
    if (handled === rows.length && rows.length < pageRows && !lane.deferredDuringRefill) {
      lane.backlog = false;
    }
  } catch (error) {
    ctx.log(`cannot read pending deliveries of ${lane.pluginId}: ${(error as Error).message}`);
    ctx.retryAt(Date.now() + 1000);
  } finally {
    lane.refilling = false;
  }
}
