import { HttpError } from "./problem.ts";

/** Reads a JSON object body, answering 400/415 with a clear detail otherwise. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (type && !/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new HttpError(415, `Send a JSON body with Content-Type: application/json (got ${type})`);
  }
  const text = await request.text();
  if (text.trim() === "") throw new HttpError(400, "The request body is empty; send a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, "The request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}
