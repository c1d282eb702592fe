// Attachments: validated uploads in R2, readable only by those who can read the conversation,
// sent to the model as bytes, and gone with their conversation.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AttachmentInfo, ChatMessage } from "#protocol/messages";
import type { Share } from "#protocol/sharing";
import { sweepUnsentUploads, UNSENT_UPLOAD_TTL_MS } from "../../worker/attachments/sweep";
import {
  connectRoom,
  createConversation,
  isType,
  newGuest,
  slowPrompt,
  uniqueTag,
  upstreamRequests,
  workerFetch,
} from "./helpers";

/** The smallest valid PNG (1×1, transparent). */
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

function upload(cookie: string, body: BodyInit, type: string, name = "file"): Promise<Response> {
  return workerFetch(`/api/v1/attachments?name=${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { cookie, "content-type": type },
    body,
  });
}

async function uploaded(cookie: string, body: BodyInit, type: string, name: string): Promise<AttachmentInfo> {
  const response = await upload(cookie, body, type, name);
  expect(response.status).toBe(201);
  return (await response.json<{ attachment: AttachmentInfo }>()).attachment;
}

async function countRows(table: string): Promise<number> {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? -1;
}

describe("uploads", () => {
  it("store a real image in R2 and answer its description", async () => {
    const cookie = await newGuest();
    const info = await uploaded(cookie, PNG, "image/png", "dot.png");
    expect(info).toMatchObject({
      name: "dot.png",
      kind: "image",
      mimeType: "image/png",
      size: PNG.byteLength,
    });
    const back = await workerFetch(`/api/v1/attachments/${info.id}`, { headers: { cookie } });
    expect(back.status).toBe(200);
    expect(back.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await back.arrayBuffer())).toEqual(PNG);
  });

  it("refuse wrong types, disguised files, empty and oversized bodies, changing nothing", async () => {
    const cookie = await newGuest();
    const before = await countRows("attachments");
    const cases: Array<[BodyInit, string, string, number, string]> = [
      [new Uint8Array([1, 2, 3]), "application/x-msdownload", "setup.exe", 415, "unsupported_file_type"],
      [new TextEncoder().encode("<svg onload=alert(1)>"), "image/png", "fake.png", 400, "file_mismatch"],
      [new TextEncoder().encode("not a pdf"), "application/pdf", "doc.pdf", 400, "file_mismatch"],
      [new Uint8Array([0xff, 0xfe, 0xfd]), "text/plain", "bad.txt", 400, "file_mismatch"],
      [new Uint8Array(), "image/png", "empty.png", 400, "empty_file"],
      [new Uint8Array(11 * 1024 * 1024), "image/png", "huge.png", 413, "file_too_large"],
      [new TextEncoder().encode("x".repeat(600 * 1024)), "text/plain", "long.txt", 413, "file_too_large"],
    ];
    for (const [body, type, name, status, code] of cases) {
      const response = await upload(cookie, body, type, name);
      expect(response.status, name).toBe(status);
      expect(await response.json()).toMatchObject({ error: { code } });
    }
    expect(await countRows("attachments")).toBe(before);
  });

  it("keep a text file's name safe and serve it as plain text", async () => {
    const cookie = await newGuest();
    const info = await uploaded(
      cookie,
      "<script>alert(1)</script>",
      "text/html",
      '../../etc/"pass\u0001wd.html',
    );
    expect(info.name).toBe("passwd.html");
    const back = await workerFetch(`/api/v1/attachments/${info.id}`, { headers: { cookie } });
    expect(back.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(back.headers.get("content-disposition")).toMatch(/^attachment;/);

    // Direction controls reach no saved file name: "invoice\u202Efdp.exe" shows as "…exe.pdf".
    const tricky = await uploaded(cookie, "hello", "text/plain", "invoice\u202Efdp.exe");
    const saved = await workerFetch(`/api/v1/attachments/${tricky.id}`, { headers: { cookie } });
    expect(saved.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''invoicefdp.exe");
  });
});

describe("attachment access", () => {
  it("an unsent upload is its owner's alone; a sent one follows the conversation, share links included", async () => {
    const owner = await newGuest();
    const stranger = await newGuest();
    const info = await uploaded(owner, PNG, "image/png", "dot.png");
    expect(
      (await workerFetch(`/api/v1/attachments/${info.id}`, { headers: { cookie: stranger } })).status,
    ).toBe(404);
    // Nobody else can send it either.
    const theirs = await createConversation(stranger);
    const theirSocket = await connectRoom(theirs, stranger);
    theirSocket.send({ type: "send", content: "look", model: "gpt-5-mini", attachments: [info.id] });
    await theirSocket.waitFor((f) => f.type === "error" && f.code === "invalid_attachment");
    theirSocket.close();

    const id = await createConversation(owner);
    const socket = await connectRoom(id, owner);
    const tag = uniqueTag("image");
    socket.send({
      type: "send",
      content: `What is this? ${slowPrompt(tag, 3, 1)}`,
      model: "gpt-5-mini",
      attachments: [info.id],
    });
    const prompt = await socket.waitFor((f) => f.type === "message" && f.message.role === "user");
    expect(prompt.type === "message" && prompt.message.attachments).toEqual([info]);
    await socket.waitFor(isType("done"));
    // The model received the image's bytes.
    const [request] = await upstreamRequests(tag);
    expect(JSON.stringify(request!.body)).toContain(btoa(String.fromCharCode(...PNG)));
    // The conversation shows it, to the owner and to a watcher; a stranger still gets 404.
    const shown = await workerFetch(`/api/v1/conversations/${id}`, { headers: { cookie: owner } });
    const { messages } = await shown.json<{ messages: ChatMessage[] }>();
    expect(messages[0]!.attachments).toEqual([info]);
    expect(
      (await workerFetch(`/api/v1/attachments/${info.id}`, { headers: { cookie: stranger } })).status,
    ).toBe(404);
    const put = await workerFetch(`/api/v1/conversations/${id}/share`, {
      method: "PUT",
      headers: { cookie: owner, "content-type": "application/json" },
      body: JSON.stringify({ mode: "watch" }),
    });
    const { share } = await put.json<{ share: Share }>();
    const viaLink = await workerFetch(`/api/v1/attachments/${info.id}?share=${share.token}`, {
      headers: { cookie: stranger },
    });
    expect(viaLink.status).toBe(200);
    // Sent files cannot be deleted on their own, nor sent twice.
    expect(
      (await workerFetch(`/api/v1/attachments/${info.id}`, { method: "DELETE", headers: { cookie: owner } }))
        .status,
    ).toBe(409);
    socket.send({ type: "send", content: "again", model: "gpt-5-mini", attachments: [info.id] });
    await socket.waitFor((f) => f.type === "error" && f.code === "invalid_attachment");
    socket.close();
  });

  it("refuses an image for a model that cannot see, and puts a text file into the prompt", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const socket = await connectRoom(id, cookie);
    const image = await uploaded(cookie, PNG, "image/png", "dot.png");
    socket.send({ type: "send", content: "look", model: "parley-demo", attachments: [image.id] });
    await socket.waitFor((f) => f.type === "error" && f.code === "unsupported_attachment");

    const text = await uploaded(cookie, "alpha,beta\n1,2\n", "text/csv", "table.csv");
    const tag = uniqueTag("csv");
    socket.send({
      type: "send",
      content: `Sum it ${slowPrompt(tag, 2, 1)}`,
      model: "gpt-5-mini",
      attachments: [text.id],
    });
    await socket.waitFor(isType("done"));
    const [request] = await upstreamRequests(tag);
    expect(JSON.stringify(request!.body)).toContain('<file name=\\"table.csv\\">\\nalpha,beta\\n1,2\\n');
    socket.close();
  });
});

describe("editing a prompt with files", () => {
  it("keeps the prompt's files on the new version, for the model and for every device", async () => {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const socket = await connectRoom(id, cookie);
    const text = await uploaded(cookie, "alpha,beta\n1,2\n", "text/csv", "table.csv");
    socket.send({ type: "send", content: "Sum it", model: "parley-demo", attachments: [text.id] });
    const first = await socket.waitFor(isType("message"));
    await socket.waitFor(isType("done"));

    const tag = uniqueTag("edit-files");
    socket.send({
      type: "edit",
      messageId: first.message.id,
      content: `Sum it twice ${slowPrompt(tag, 2, 1)}`,
      model: "gpt-5-mini",
    });
    const path = await socket.waitFor(isType("path"));
    await socket.waitFor((f) => f.type === "done" && socket.frames.filter(isType("done")).length === 2);
    const edited = path.messages.find((m) => m.role === "user");
    expect(edited?.id).not.toBe(first.message.id);
    expect(edited?.attachments?.map((file) => file.name)).toEqual(["table.csv"]);
    const [request] = await upstreamRequests(tag);
    expect(JSON.stringify(request!.body)).toContain('<file name=\\"table.csv\\">\\nalpha,beta\\n1,2\\n');

    // The copy reads like the original, and the first version keeps its own file.
    const copy = edited!.attachments![0]!;
    expect(await (await workerFetch(`/api/v1/attachments/${copy.id}`, { headers: { cookie } })).text()).toBe(
      "alpha,beta\n1,2\n",
    );
    expect((await workerFetch(`/api/v1/attachments/${text.id}`, { headers: { cookie } })).status).toBe(200);
    socket.close();
  });
});

describe("unsent uploads", () => {
  it("can be deleted by their owner, from R2 too", async () => {
    const cookie = await newGuest();
    const info = await uploaded(cookie, PNG, "image/png", "dot.png");
    const other = await newGuest();
    expect(
      (await workerFetch(`/api/v1/attachments/${info.id}`, { method: "DELETE", headers: { cookie: other } }))
        .status,
    ).toBe(404);
    expect(
      (await workerFetch(`/api/v1/attachments/${info.id}`, { method: "DELETE", headers: { cookie } })).status,
    ).toBe(204);
    expect((await workerFetch(`/api/v1/attachments/${info.id}`, { headers: { cookie } })).status).toBe(404);
    const listed = await env.ATTACHMENTS.list({ prefix: "a/" });
    expect(listed.objects.some((object) => object.key.endsWith(info.id))).toBe(false);
  });
});

describe("deleting a conversation", () => {
  async function conversationWithImage() {
    const cookie = await newGuest();
    const id = await createConversation(cookie);
    const info = await uploaded(cookie, PNG, "image/png", "dot.png");
    const socket = await connectRoom(id, cookie);
    socket.send({
      type: "send",
      content: slowPrompt(uniqueTag("purge"), 2, 1),
      model: "gpt-5-mini",
      attachments: [info.id],
    });
    await socket.waitFor(isType("done"));
    socket.close();
    await workerFetch(`/api/v1/conversations/${id}`, { method: "DELETE", headers: { cookie } });
    return { cookie, id, info };
  }

  /** Lets the undo window pass: the room's purge is due now, then its alarm runs. */
  async function expireUndoWindow(id: string) {
    const stub = env.ConversationRoom.getByName(id);
    const scheduled = await runInDurableObject(stub, async (_room, state) => {
      const at = await state.storage.get<number>("purgeFilesAt");
      await state.storage.put("purgeFilesAt", Date.now() - 1);
      return at;
    });
    expect(scheduled).toBeGreaterThan(Date.now());
    expect(await runDurableObjectAlarm(stub)).toBe(true);
  }

  it("removes its files from R2 and D1 once the undo window has passed", async () => {
    const { cookie, id, info } = await conversationWithImage();
    // Still there during the undo window.
    expect((await env.ATTACHMENTS.list({ prefix: `a/` })).objects.some((o) => o.key.endsWith(info.id))).toBe(
      true,
    );
    await expireUndoWindow(id);
    expect((await env.ATTACHMENTS.list({ prefix: `a/` })).objects.some((o) => o.key.endsWith(info.id))).toBe(
      false,
    );
    const row = await env.DB.prepare("SELECT id FROM attachments WHERE id = ?").bind(info.id).first();
    expect(row).toBeNull();
    expect((await workerFetch(`/api/v1/attachments/${info.id}`, { headers: { cookie } })).status).toBe(404);
  });

  it("keeps the files of a conversation restored in time", async () => {
    const { cookie, id, info } = await conversationWithImage();
    const restore = await workerFetch(`/api/v1/conversations/${id}/restore`, {
      method: "POST",
      headers: { cookie },
    });
    expect(restore.status).toBe(200);
    await expireUndoWindow(id);
    expect((await workerFetch(`/api/v1/attachments/${info.id}`, { headers: { cookie } })).status).toBe(200);
  });
});

describe("the daily sweep", () => {
  it("deletes uploads never sent after a day, and nothing else", async () => {
    const cookie = await newGuest();
    const stale = await uploaded(cookie, PNG, "image/png", "forgotten.png");
    const fresh = await uploaded(cookie, PNG, "image/png", "just-now.png");
    await env.DB.prepare("UPDATE attachments SET created_at = ? WHERE id = ?")
      .bind(Date.now() - UNSENT_UPLOAD_TTL_MS - 1000, stale.id)
      .run();
    expect(await sweepUnsentUploads(env)).toBeGreaterThanOrEqual(1);
    expect((await workerFetch(`/api/v1/attachments/${stale.id}`, { headers: { cookie } })).status).toBe(404);
    expect((await env.ATTACHMENTS.list({ prefix: "a/" })).objects.some((o) => o.key.endsWith(stale.id))).toBe(
      false,
    );
    expect((await workerFetch(`/api/v1/attachments/${fresh.id}`, { headers: { cookie } })).status).toBe(200);
  });
});
