/**
 * When the store's writer thread runs and when the log is checkpointed (docs/architecture.md,
 * "Memory (issue 23, sixth round)"): the thread of a database file starts for a checkpoint or a
 * big commit and ends once idle, so a daemon that writes little does not keep a second V8
 * isolate.
 * @module
 */

/**
 * How long the writer thread of a database file may idle before it ends (its V8 isolate, heap
 * and libSQL connection are 8-17 MiB of the daemon's RSS); the next checkpoint or big commit
 * starts a new one (~20-40 ms of CPU). See docs/architecture.md, "Memory (issue 23, sixth round)".
 */
export const WRITER_THREAD_IDLE_MS = 10_000;

/**
 * With `synchronous: "full"`, how long after a commit its log is checkpointed into the database
 * file: every commit is already durable in the log, so a checkpoint only bounds the log's size
 * (and the writer thread need not run for a few commits). With `normal`, checkpoints are what
 * makes commits durable against a power loss, and run within a second.
 */
export const FULL_CHECKPOINT_MS = 30_000;

/** Commits after which a checkpoint runs within a second whatever the mode (bounds the log). */
export const CHECKPOINT_AFTER_COMMITS = 100;
