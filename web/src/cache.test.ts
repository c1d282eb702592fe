// The local cache against a real IndexedDB implementation (fake-indexeddb), in a fresh module each
// time so "after a reload" means an empty memory and only what IndexedDB kept.
import { IDBFactory } from "fake-indexeddb";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "#protocol/messages";
import type { ConversationSummary } from "#protocol/http";

type CacheModule = typeof import("./cache.ts");

async function freshModule(): Promise<CacheModule> {
  vi.resetModules();
  return import("./cache.ts");
}

function message(id: string, content: string, extra: Record<string, unknown> = {}): ChatMessage {
  return {
    id,
    conversationId: "c1",
    role: "assistant",
    content,
    reasoning: "",
    model: "parley-demo",
    status: "complete",
    finishReason: "stop",
    error: null,
    usage: null,
    createdAt: 1,
    parentId: null,
    ...extra,
  };
}

const summary: ConversationSummary = {
  id: "c1",
  title: "Lisbon trip",
  model: "parley-demo",
  pinned: false,
  systemPrompt: "",
  apiTokenName: null,
  createdAt: 1,
  updatedAt: 2,
};

beforeEach(() => {
  // A new, empty IndexedDB for every test.
  globalThis.indexedDB = new IDBFactory();
});

describe("local cache", () => {
  it("returns a chat saved in this tab synchronously, without the client-only fields", async () => {
    const cache = await freshModule();
    await cache.saveChat("c1", "Lisbon trip", [message("m1", "Hi", { pending: true, clientId: "x" })]);
    const chat = cache.peekChat("c1");
    expect(chat?.title).toBe("Lisbon trip");
    expect(chat?.messages[0]).toEqual(message("m1", "Hi"));
  });

  it("keeps chats and the conversation list across a reload (IndexedDB)", async () => {
    const first = await freshModule();
    await first.saveChat("c1", "Lisbon trip", [message("m1", "Hello"), message("m2", "World")]);
    await first.saveConversations([summary]);

    const reloaded = await freshModule();
    expect(reloaded.peekChat("c1")).toBeUndefined();
    expect((await reloaded.loadChat("c1"))?.messages.map((m) => m.content)).toEqual(["Hello", "World"]);
    expect(reloaded.peekChat("c1")).toBeDefined();
    expect(await reloaded.loadConversations()).toEqual([summary]);
  });

  it("still shows a conversation list cached before conversations could come from the API", async () => {
    const first = await freshModule();
    const { apiTokenName: _, ...older } = summary;
    await first.saveConversations([older as ConversationSummary]);
    const reloaded = await freshModule();
    expect(await reloaded.loadConversations()).toEqual([summary]);
  });

  it("keeps only the latest messages of a long chat", async () => {
    const cache = await freshModule();
    const many = Array.from({ length: cache.MAX_CACHED_MESSAGES + 20 }, (_, i) => message(`m${i}`, `#${i}`));
    await cache.saveChat("c1", null, many);
    const chat = await cache.loadChat("c1");
    expect(chat?.messages).toHaveLength(cache.MAX_CACHED_MESSAGES);
    expect(chat?.messages.at(-1)?.content).toBe(`#${cache.MAX_CACHED_MESSAGES + 19}`);
  });

  it("forgets a deleted chat everywhere", async () => {
    const cache = await freshModule();
    await cache.saveChat("c1", "x", [message("m1", "bye")]);
    await cache.forgetChat("c1");
    expect(cache.peekChat("c1")).toBeUndefined();
    expect(await (await freshModule()).loadChat("c1")).toBeUndefined();
  });

  it("forgets everything of the previous identity (sign-out, another account)", async () => {
    const cache = await freshModule();
    await cache.saveChat("c1", "Lisbon trip", [message("m1", "secret plans")]);
    await cache.saveConversations([summary]);
    await cache.clearIdentityCache();
    expect(cache.peekChat("c1")).toBeUndefined();
    expect(cache.peekConversations()).toBeUndefined();
    const reloaded = await freshModule();
    expect(await reloaded.loadChat("c1")).toBeUndefined();
    expect(await reloaded.loadConversations()).toBeUndefined();
  });

  it("ignores stored data of an unexpected shape", async () => {
    const cache = await freshModule();
    await cache.saveChat("c1", "x", [message("m1", "ok")]);
    // Another version of the app wrote something else under the same key.
    await new Promise<void>((resolve) => {
      const request = indexedDB.open("parley", 1);
      request.onsuccess = () => {
        const tx = request.result.transaction("kv", "readwrite");
        tx.objectStore("kv").put({ conversationId: "c1", messages: "nope" }, "chat:c1");
        tx.oncomplete = () => {
          request.result.close();
          resolve();
        };
      };
    });
    expect(await (await freshModule()).loadChat("c1")).toBeUndefined();
  });
});
