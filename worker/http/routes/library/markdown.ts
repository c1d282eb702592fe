/** Exports as files: a conversation's visible branch as Markdown, and download names. */
import type { Conversation, Message } from "../../../db/schema";

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
