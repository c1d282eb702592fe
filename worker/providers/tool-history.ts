/**
 * Past tool calls in a request that declares no tools. Anthropic refuses `tool_use` and
 * `tool_result` blocks unless tools are declared, Gemini wants a declaration behind every
 * functionCall, and local OpenAI-compatible servers differ; so such a request carries each past
 * round as text on the assistant turn that made it, and the model still learns what was called
 * and what came back.
 */
import type { ProviderMessage } from "./types";

function callNote(name: string, args: string, result: string | undefined): string {
  return `[Called the tool ${name} with ${args}; it returned: ${result ?? "(no result)"}]`;
}

/** The messages with every tool round folded into plain assistant text (unchanged when there is none). */
export function toolRoundsAsText(messages: readonly ProviderMessage[]): ProviderMessage[] {
  const hasRounds = messages.some(
    (message) => message.role === "tool" || (message.toolCalls?.length ?? 0) > 0,
  );
  if (!hasRounds) return [...messages];
  const results = new Map<string, string>();
  for (const message of messages) {
    if (message.role === "tool") results.set(message.toolCallId ?? "", message.content);
  }
  const out: ProviderMessage[] = [];
  // The pieces of one answer that was split around its calls become one assistant turn again.
  let merging = false;
  for (const message of messages) {
    if (message.role === "tool") continue;
    const calls = message.toolCalls ?? [];
    if (message.role !== "assistant" || (calls.length === 0 && !merging)) {
      out.push(message);
      merging = false;
      continue;
    }
    const notes = calls.map((call) => callNote(call.name, call.arguments, results.get(call.id)));
    const content = [message.content, ...notes].filter(Boolean).join("\n\n");
    const previous = out.at(-1);
    if (merging && previous?.role === "assistant") {
      out[out.length - 1] = {
        role: "assistant",
        content: [previous.content, content].filter(Boolean).join("\n\n"),
      };
    } else {
      out.push({ role: "assistant", content });
    }
    merging = calls.length > 0 || merging;
  }
  return out;
}
