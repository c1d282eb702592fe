/**
 * The local cache that makes switching chats instant: the conversation list and each chat's recent
 * messages, in memory for this tab and in IndexedDB across reloads. The server stays the truth: a
 * cached chat is shown at once and replaced by the room's snapshot a moment later.
 *
 * Everything read back from IndexedDB is parsed with the shared schemas (another version of the
 * app may have written it). Without IndexedDB (private mode, old browsers) only memory is used.
 */
import type { ChatMessage } from "#protocol/messages";
import type { ConversationSummary } from "#protocol/http";
import type { ListedModel } from "./api/chat.ts";
import {
  cachedChatSchema,
  cachedConversationsSchema,
  cachedModelsSchema,
  chatMessageSchema,
  loadedSchemas,
  loadSchemas,
  type Parser,
} from "./lazy-schemas.ts";

const DB_NAME = "parley";
const STORE = "kv";
/** Only the tail of a long chat is kept: the room's snapshot brings the latest 50 anyway. */
export const MAX_CACHED_MESSAGES = 200;

export type CachedChat = ReturnType<typeof cachedChatSchema.parse>;

const memory = new Map<string, unknown>();
let database: Promise<IDBDatabase | null> | null = null;

function open(): Promise<IDBDatabase | null> {
  database ??= new Promise((resolve) => {
    if (typeof indexedDB === "undefined") return resolve(null);
    try {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
      request.onblocked = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
  return database;
}

async function idbGet(key: string): Promise<unknown> {
  const db = await open();
  if (!db) return undefined;
  return new Promise((resolve) => {
    try {
      const request = db.transaction(STORE, "readonly").objectStore(STORE).get(key);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(undefined);
    } catch {
      resolve(undefined);
    }
  });
}

async function idbWrite(key: string, value: unknown | undefined): Promise<void> {
  const db = await open();
  if (!db) return;
  await new Promise<void>((resolve) => {
    try {
      const tx = db.transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      if (value === undefined) store.delete(key);
      else store.put(value, key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => resolve();
      tx.onabort = () => resolve();
    } catch {
      resolve();
    }
  });
}

/** The schemas are a chunk of their own (lazy-schemas.ts); without them nothing cached is read. */
async function schemasArrived(): Promise<boolean> {
  try {
    await loadSchemas();
    return true;
  } catch {
    return false;
  }
}

async function read<T>(key: string, schema: Parser<T>): Promise<T | undefined> {
  const [value, ready] = await Promise.all([
    memory.has(key) ? memory.get(key) : idbGet(key),
    schemasArrived(),
  ]);
  if (!ready) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) return undefined;
  memory.set(key, parsed.data);
  return parsed.data;
}

/** Memory holds only what came parsed (an answer, a frame, a read): the schemas are in by then. */
function peek<T>(key: string, schema: Parser<T>): T | undefined {
  if (!loadedSchemas() || !memory.has(key)) return undefined;
  const parsed = schema.safeParse(memory.get(key));
  return parsed.success ? parsed.data : undefined;
}

function write(key: string, value: unknown): Promise<void> {
  memory.set(key, value);
  return idbWrite(key, value);
}

const chatKey = (id: string) => `chat:${id}`;

/** A chat seen before in this tab, synchronously (for a render without any loading state). */
export function peekChat(id: string): CachedChat | undefined {
  return peek(chatKey(id), cachedChatSchema);
}

export function loadChat(id: string): Promise<CachedChat | undefined> {
  return read(chatKey(id), cachedChatSchema);
}

/** Keeps the finished part of a chat (what is still streaming is resumed from the room). */
export async function saveChat(id: string, title: string | null, messages: readonly ChatMessage[]) {
  // Loaded before anything could be saved (the messages came parsed); awaited only in theory.
  if (!loadedSchemas()) await loadSchemas();
  const kept = messages.slice(-MAX_CACHED_MESSAGES).map((m) => chatMessageSchema.parse(m));
  return write(chatKey(id), { conversationId: id, title, messages: kept });
}

export function forgetChat(id: string): Promise<void> {
  memory.delete(chatKey(id));
  return idbWrite(chatKey(id), undefined);
}

export function peekConversations(): ConversationSummary[] | undefined {
  return peek("conversations", cachedConversationsSchema);
}

export function loadConversations(): Promise<ConversationSummary[] | undefined> {
  return read("conversations", cachedConversationsSchema);
}

export function saveConversations(list: readonly ConversationSummary[]): Promise<void> {
  return write("conversations", list);
}

export function loadModels(): Promise<ListedModel[] | undefined> {
  return read("models", cachedModelsSchema);
}

export function saveModels(list: readonly ListedModel[]): Promise<void> {
  return write("models", list);
}

/** Forget the in-memory copies (tests). */
export function clearMemoryCache(): void {
  memory.clear();
}

/**
 * Forget everything cached for the previous identity (its chat list, its chats, its models), in
 * memory and in IndexedDB: after a sign-out or a switch of account, one person's chats must never
 * show to the next.
 */
export async function clearIdentityCache(): Promise<void> {
  memory.clear();
  const db = await open();
  if (!db) return;
  await new Promise<void>((resolve) => {
    try {
      const tx = db.transaction(STORE, "readwrite");
      tx.objectStore(STORE).clear();
      tx.oncomplete = () => resolve();
      tx.onerror = () => resolve();
      tx.onabort = () => resolve();
    } catch {
      resolve();
    }
  });
}
