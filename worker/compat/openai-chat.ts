/**
 * The OpenAI dialect of Parley's compatible API: what `/v1/chat/completions` and `/v1/models`
 * speak. Pure translation between OpenAI's wire format and the API turn contract (contract.ts);
 * the routes authenticate, admit and run the turn.
 */
import type { CatalogueModel } from "../providers/catalogue";

export { parseChatCompletion, type ParsedChatCall } from "./openai-chat-request";
export { chatCompletionObject, chatCompletionStream } from "./openai-chat-response";
export { openAIError } from "./openai-errors";

/** One catalogue model as OpenAI's model object. The catalogue keeps no release dates: `created` is 0. */
export function openAIModel(model: CatalogueModel) {
  return { id: model.id, object: "model" as const, created: 0, owned_by: model.provider };
}

/** The catalogue as OpenAI's model list; the caller passes only the models the person can call. */
export function modelList(models: CatalogueModel[]) {
  return { object: "list" as const, data: models.map(openAIModel) };
}
