/** Errors of the runtime area: conditions callers of `PluginProcess` and `Supervisor` catch. */

/** An invocation did not answer within its timeout; the plugin process was killed. */
export class PluginTimeoutError extends Error {
  override name = "PluginTimeoutError";
  /** The plugin that timed out. */
  readonly pluginId: string;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  constructor(pluginId: string, what: string, timeoutMs: number, options?: ErrorOptions) {
    super(
      `Plugin "${pluginId}" did not answer ${what} within ${timeoutMs} ms; the process was killed ` +
        `and will be restarted. Raise limits.timeout_ms in plugin.yaml if the work is legitimately slow`,
      options,
    );
    this.pluginId = pluginId;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A call waited longer than its `waitMs` for its plugin before it could be sent (a start or a stop
 * under way, a free slot among `limits.concurrency`); the plugin never saw it.
 */
export class PluginWaitTimeoutError extends Error {
  override name = "PluginWaitTimeoutError";
  /** The plugin the call waited for. */
  readonly pluginId: string;
  constructor(pluginId: string, what: string, waitMs: number, options?: ErrorOptions) {
    super(
      `Plugin "${pluginId}" could not take the call within ${waitMs} ms (it waited for ${what}); ` +
        `the call was not sent`,
      options,
    );
    this.pluginId = pluginId;
  }
}

/** The plugin process exited (crash, kill, stop) while a call was pending or before it was ready. */
export class PluginExitedError extends Error {
  override name = "PluginExitedError";
  /** The plugin whose process exited. */
  readonly pluginId: string;
  constructor(pluginId: string, detail: string, options?: ErrorOptions) {
    super(`Plugin "${pluginId}" process exited: ${detail}`, options);
    this.pluginId = pluginId;
  }
}

/** The plugin's handler threw; `pluginErrorName`/`message` are the plugin's own. */
export class PluginCallError extends Error {
  override name = "PluginCallError";
  /** The plugin whose handler failed. */
  readonly pluginId: string;
  /** The `name` of the error the plugin threw, e.g. `TypeError`. */
  readonly pluginErrorName: string;
  constructor(pluginId: string, pluginErrorName: string, message: string) {
    super(`Plugin "${pluginId}" failed: ${pluginErrorName}: ${message}`);
    this.pluginId = pluginId;
    this.pluginErrorName = pluginErrorName;
  }
}

/** The plugin could not be started: handshake refused, bad handlers, sandbox missing, integrity. */
export class PluginStartError extends Error {
  override name = "PluginStartError";
  /** The plugin that failed to start. */
  readonly pluginId: string;
  /** Short machine-readable reason: `protocol`, `handlers`, `ready_timeout`, `integrity`, ... */
  readonly reason: string;
  constructor(pluginId: string, reason: string, message: string, options?: ErrorOptions) {
    super(`Cannot start plugin "${pluginId}": ${message}`, options);
    this.pluginId = pluginId;
    this.reason = reason;
  }
}

/** The plugin is not available for calls: unknown, failed, disabled, or its queue is full. */
export class PluginUnavailableError extends Error {
  override name = "PluginUnavailableError";
  /** The plugin that cannot take the call. */
  readonly pluginId: string;
  constructor(pluginId: string, message: string, options?: ErrorOptions) {
    super(`Plugin "${pluginId}" is unavailable: ${message}`, options);
    this.pluginId = pluginId;
  }
}

/** Preparing a plugin (bootstrap, module graph check, cache) failed. */
export class PluginPrepareError extends Error {
  override name = "PluginPrepareError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** No usable OS sandbox and the operator did not opt into flags-only mode. */
export class SandboxUnavailableError extends Error {
  override name = "SandboxUnavailableError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
