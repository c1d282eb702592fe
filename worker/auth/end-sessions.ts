/**
 * The one place where proving control of an account's mailbox ends everyone else's sessions: a
 * password reset, and a GitHub/Google sign-in taking over an account whose address was never
 * verified. The browser that proved it then gets a fresh session of its own.
 */
import type { Db } from "../db/queries";
import { endSessions } from "./sessions";

/** Ends every session of `userId` at once: their next request and their open sockets. */
export async function endOtherSessions(env: Env, db: Db, userId: string): Promise<void> {
  await endSessions(env, db, userId, {});
}
