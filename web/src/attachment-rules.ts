/**
 * Whether the chosen model can read what is attached, said before Send: images need a vision
 * model, PDFs a vision model of a provider that takes documents. The server checks again; these
 * rules only explain in advance why Send is disabled.
 */
import type { ModelInfo } from "#protocol/http";
import type { AttachmentKind, DraftAttachment } from "./attachments.ts";
import { showDirectionControls } from "./direction.ts";

/** Providers whose APIs take PDFs as documents (worker/providers/attachments.ts). */
const PDF_PROVIDERS = new Set(["openai", "anthropic", "gemini", "openrouter"]);

export function modelReads(model: Pick<ModelInfo, "provider" | "caps">, kind: AttachmentKind): boolean {
  if (kind === "text") return true;
  if (!model.caps.vision) return false;
  return kind === "image" || PDF_PROVIDERS.has(model.provider);
}

/** Why the chosen model cannot take what is attached, or null when it can. */
export function modelProblem(
  model: Pick<ModelInfo, "name" | "provider" | "caps"> | undefined,
  items: readonly DraftAttachment[],
): string | null {
  if (!model) return null;
  for (const kind of ["image", "pdf"] as const) {
    const unreadable = items.filter((item) => item.status !== "error" && item.kind === kind);
    if (unreadable.length === 0 || modelReads(model, kind)) continue;
    const what = kind === "image" ? "images" : "PDFs";
    const first = showDirectionControls(unreadable[0]!.name);
    const others = unreadable.length > 1 ? ` and ${unreadable.length - 1} more` : "";
    const pick =
      kind === "image"
        ? "a model marked Vision"
        : "a Vision model from OpenAI, Anthropic, Gemini or OpenRouter";
    return `${model.name} can’t read ${what}. Pick ${pick}, or remove “${first}”${others}.`;
  }
  return null;
}

/** Why Send is disabled because of the attachments, or null when they are ready to go. */
export function sendBlock(
  model: Pick<ModelInfo, "name" | "provider" | "caps"> | undefined,
  items: readonly DraftAttachment[],
): string | null {
  if (items.some((item) => item.status === "error")) return "Remove the files that could not be uploaded.";
  const problem = modelProblem(model, items);
  if (problem) return problem;
  if (items.some((item) => item.status === "uploading")) return "Wait until the files have uploaded.";
  return null;
}
