/** The daemon: state dir and its lock, store, API listeners, services, reload, graceful stop. */
export { Daemon, type DaemonLog, type DaemonService, type ServiceFactory } from "./daemon.ts";
export { type ConfigChange, configChanges } from "./reload_config.ts";
export { runDaemon, type RunDaemonOptions } from "./run_daemon.ts";
export { type NotifyResult, notifySystemd } from "./sd_notify.ts";
export { ensureStateDir, type StateLayout, stateLayout } from "./state_dir.ts";
export { daemonServices } from "./services.ts";
export { LOCK_FILE, lockStateDir, StateDirLockedError, type StateLock } from "./state_lock.ts";
export { ListenError } from "./tcp_listener.ts";
export { claimSocketPath, listenUnixSocket, SocketInUseError } from "./unix_socket.ts";
export {
  DEFAULT_LISTENER_LIMITS,
  HttpListener,
  type HttpListenerOptions,
  type ListenerLimits,
  type ListenerStats,
} from "./http_listener.ts";
