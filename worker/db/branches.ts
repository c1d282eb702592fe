/**
 * Conversations are trees: every message points at the one it follows (`parentId`), and editing
 * a prompt or regenerating an answer adds a sibling instead of overwriting. What people see is one
 * path through the tree, from the first message to the conversation's `activeLeafId` (or to the
 * newest message when none is set). These functions work on the rows of one conversation.
 */
import type { ChatMessage, ToolCall } from "#protocol/messages";
import type { Attachment, Message } from "./schema";
import { parseToolCalls, toChatMessage } from "./queries";
import { toAttachmentInfo } from "./attachments";

/** Children of each message id (`null` for the first messages), oldest first. */
function childrenOf(rows: readonly Message[]): Map<string | null, Message[]> {
  const children = new Map<string | null, Message[]>();
  for (const row of [...rows].sort((a, b) => a.position - b.position)) {
    const list = children.get(row.parentId) ?? [];
    list.push(row);
    children.set(row.parentId, list);
  }
  return children;
}

function newest(rows: readonly Message[]): Message | undefined {
  let best: Message | undefined;
  for (const row of rows) if (!best || row.position > best.position) best = row;
  return best;
}

/**
 * The messages from the first one to the active leaf, oldest first, deleted ones included (the
 * path runs through them; callers hide them). An unknown leaf falls back to the newest message.
 */
export function activePath(rows: readonly Message[], activeLeafId: string | null): Message[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  let node = (activeLeafId ? byId.get(activeLeafId) : undefined) ?? newest(rows);
  const path: Message[] = [];
  const seen = new Set<string>();
  while (node && !seen.has(node.id)) {
    seen.add(node.id);
    path.push(node);
    node = node.parentId ? byId.get(node.parentId) : undefined;
  }
  return path.reverse();
}

/** The newest message in the subtree of `id` (itself when it has no descendants). */
export function newestLeafUnder(rows: readonly Message[], id: string): Message | undefined {
  const children = childrenOf(rows);
  const start = rows.find((row) => row.id === id);
  if (!start) return undefined;
  let best = start;
  const stack = [start];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.position > best.position) best = node;
    stack.push(...(children.get(node.id) ?? []));
  }
  return best;
}

/**
 * The visible path as the protocol presents it: deleted messages left out, and each message that
 * has alternatives carrying the ids of its (visible) siblings.
 */
export function presentPath(
  rows: readonly Message[],
  activeLeafId: string | null,
  files: ReadonlyMap<string, Attachment[]> = new Map(),
): ChatMessage[] {
  const children = childrenOf(rows.filter((row) => row.deletedAt === null));
  return activePath(rows, activeLeafId)
    .filter((row) => row.deletedAt === null)
    .map((row) => {
      const message: ChatMessage = toChatMessage(row);
      const siblings = children.get(row.parentId) ?? [];
      if (siblings.length > 1) message.siblings = siblings.map((s) => s.id);
      const attached = files.get(row.id);
      if (attached?.length) message.attachments = attached.map(toAttachmentInfo);
      return message;
    });
}

/**
 * What the model sees of a path: no deleted, empty or failed messages. An answer keeps the tool
 * calls that have a result (an unanswered call cannot be shown to a provider), and an answer
 * that is only such calls counts as not empty.
 */
export function contextOf(
  path: readonly Message[],
): Array<{ id: string; role: Message["role"]; content: string; toolCalls?: ToolCall[] }> {
  const context: Array<{ id: string; role: Message["role"]; content: string; toolCalls?: ToolCall[] }> = [];
  for (const m of path) {
    if (m.deletedAt !== null || m.status === "error") continue;
    const answered = m.toolCalls ? parseToolCalls(m.toolCalls).filter((call) => call.result !== null) : [];
    if (m.content === "" && answered.length === 0) continue;
    context.push({
      id: m.id,
      role: m.role,
      content: m.content,
      ...(answered.length > 0 ? { toolCalls: answered } : {}),
    });
  }
  return context;
}
