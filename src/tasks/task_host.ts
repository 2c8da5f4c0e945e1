/** What tasks need from the plugin lifecycle. */
import type { CallOptions, PluginRecord } from "../plugins/mod.ts";
import type { CallKind } from "../runtime/mod.ts";

/** What tasks need from the plugin lifecycle (a subset of `PluginService`). */
export interface TaskHost {
  enabled(): Promise<PluginRecord[]>;
  invoke(
    id: string,
    kind: CallKind,
    name: string,
    payload: unknown,
    options?: CallOptions,
  ): Promise<unknown>;
  watchState?(listener: (id: string, state: string) => void): void;
  /** Calls `listener` right after a change of a plugin's record (enabled or not) is committed. */
  watchRecords?(listener: (id: string) => void): void;
}
