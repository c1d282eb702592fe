/**
 * A person's library: searching their history, and exporting one conversation or everything they
 * have. Only the owner gets anything here; anyone else gets a 404.
 */
import { findUser } from "../../../auth/accounts";
import { authorize } from "../../../auth/policy";
import { activePath } from "../../../db/branches";
import { listAllConversations, listAllMessages, listSavedKeys, usageMonths } from "../../../db/export";
import { database, listMessages, toChatMessage, toSummary } from "../../../db/queries";
import type { Conversation, Message } from "../../../db/schema";
import { searchHistory } from "../../../db/search";
import { conversationUsage, userMonthUsage } from "../../../db/usage";
import { loadCatalogue } from "../../../providers/catalogue";
import type { AccountExport, ConversationExport } from "#protocol/library";
import { createRouter } from "../../router";
import { slugOf, toMarkdown } from "./markdown";
import { exportAccountRoute, exportConversationRoute, searchRoute } from "./routes";

function exportedConversation(conversation: Conversation) {
  return { ...toSummary(conversation), activeLeafId: conversation.activeLeafId };
}

/** Display names of every model in the catalogue, by id (exports name the model that answered). */
async function modelNames(env: Env): Promise<Map<string, string>> {
  const catalogue = await loadCatalogue(database(env.DB), env);
  return new Map(catalogue.map((model) => [model.id, model.name]));
}

function download(body: string, contentType: string, filename: string): Response {
  return new Response(body, {
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="${filename}"`,
    },
  });
}

/** An export for people to open: indented JSON. */
const jsonFile = (body: unknown, filename: string) =>
  download(JSON.stringify(body, null, 2), "application/json; charset=utf-8", filename);

export const libraryRoutes = createRouter()
  .openapi(searchRoute, async (c) => {
    const { q } = c.req.valid("query");
    return c.json({ results: await searchHistory(c.env.DB, c.get("identity").userId, q) }, 200);
  })
  .openapi(exportConversationRoute, async (c) => {
    const { format } = c.req.valid("query");
    const db = database(c.env.DB);
    const { id } = c.req.valid("param");
    const { conversation } = await authorize(db, id, c.get("identity").userId, "manage");
    const rows = (await listMessages(db, conversation.id)).filter((row) => row.deletedAt === null);
    const names = await modelNames(c.env);
    const filename = slugOf(conversation.title);
    if (format === "markdown") {
      const body = toMarkdown(conversation, activePath(rows, conversation.activeLeafId), names);
      return download(body, "text/markdown; charset=utf-8", `${filename}.md`);
    }
    const onPath = new Set(activePath(rows, conversation.activeLeafId).map((row) => row.id));
    const used = [...new Set(rows.map((row) => row.model).filter((id): id is string => id !== null))];
    const body: ConversationExport = {
      format: "parley.conversation.v1",
      exportedAt: new Date().toISOString(),
      conversation: exportedConversation(conversation),
      models: used.map((id) => ({ id, name: names.get(id) ?? id })),
      messages: rows.map((row) => ({ ...toChatMessage(row), onActiveBranch: onPath.has(row.id) })),
      usage: await conversationUsage(db, conversation.id),
    };
    return jsonFile(body, `${filename}.json`);
  })
  .openapi(exportAccountRoute, async (c) => {
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
    const usage: AccountExport["usage"] = [];
    for (const month of months) {
      const [year, index] = month.split("-").map(Number);
      if (!year || !index) continue;
      const range = { start: Date.UTC(year, index - 1, 1), end: Date.UTC(year, index, 1) };
      usage.push({ month, ...(await userMonthUsage(db, identity.userId, range)) });
    }
    const body: AccountExport = {
      format: "parley.account.v1",
      exportedAt: new Date().toISOString(),
      profile: {
        id: identity.userId,
        kind: user?.kind ?? identity.kind,
        email: user?.email ?? null,
        displayName: user?.displayName ?? null,
        role: user?.role ?? "member",
        emailVerified: (user?.emailVerifiedAt ?? null) !== null,
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
    return jsonFile(body, `parley-export-${day}.json`);
  });
