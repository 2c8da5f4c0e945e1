import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  507: "Insufficient Storage",
};

/**
 * An error that maps onto one HTTP status; `detail` says what to do. Thrown by handlers and
 * areas alike, turned into `application/problem+json` in one place (`app.onError`).
 */
export class HttpError extends Error {
  override name = "HttpError";
  readonly status: ContentfulStatusCode;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    detail: string,
    options: {
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(detail, { cause: options.cause });
    this.status = status;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }

  /** The problem document of this error. */
  toProblem(): Problem {
    return problem(this.status, this.message, this.extra);
  }
}

/** Builds a problem document; `type` is a stable URN per status. */
export function problem(
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
): Problem {
  const title = TITLES[status] ?? "Error";
  return {
    type: `urn:plugd:problem:${title.toLowerCase().replaceAll(" ", "-")}`,
    title,
    status,
    detail,
    ...extra,
  };
}

/** A `Response` carrying a problem document. */
export function problemResponse(
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(problem(status, detail, extra)), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}
