/**
 * What a person does to the room from the chat view: send a prompt (on `/` the first send creates
 * the conversation, then opens it), stop the answer with Esc, and the commands on each message.
 */
import { useCallback, useEffect, useMemo, useRef } from "react";
import type { ConversationSummary } from "#protocol/http";
import type { ModelsState } from "../data.ts";
import { saveDraft } from "../drafts.ts";
import type { RoomMessage } from "../room/state.ts";
import { openNewRoom } from "../room/hooks.ts";
import type { RoomClient } from "../room/client.ts";
import { startConversation } from "../room/new-chat.ts";
import { navigate } from "../router.ts";
import type { ComposerExtras } from "./ComposerExtras.tsx";
import type { MessageCommands } from "./MessageActions.tsx";

/**
 * Sends the composer's prompt with its files and options. On `/` the chat is made under an id made
 * here and opened in the same frame as Enter: the prompt shows at once while the server creates
 * the conversation, and if it refuses, the prompt comes back into that chat's composer.
 */
export function useSend(
  room: RoomClient | null,
  conversationId: string | null,
  models: ModelsState,
  extras: ComposerExtras,
  onCreated: ((conversation: ConversationSummary) => void) | undefined,
) {
  const { take: takeExtras, sent: extrasSent } = extras;

  const onSend = useCallback(
    (text: string): boolean => {
      const model = models.model;
      if (!model) return false;
      if (room) {
        room.send(text, model, takeExtras());
        extrasSent();
        return true;
      }
      if (conversationId) return false; // The room is still being set up.
      const { id, created } = startConversation(text, model, takeExtras());
      openNewRoom(id);
      extrasSent();
      // The prompt now waits in the new chat's room, whose view keeps it as that chat's draft
      // until the room accepts it.
      saveDraft(null, "");
      // A refusal is told in the chat's room, which gives the prompt back.
      created.then(
        (conversation) => onCreated?.(conversation),
        () => undefined,
      );
      navigate(`/c/${encodeURIComponent(id)}`);
      return true;
    },
    [room, conversationId, models.model, onCreated, takeExtras, extrasSent],
  );

  return { onSend };
}

/** Esc stops the answer from anywhere on the page (unless a dialog or menu takes it first). */
export function useEscapeStops(room: RoomClient | null, busy: boolean, writable: boolean) {
  useEffect(() => {
    if (!busy || !writable) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (document.querySelector('[role="dialog"], [role="menu"]')) return;
      room?.stop();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [busy, room, writable]);
}

/** The commands every message of the list gets, as one object that keeps while an answer streams. */
export function useMessageCommands(
  room: RoomClient | null,
  writable: boolean,
  models: ModelsState,
  messages: RoomMessage[],
  optionsFor: ComposerExtras["optionsFor"],
): MessageCommands {
  const model = models.model;
  // Read when a command runs, so the commands stay the same object while an answer streams.
  const messagesRef = useRef(messages);
  messagesRef.current = messages;
  return useMemo<MessageCommands>(() => {
    const info = (id: string | null | undefined) => models.models.find((m) => m.id === id);
    return {
      canWrite: writable && room !== null,
      models: models.models,
      model,
      // The composer's switches (tools, JSON) go with a regenerate or an edit, as with a send.
      regenerate: (messageId, other) => {
        const answeredBy = other ?? messagesRef.current.find((m) => m.id === messageId)?.model;
        room?.regenerate(messageId, other, optionsFor(info(answeredBy)));
      },
      continueAnswer: (messageId) => room?.continueAnswer(messageId),
      deleteMessage: (messageId) => room?.deleteMessage(messageId),
      edit: (messageId, content) => model && room?.edit(messageId, content, model, optionsFor(info(model))),
      switchBranch: (messageId) => room?.switchBranch(messageId),
    };
  }, [writable, room, models.models, model, optionsFor]);
}
