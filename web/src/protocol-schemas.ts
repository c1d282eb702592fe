/**
 * Every zod schema the app's first screen parses with, in one chunk of its own: zod and the
 * protocol's schemas are about a fifth of the app's JavaScript, and none of it is needed to paint
 * the page. lazy-schemas.ts loads this module as the app starts (next to its first requests) and
 * hands out stand-ins that parse once it is in. Pages that load later import their schemas as usual.
 */
import { z } from "zod";
import { chatMessageSchema } from "#protocol/messages";
import { conversationSummarySchema, modelListSchema } from "#protocol/http";

export {
  apiErrorSchema,
  conversationAnswerSchema,
  conversationDetailSchema,
  conversationListSchema,
  modelListSchema,
  userAnswerSchema,
} from "#protocol/http";
export { attachmentInfoSchema, chatMessageSchema } from "#protocol/messages";
export { searchResultsSchema } from "#protocol/library";
export { shareAnswerSchema, shareInfoSchema, shareStateSchema } from "#protocol/sharing";
export { parseServerFrame } from "#protocol/frames";
export { parseHubFrame } from "#protocol/hub";

/** The answer to a DELETE (204, no body). */
export const noContentSchema = z.undefined();

/** What web/src/cache.ts keeps in IndexedDB (another version of the app may have written it). */
export const cachedChatSchema = z.object({
  conversationId: z.string(),
  title: z.string().nullable(),
  messages: z.array(chatMessageSchema),
});
export const cachedConversationsSchema = z.array(conversationSummarySchema);
export const cachedModelsSchema = modelListSchema.shape.models;
