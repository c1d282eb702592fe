/**
 * Unsent prompts survive: what is typed in a chat's composer is kept in localStorage per
 * conversation (and one for the new-chat screen), together with the prompts sent from it that the
 * room has not accepted yet. So the stored draft is cleared when the room accepts the message (its
 * echo replaces the optimistic bubble), not when Enter is pressed, and a reload in between loses
 * nothing.
 *
 * A refused prompt (rate limit, quota, busy, moderation, a plan that leaves the model out, a server
 * error) goes back into the composer, with its files, rather than staying as a dead bubble: the
 * composer is where it can be edited, copied or sent again, and the reason is shown beside it
 * (the limit hint under the composer, or the room's error above it).
 */
import { useEffect, useRef, useState } from "react";
import type { AttachmentInfo } from "#protocol/messages";
import type { RoomMessage } from "./room/state.ts";
import type { RoomClient } from "./room/client.ts";
import { hasFirstMessage } from "./room/new-chat.ts";

const PREFIX = "parley:draft:";

export function draftKey(conversationId: string | null): string {
  return `${PREFIX}${conversationId ?? "new"}`;
}

export function loadDraft(conversationId: string | null): string {
  try {
    return localStorage.getItem(draftKey(conversationId)) ?? "";
  } catch {
    return "";
  }
}

export function saveDraft(conversationId: string | null, text: string): void {
  try {
    if (text.trim() === "") localStorage.removeItem(draftKey(conversationId));
    else localStorage.setItem(draftKey(conversationId), text);
  } catch {
    // Storage full or blocked: the draft lives only as long as the page.
  }
}

/** Prompts given back (oldest first) in front of what is in the composer now, a blank line apart. */
export function joinDrafts(back: readonly string[], current: string): string {
  return [...back, current].filter((text) => text.trim() !== "").join("\n\n");
}

/**
 * The composer's draft for this chat, kept across reloads; refused prompts come back into it.
 * `restoreFiles` puts a refused prompt's files back on the composer.
 */
export function useDraft(
  conversationId: string | null,
  room: RoomClient | null,
  messages: readonly RoomMessage[],
  restoreFiles: (files: AttachmentInfo[]) => void,
): [string, (text: string) => void] {
  // A chat just created from `/` is about to send its first message: that text is not a draft.
  const [draft, setDraft] = useState(() =>
    conversationId && hasFirstMessage(conversationId) ? "" : loadDraft(conversationId),
  );

  // Each refused prompt is given back once, even if its bubble outlives this render.
  const handled = useRef(new Set<string>());
  const failed = messages.filter((m) => m.failed && !handled.current.has(m.id));
  const failedIds = failed.map((m) => m.id).join(" ");
  const failedRef = useRef(failed);
  failedRef.current = failed;
  const restoreRef = useRef(restoreFiles);
  restoreRef.current = restoreFiles;
  useEffect(() => {
    const refused = failedRef.current;
    if (refused.length === 0 || !room) return;
    for (const message of refused) handled.current.add(message.id);
    setDraft((current) =>
      joinDrafts(
        refused.map((m) => m.content),
        current,
      ),
    );
    const files = refused.flatMap((m) => m.attachments ?? []);
    if (files.length > 0) restoreRef.current(files);
    room.discardFailed();
  }, [failedIds, room]);

  // Stored: the prompts still waiting for the room's answer, then the composer's text.
  const waiting = messages
    .filter((m) => m.pending && m.editOf === undefined)
    .map((m) => m.content)
    .join("\u0000");
  useEffect(() => {
    saveDraft(conversationId, joinDrafts(waiting === "" ? [] : waiting.split("\u0000"), draft));
  }, [conversationId, waiting, draft]);

  return [draft, setDraft];
}
