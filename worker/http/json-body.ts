import type { z } from "zod";
import { AppError } from "../errors";

/** Request bodies larger than this are refused before parsing. */
export const MAX_BODY_BYTES = 1_000_000;

/**
 * Reads and validates a JSON body: 413 when too large, 400 `invalid_json` when unparsable,
 * 400 `invalid_request` naming the first offending field when it does not fit `schema`.
 */
export async function readJsonBody<T extends z.ZodType>(
  request: Request,
  schema: T,
  options: { allowEmpty: true },
): Promise<z.infer<T> | undefined>;
export async function readJsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>>;
export async function readJsonBody<T extends z.ZodType>(
  request: Request,
  schema: T,
  options: { allowEmpty?: boolean } = {},
): Promise<z.infer<T> | undefined> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw tooLarge();
  if (text.trim() === "") {
    if (options.allowEmpty) return undefined;
    throw new AppError(400, "invalid_json", "The request body must be JSON.");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError(400, "invalid_json", "The request body is not valid JSON.");
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new AppError(400, "invalid_request", `${where}${issue?.message ?? "invalid request"}`);
  }
  return result.data;
}

function tooLarge() {
  return new AppError(413, "payload_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
}
