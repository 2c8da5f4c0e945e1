/**
 * glibc malloc settings for plugin processes (`GLIBC_TUNABLES` in their cleared environment).
 *
 * An idle plugin's private memory is mostly V8's heap and glibc's malloc. After a busy spell
 * malloc keeps what it grew to: one arena per thread that allocated (a plugin's Deno has four
 * threads), each holding freed memory it never returns, and a trim threshold that glibc raises
 * to twice the largest block it ever gave back (a 2 MiB block freed, and 4 MiB of free memory at
 * the top of the heap stay mapped). One arena for every thread, and a fixed 128 KiB threshold
 * (which also keeps blocks over 128 KiB in their own mappings, returned when freed), took an
 * idle bench plugin after 100,000 calls from 13.0-13.2 to 11.4-11.8 MiB private in interleaved
 * runs, with the same CPU per call and per start (docs/performance.md). Not for system addons:
 * their bash runs host software, which keeps glibc's defaults.
 * @module
 */

/** The value of `GLIBC_TUNABLES` a plugin process starts with. */
export const PLUGIN_MALLOC_TUNABLES = "glibc.malloc.arena_max=1:glibc.malloc.trim_threshold=131072";
