/** Search, exports and the Undo of a delete over HTTP (docs/api.md); answers parsed with the shared schemas. */
import type { ConversationSummary } from "#protocol/http";
import type { SearchResult } from "#protocol/library";
import { MAX_SEARCH_CHARS } from "#protocol/limits";
import { request } from "./client.ts";
import { conversationAnswerSchema, searchResultsSchema } from "../lazy-schemas.ts";

/** Titles and message text of the caller's chats matching `query` (titles first, at most 20). */
export async function searchHistory(query: string, signal?: AbortSignal): Promise<SearchResult[]> {
  const q = query.trim().slice(0, MAX_SEARCH_CHARS);
  if (q === "") return [];
  const init: RequestInit = signal ? { signal } : {};
  return (await request(`/api/v1/search?q=${encodeURIComponent(q)}`, searchResultsSchema, init)).results;
}

/** Brings back a chat deleted less than a minute ago. */
export async function restoreConversation(id: string): Promise<ConversationSummary> {
  const path = `/api/v1/conversations/${encodeURIComponent(id)}/restore`;
  return (await request(path, conversationAnswerSchema, { method: "POST" })).conversation;
}

/** A download link for one chat (the visible branch as Markdown, or everything as JSON). */
export function exportUrl(id: string, format: "markdown" | "json"): string {
  return `/api/v1/conversations/${encodeURIComponent(id)}/export?format=${format}`;
}

/** A download link for everything Parley keeps about the caller. */
export const ACCOUNT_EXPORT_URL = "/api/v1/account/export";
