/**
 * Types of `@plugd/sdk/ui` (the implementation, `ui.js`, is plain JavaScript so that plugd can
 * serve it to browsers as it is).
 *
 * @module
 */

/** What the console tells the frame. */
export interface UiContext {
  /** The console's colour scheme. */
  theme: "light" | "dark";
  /** The frame's width in CSS pixels. */
  width: number;
  /** The frame's height in CSS pixels. */
  height: number;
  /** The plugin's id. */
  plugin: string;
  /**
   * Whether the signed-in session may call routes other than GET/HEAD (an operator's or an
   * admin's). A reader's calls of those are refused, so a frame should not offer them.
   */
  canWrite: boolean;
}

/** Options of {@linkcode UiBridge.request}. */
export interface UiRequestInit {
  /** Query parameters. */
  query?: Record<string, string> | string;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** The request's `Content-Type`. @default "application/json" for non-string bodies */
  contentType?: string;
}

/** The answer of a route, as far as the console passes it on. */
export interface UiResponse {
  /** The HTTP status the route answered. */
  status: number;
  /** Whether the status is 2xx. */
  ok: boolean;
  /** Its `Content-Type`. */
  contentType: string;
  /** The body as text. */
  text(): Promise<string>;
  /** The body parsed as JSON. */
  json<T = unknown>(): Promise<T>;
}

/** The frame's bridge to the console page. */
export interface UiBridge {
  /**
   * Calls one of this plugin's declared routes (`"GET /status"` → `request("GET", "/status")`)
   * with the operator's session: reader sessions may call GET routes only. Anything else is
   * refused by the console and counted. A query may be written in `path`
   * (`"/runs?branch=main"`) or given as `init.query`; only the path is matched against the routes.
   */
  request(method: string, path: string, init?: UiRequestInit): Promise<UiResponse>;
  /** The latest context, or null before the first. */
  readonly context: UiContext | null;
  /** Calls `listener` with every context; returns the unsubscribe function. */
  onContext(listener: (context: UiContext) => void): () => void;
  /** Asks for `height` pixels (default: the document's height), e.g. after rendering a widget. */
  resize(height?: number): void;
}

/** The frame's bridge (one per frame). */
export function connect(): UiBridge;
