/**
 * The frames that write an answer while it is generated: `delta` (more text or reasoning, merged by
 * offset), `done` (the final status and lengths, asking for any text still missing) and `tool` (a
 * tool call made or answered). A frame for a message we never heard of starts it as a placeholder.
 */
import type { ToolCall } from "#protocol/messages";
import type { ClientFrame, ServerFrame } from "#protocol/frames";
import { mergeChunk, replaceAt, requestResume, withoutKey } from "./offsets.ts";
import type { RoomMessage, RoomState } from "./state.ts";

export function placeholder(state: RoomState, messageId: string): RoomMessage {
  return {
    id: messageId,
    conversationId: state.conversationId,
    role: "assistant",
    content: "",
    reasoning: "",
    model: null,
    status: "streaming",
    finishReason: null,
    error: null,
    usage: null,
    createdAt: Number.MAX_SAFE_INTEGER,
    parentId: state.messages.at(-1)?.id ?? null,
  };
}

export function onDelta(
  state: RoomState,
  frame: Extract<ServerFrame, { type: "delta" }>,
  out: ClientFrame[],
) {
  let messages = state.messages;
  let index = messages.findIndex((m) => m.id === frame.messageId);
  if (index < 0) {
    // A delta for a message we never heard of (its `message` frame was missed): start it empty.
    messages = [...messages, placeholder(state, frame.messageId)];
    index = messages.length - 1;
  }
  const current = messages[index]!;
  // Whatever lines up is kept (text and reasoning have separate offsets); a gap in either asks
  // for the rest from what we now hold.
  const { message, gap } = mergeChunk(current, frame);
  if (gap) {
    const resumeRequested = requestResume(state, message, out);
    return { ...state, messages: replaceAt(messages, index, message), resumeRequested };
  }
  const grew = message !== current;
  return {
    ...state,
    messages: replaceAt(messages, index, message),
    resumeRequested: grew ? withoutKey(state.resumeRequested, frame.messageId) : state.resumeRequested,
  };
}

export function onDone(
  state: RoomState,
  frame: Extract<ServerFrame, { type: "done" }>,
  out: ClientFrame[],
  warnings: string[],
) {
  let messages = state.messages;
  let index = messages.findIndex((m) => m.id === frame.messageId);
  if (index < 0) {
    messages = [...messages, placeholder(state, frame.messageId)];
    index = messages.length - 1;
  }
  const current = messages[index]!;
  let content = current.content;
  let reasoning = current.reasoning;
  if (content.length > frame.length) {
    warnings.push(`message ${frame.messageId}: holds ${content.length} chars, server says ${frame.length}`);
    content = content.slice(0, frame.length);
  }
  if (reasoning.length > frame.reasoningLength) {
    warnings.push(`message ${frame.messageId}: reasoning longer than the server's ${frame.reasoningLength}`);
    reasoning = reasoning.slice(0, frame.reasoningLength);
  }
  const message: RoomMessage = {
    ...current,
    content,
    reasoning,
    status: frame.status,
    finishReason: frame.finishReason,
    usage: frame.usage,
    error: frame.error,
  };
  let resumeRequested = withoutKey(state.resumeRequested, frame.messageId);
  if (content.length < frame.length || reasoning.length < frame.reasoningLength) {
    resumeRequested = requestResume({ ...state, resumeRequested }, message, out);
  }
  return { ...state, messages: replaceAt(messages, index, message), resumeRequested };
}

/**
 * A tool call of the answer being written: added when the model makes it (`result` null), updated
 * when the tool has answered. Calls of a running answer exist only in these frames until it is
 * stored, so a snapshot or path that replaces the message keeps them (withHeldToolCalls).
 */
export function onTool(state: RoomState, frame: Extract<ServerFrame, { type: "tool" }>): RoomState {
  let messages = state.messages;
  let index = messages.findIndex((m) => m.id === frame.messageId);
  if (index < 0) {
    messages = [...messages, placeholder(state, frame.messageId)];
    index = messages.length - 1;
  }
  const current = messages[index]!;
  const calls = current.toolCalls ?? [];
  const at = calls.findIndex((call) => call.id === frame.call.id);
  // A late "called" frame must not undo a result we already have.
  if (at >= 0 && calls[at]!.result !== null && frame.call.result === null) return state;
  const toolCalls: ToolCall[] =
    at >= 0 ? calls.map((call, i) => (i === at ? frame.call : call)) : [...calls, frame.call];
  return { ...state, messages: replaceAt(messages, index, { ...current, toolCalls }) };
}
