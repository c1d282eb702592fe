/**
 * What a room holds in the browser: its messages (one branch of the conversation tree), who is
 * here, the last error and where the stream stands; and the actions that change it besides the
 * server's frames. ./reducer.ts computes each next state; the handlers beside it share these types.
 */
import type { AttachmentInfo, ChatMessage, ErrorInfo } from "#protocol/messages";
import type { Person, RoomRoleName, ServerFrame } from "#protocol/frames";

export interface RoomMessage extends ChatMessage {
  /** Optimistic user message not yet confirmed by the server (matched back by `clientId`). */
  pending?: boolean;
  /** The optimistic message was answered by an error frame instead of being stored. */
  failed?: boolean;
  clientId?: string;
  /** An optimistic edit: the id of the prompt it replaces (the server answers with a `path`). */
  editOf?: string;
  /**
   * On a prompt whose edit the room refused (a limit, a busy room): the edited text, so the edit
   * box opens again with it instead of losing it. `key` tells one refusal from the next.
   */
  refusedEdit?: { content: string; key: string };
}

/** This connection as the room sees it: its presence id and what it may do. */
export interface RoomSelf {
  id: string;
  role: RoomRoleName;
}

export interface RoomState {
  conversationId: string;
  title: string | null;
  messages: RoomMessage[];
  viewers: number;
  /** Set by the snapshot: who this connection is in the room (null until then). */
  self: RoomSelf | null;
  /** Everyone here, one entry per person (their devices folded together). */
  people: Person[];
  /** The list before an optimistic edit, put back if the room refuses the edit. */
  beforeEdit: RoomMessage[] | null;
  /** A snapshot arrived on the current connection (so the message list is the server's). */
  synced: boolean;
  /** The last `error` frame, until dismissed or a later successful send. */
  error: ErrorInfo | null;
  /** The conversation was deleted (from this or another device). */
  deleted: boolean;
  /** Outstanding resume requests, message id → "offset:reasoningOffset" (avoids asking twice). */
  resumeRequested: Readonly<Record<string, string>>;
  /** The room version we hold every change of, quoted on reconnect (null: ask for a snapshot). */
  version: string | null;
}

export type RoomAction =
  | { type: "frame"; frame: ServerFrame }
  /** Messages loaded over HTTP before the socket delivered its snapshot. */
  | { type: "history"; title: string; messages: ChatMessage[] }
  | {
      type: "optimistic-send";
      clientId: string;
      content: string;
      model: string;
      now: number;
      /** Files sent with the prompt, shown in the optimistic bubble at once. */
      attachments?: AttachmentInfo[];
    }
  /** The prompt `messageId` was edited: show the new text (and nothing after it) until the `path`. */
  | {
      type: "optimistic-edit";
      messageId: string;
      clientId: string;
      content: string;
      model: string;
      now: number;
    }
  /** Nobody's typing flag was refreshed for a while: clear them (the server may have hibernated). */
  | { type: "expire-typing" }
  | { type: "disconnected" }
  /** The refused prompts were given back to the composer: their bubbles go. */
  | { type: "discard-failed" }
  | { type: "dismiss-error" };

export function initialRoomState(conversationId: string): RoomState {
  return {
    conversationId,
    title: null,
    messages: [],
    viewers: 0,
    self: null,
    people: [],
    beforeEdit: null,
    synced: false,
    error: null,
    deleted: false,
    resumeRequested: {},
    version: null,
  };
}
