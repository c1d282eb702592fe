/**
 * The protocol's schemas for the app's first screen, without zod in the first load: the schemas
 * live in protocol-schemas.ts, a chunk fetched as the app starts (the first request, socket or
 * cache read asks for it). What the first screen's modules import from here are stand-ins with
 * `parse` and `safeParse`: they parse once the chunk is in, and whoever parses waits for
 * `loadSchemas()` first (request() does, and the sockets open only after it).
 */
import type { z } from "zod";
import type * as ProtocolSchemas from "./protocol-schemas.ts";

type Schemas = typeof ProtocolSchemas;

let loaded: Schemas | undefined;
let loading: Promise<Schemas> | undefined;

export function loadSchemas(): Promise<Schemas> {
  loading ??= import("./protocol-schemas.ts").then(
    (module) => (loaded = module),
    (error: unknown) => {
      // A failed fetch (offline, a deploy replaced the chunk) may be tried again by the next caller.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The schemas if they have arrived (a synchronous read, such as the in-memory cache, needs them now). */
export function loadedSchemas(): Schemas | undefined {
  return loaded;
}

/** What a caller needs of a schema: zod's schemas have this shape, and so do the stand-ins. */
export interface Parser<T> {
  parse(value: unknown): T;
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

type SchemaName = {
  [K in keyof Schemas]: Schemas[K] extends z.ZodType ? K : never;
}[keyof Schemas];

function required(name: string): Schemas {
  if (!loaded) throw new Error(`parley: ${name} was used before loadSchemas() settled`);
  return loaded;
}

function schema<K extends SchemaName>(name: K): Parser<z.output<Schemas[K]>> {
  const now = () => required(name)[name] as unknown as Parser<z.output<Schemas[K]>>;
  return { parse: (value) => now().parse(value), safeParse: (value) => now().safeParse(value) };
}

/** The room's and the hub's frame parsers: their sockets open only once the schemas are in. */
export const parseServerFrame: Schemas["parseServerFrame"] = (raw) =>
  required("parseServerFrame").parseServerFrame(raw);
export const parseHubFrame: Schemas["parseHubFrame"] = (raw) => required("parseHubFrame").parseHubFrame(raw);

export const apiErrorSchema = schema("apiErrorSchema");
export const conversationAnswerSchema = schema("conversationAnswerSchema");
export const conversationDetailSchema = schema("conversationDetailSchema");
export const conversationListSchema = schema("conversationListSchema");
export const modelListSchema = schema("modelListSchema");
export const userAnswerSchema = schema("userAnswerSchema");
export const attachmentInfoSchema = schema("attachmentInfoSchema");
export const chatMessageSchema = schema("chatMessageSchema");
export const searchResultsSchema = schema("searchResultsSchema");
export const shareAnswerSchema = schema("shareAnswerSchema");
export const shareInfoSchema = schema("shareInfoSchema");
export const shareStateSchema = schema("shareStateSchema");
export const noContentSchema = schema("noContentSchema");
export const cachedChatSchema = schema("cachedChatSchema");
export const cachedConversationsSchema = schema("cachedConversationsSchema");
export const cachedModelsSchema = schema("cachedModelsSchema");
