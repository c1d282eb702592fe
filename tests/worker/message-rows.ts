/** Message rows for tests of the pure tree and turn rules: every column at a plain default. */
import type { Message } from "../../worker/db/schema";
import { EMPTY_COLUMNS } from "../../worker/room/turn/rows";

export function messageRow(fields: Partial<Message> & Pick<Message, "id" | "role">): Message {
  return {
    ...EMPTY_COLUMNS,
    conversationId: "c1",
    position: 0,
    parentId: null,
    authorId: null,
    content: `text of ${fields.id}`,
    status: "complete",
    createdAt: 0,
    updatedAt: 0,
    ...fields,
  };
}
