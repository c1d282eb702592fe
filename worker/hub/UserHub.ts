/**
 * UserHub: one Durable Object per person, which every device of theirs keeps a socket to. The
 * worker and the conversation rooms call `conversationChanged` / `conversationDeleted` when
 * something in the person's history changes, and the hub pushes it to every device within the
 * same moment; nothing polls. On (re)connect a device gets `hello` and refetches its list, which
 * is how an offline laptop catches up. With hibernation, an idle hub costs nothing. A person may
 * hold only so many hub sockets at once (worker/limits/sockets.ts).
 */
import { Server, type Connection } from "partyserver";
import { encodeHubFrame, type HubFrame } from "#protocol/hub";
import type { ConversationSummary } from "#protocol/http";
import { getConfig } from "../env";
import { countOf, hubSocketRefusal, turnAway } from "../limits/sockets";

export class UserHub extends Server<Env> {
  static override options = { hibernate: true };

  override onConnect(connection: Connection): void {
    // Every socket here is the person's; the count is of the open ones, this one included.
    const open = countOf(this.getConnections());
    if (turnAway(connection, hubSocketRefusal(getConfig(this.env), this.name, open))) return;
    connection.send(encodeHubFrame({ type: "hello" }));
  }

  override onMessage(connection: Connection, raw: string | ArrayBuffer | ArrayBufferView): void {
    if (typeof raw === "string" && raw.includes('"ping"')) connection.send(encodeHubFrame({ type: "pong" }));
  }

  /** A conversation was created or changed: every device upserts it in its sidebar. */
  conversationChanged(conversation: ConversationSummary): void {
    this.push({ type: "conversation", conversation });
  }

  conversationDeleted(id: string): void {
    this.push({ type: "conversation_deleted", id });
  }

  private push(frame: HubFrame): void {
    this.broadcast(encodeHubFrame(frame));
  }
}
