/**
 * What OpenAI's two dialects (Chat Completions, Responses) read the same way: inline images,
 * reasoning effort, and a schema failure turned into one 400 that names the field at fault in
 * OpenAI's notation (`messages[1].content[0].text`, `input[2].call_id`).
 */
import type { z } from "zod";
import { IMAGE_TYPES } from "../attachments";
import type { ReasoningEffort } from "../providers/types";
import type { ApiImage, ApiMessage } from "./contract";
import { invalidRequest } from "./errors";

const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/s;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** An inline image: `data:image/png;base64,…`. Parley fetches no URL on a client's behalf. */
export function imageOf(url: string, param: string): ApiImage {
  const match = DATA_URL.exec(url);
  if (!match) {
    throw invalidRequest(
      `Only inline images are accepted: send the image as a data URL ("data:image/png;base64,…"), not a link${/^https?:/i.test(url) ? "" : " or any other URL"}.`,
      param,
      "invalid_image_url",
    );
  }
  const mimeType = (match[1] ?? "").toLowerCase();
  const data = (match[3] ?? "").replace(/\s/g, "");
  if (!(IMAGE_TYPES as readonly string[]).includes(mimeType)) {
    throw invalidRequest(
      `Images must be PNG, JPEG, WebP or GIF; this one is "${mimeType}".`,
      param,
      "invalid_image_format",
    );
  }
  if (!(match[2] ?? "").split(";").includes("base64") || !BASE64.test(data)) {
    throw invalidRequest(
      'The image\'s data URL must hold base64 bytes (";base64,").',
      param,
      "invalid_image_url",
    );
  }
  return { mimeType, data };
}

/** The efforts OpenAI's APIs name, from none to xhigh. */
export type OpenAIEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh";

export function effortOf(effort: OpenAIEffort | null | undefined): ReasoningEffort | undefined {
  switch (effort) {
    case "minimal":
    case "low":
      return "low";
    case "medium":
      return "medium";
    case "high":
    case "xhigh":
      return "high";
    // "none" asks for no reasoning, which Parley cannot promise: the model's default applies.
    default:
      return undefined;
  }
}

/**
 * A schema failure as one 400: the deepest field at fault, e.g. `messages[1].content[0].text`.
 * `prefix` is where the value that was checked sits in the request (an input item's path).
 */
export function refusalOf(error: z.ZodError, prefix: PropertyKey[] = []) {
  const issue = error.issues[0];
  if (!issue) return invalidRequest("The request is not valid.");
  const found = deepest(issue);
  const path = [...prefix, ...found.path];
  const { message } = found;
  if (path.length === 0) return invalidRequest(message);
  const param = paramOf(path);
  if (/received undefined$/.test(message)) {
    return invalidRequest(`Missing required parameter: '${param}'.`, param);
  }
  return invalidRequest(
    `Invalid '${param}': ${message.replace(/^Invalid input: /, "")}.`.replace(/\.\.$/, "."),
    param,
  );
}

type Issue = z.core.$ZodIssue;

/**
 * A union's own issue says only "invalid input"; the branch that got furthest says what is
 * wrong (a parts array with a bad part beats "expected a string").
 */
function deepest(issue: Issue): { path: PropertyKey[]; message: string } {
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const best = issue.errors
      .flatMap((branch) => (branch[0] ? [deepest(branch[0])] : []))
      .reduce<{ path: PropertyKey[]; message: string } | undefined>(
        (found, next) => (!found || next.path.length > found.path.length ? next : found),
        undefined,
      );
    if (best && best.path.length > 0) return { path: [...issue.path, ...best.path], message: best.message };
  }
  return { path: issue.path, message: issue.message };
}

function paramOf(path: PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}

/**
 * Refuses a conversation that does not end with something to answer: a user message with text or
 * images, or tool results. `field` is the request's list (`messages`, `input`) and `count` its
 * length, for the `param` of the refusal.
 */
export function checkLastMessage(
  messages: readonly ApiMessage[],
  field: string,
  count: number,
  ending: string,
) {
  const last = messages.at(-1);
  if (!last || last.role === "assistant") {
    throw invalidRequest(`${ending} (besides system and developer messages).`, field);
  }
  if (last.role === "user" && last.content.trim() === "" && !last.images) {
    throw invalidRequest("The last user message is empty.", `${field}[${count - 1}].content`);
  }
}
