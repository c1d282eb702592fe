/**
 * A person's library: searching their history, exporting one conversation or everything they
 * have, and undoing a delete. Only the owner gets anything here; anyone else gets a 404.
 */
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import { z } from "zod";
import { findUser } from "../auth/accounts";
import { authorize } from "../auth/policy";
import { activePath } from "../db/branches";
import {
  listAllConversations,
  listAllMessages,
  listSavedKeys,
  restoreConversation,
  usageMonths,
} from "../db/export";
import { database, listMessages, toChatMessage, toSummary } from "../db/queries";
import type { Conversation, Message } from "../db/schema";
import { searchHistory } from "../db/search";
import { conversationUsage, userMonthUsage } from "../db/usage";
import { loadCatalogue } from "../providers/catalogue";
import { EXPORT_FORMATS, searchQuerySchema } from "#protocol/library";
import type { AppEnv } from "./app-env";
import { AppError, notFound } from "../errors";
import { notifyConversation } from "./hub-notify";

export const libraryRoutes = new Hono<AppEnv>();

libraryRoutes.get("/search", async (c) => {
  const q = searchQuerySchema.safeParse(c.req.query("q") ?? "");
  if (!q.success) throw new AppError(400, "invalid_request", `q: ${q.error.issues[0]?.message}`);
  const results = await searchHistory(c.env.DB, c.get("identity").userId, q.data);
  return c.json({ results });
});

export const exportFormatSchema = z.enum(EXPORT_FORMATS);

libraryRoutes.get("/conversations/:id/export", async (c) => {
  const format = exportFormatSchema.safeParse(c.req.query("format") ?? "markdown");
  if (!format.success) {
    throw new AppError(400, "invalid_request", 'format: must be "markdown" or "json".');
  }
  const db = database(c.env.DB);
  const { conversation } = await authorize(db, c.req.param("id"), c.get("identity").userId, "manage");
  const rows = (await listMessages(db, conversation.id)).filter((row) => row.deletedAt === null);
  const names = await modelNames(c.env);
  const filename = slugOf(conversation.title);
  if (format.data === "markdown") {
    const body = toMarkdown(conversation, activePath(rows, conversation.activeLeafId), names);
    return download(body, "text/markdown; charset=utf-8", `${filename}.md`);
  }
  const onPath = new Set(activePath(rows, conversation.activeLeafId).map((row) => row.id));
  const used = [...new Set(rows.map((row) => row.model).filter((id): id is string => id !== null))];
  const body = {
    format: "parley.conversation.v1",
    exportedAt: new Date().toISOString(),
    conversation: exportedConversation(conversation),
    models: used.map((id) => ({ id, name: names.get(id) ?? id })),
    messages: rows.map((row) => ({ ...toChatMessage(row), onActiveBranch: onPath.has(row.id) })),
    usage: await conversationUsage(db, conversation.id),
  };
  return download(JSON.stringify(body, null, 2), "application/json; charset=utf-8", `${filename}.json`);
});

libraryRoutes.get("/account/export", async (c) => {
  const identity = c.get("identity");
  const db = database(c.env.DB);
  const [user, conversations, messages, keys, months] = await Promise.all([
    findUser(db, identity.userId),
    listAllConversations(db, identity.userId),
    listAllMessages(db, identity.userId),
    listSavedKeys(db, identity.userId),
    usageMonths(db, identity.userId),
  ]);
  const byConversation = new Map<string, Message[]>();
  for (const row of messages) {
    if (row.deletedAt !== null) continue;
    const list = byConversation.get(row.conversationId) ?? [];
    list.push(row);
    byConversation.set(row.conversationId, list);
  }
  const usage = [];
  for (const month of months) {
    const [year, index] = month.split("-").map(Number);
    if (!year || !index) continue;
    const range = { start: Date.UTC(year, index - 1, 1), end: Date.UTC(year, index, 1) };
    usage.push({ month, ...(await userMonthUsage(db, identity.userId, range)) });
  }
  const body = {
    format: "parley.account.v1",
    exportedAt: new Date().toISOString(),
    profile: {
      id: identity.userId,
      kind: user?.kind ?? identity.kind,
      email: user?.email ?? null,
      displayName: user?.displayName ?? null,
      role: user?.role ?? "member",
      createdAt: user?.createdAt ?? null,
    },
    conversations: conversations.map((conversation) => ({
      ...exportedConversation(conversation),
      messages: (byConversation.get(conversation.id) ?? []).map(toChatMessage),
    })),
    providerKeys: keys,
    usage,
  };
  const day = new Date().toISOString().slice(0, 10);
  return download(
    JSON.stringify(body, null, 2),
    "application/json; charset=utf-8",
    `parley-export-${day}.json`,
  );
});

libraryRoutes.post("/conversations/:id/restore", async (c) => {
  const ownerId = c.get("identity").userId;
  const row = await restoreConversation(database(c.env.DB), c.req.param("id"), ownerId);
  if (!row) throw notFound();
  const room = await getServerByName(c.env.ConversationRoom, row.id);
  await room.conversationChanged();
  await notifyConversation(c.env, ownerId, toSummary(row));
  return c.json({ conversation: toSummary(row) });
});

function exportedConversation(conversation: Conversation) {
  return { ...toSummary(conversation), activeLeafId: conversation.activeLeafId };
}

/** Display names of every model in the catalogue, by id (exports name the model that answered). */
async function modelNames(env: Env): Promise<Map<string, string>> {
  const catalogue = await loadCatalogue(database(env.DB), env);
  return new Map(catalogue.map((model) => [model.id, model.name]));
}

/** A file name from a title: lower-case ASCII words joined by `-`, never empty. */
export function slugOf(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug || "conversation";
}

function download(body: string, contentType: string, filename: string): Response {
  return new Response(body, {
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
}

/**
 * The visible branch as a Markdown document: the title, then one section per message, an
 * answer's reasoning folded away in a <details> block.
 */
export function toMarkdown(
  conversation: Conversation,
  path: readonly Message[],
  names: ReadonlyMap<string, string>,
): string {
  const title = conversation.title.replace(/\s+/g, " ").trim() || "Untitled conversation";
  const blocks = [`# ${title}`];
  if (conversation.systemPrompt.trim() !== "") {
    blocks.push(
      `<details>\n<summary>System prompt</summary>\n\n${conversation.systemPrompt.trim()}\n\n</details>`,
    );
  }
  for (const message of path) {
    if (message.deletedAt !== null || message.role === "system") continue;
    if (message.role === "user") {
      blocks.push(`## You\n\n${message.content}`);
      continue;
    }
    const heading = `## ${message.model ? (names.get(message.model) ?? message.model) : "Assistant"}`;
    const parts = [heading];
    if (message.reasoning.trim() !== "") {
      parts.push(`<details>\n<summary>Reasoning</summary>\n\n${message.reasoning.trim()}\n\n</details>`);
    }
    if (message.content !== "") parts.push(message.content);
    const note = statusNote(message);
    if (note) parts.push(`_${note}_`);
    blocks.push(parts.join("\n\n"));
  }
  return `${blocks.join("\n\n")}\n`;
}

function statusNote(message: Message): string | null {
  switch (message.status) {
    case "stopped":
      return "(stopped)";
    case "interrupted":
      return "(interrupted)";
    case "streaming":
      return "(still being written when exported)";
    case "error":
      return `(failed: ${message.errorMessage ?? "error"})`;
    default:
      return null;
  }
}
