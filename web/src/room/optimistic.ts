/**
 * Optimistic updates and their undoing: an edited prompt shows at once (the list after it goes
 * until the room answers with a `path`), and an `error` frame either puts back the branch a refused
 * edit replaced (keeping the edited text for the edit box) or marks the waiting sends as failed.
 */
import type { ErrorInfo } from "#protocol/messages";
import type { ServerFrame } from "#protocol/frames";
import type { RoomAction, RoomMessage, RoomState } from "./state.ts";

export function onError(state: RoomState, frame: Extract<ServerFrame, { type: "error" }>): RoomState {
  const error: ErrorInfo = { code: frame.code, message: frame.message, retryable: frame.retryable };
  // A refused edit: put back the branch as it was, and the edited text on the prompt it was for.
  const edit = state.messages.find((m) => m.pending && m.editOf !== undefined);
  if (state.beforeEdit && edit) {
    const refusedEdit = { content: edit.content, key: edit.clientId ?? edit.id };
    const messages = state.beforeEdit.map((m) => (m.id === edit.editOf ? { ...m, refusedEdit } : m));
    return { ...state, error, messages, beforeEdit: null };
  }
  const messages = state.messages.some((m) => m.pending)
    ? state.messages.map((m) => (m.pending ? { ...m, pending: false, failed: true } : m))
    : state.messages;
  return { ...state, error, messages };
}

export function optimisticEdit(
  state: RoomState,
  action: Extract<RoomAction, { type: "optimistic-edit" }>,
): RoomState {
  const index = state.messages.findIndex((m) => m.id === action.messageId);
  const original = state.messages[index];
  if (!original || original.role !== "user") return state;
  const message: RoomMessage = {
    ...original,
    id: `local:${action.clientId}`,
    content: action.content,
    model: action.model,
    createdAt: action.now,
    siblings: undefined,
    pending: true,
    failed: false,
    clientId: action.clientId,
    editOf: original.id,
    refusedEdit: undefined,
  };
  return {
    ...state,
    beforeEdit: state.beforeEdit ?? state.messages,
    messages: [...state.messages.slice(0, index), message],
    error: null,
  };
}
