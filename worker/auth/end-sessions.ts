/**
 * The one place where proving control of an account's mailbox ends everyone else's sessions: a
 * password reset, and a GitHub/Google sign-in taking over an account whose address was never
 * verified. The browser that proved it then gets a fresh session of its own.
 */
import type { Db } from "../db/queries";
import { revokeAllRefreshTokens } from "./accounts";

/** Ends every session of `userId`; other devices are out once their access token runs out. */
export async function endOtherSessions(db: Db, userId: string): Promise<void> {
  await revokeAllRefreshTokens(db, userId);
}
