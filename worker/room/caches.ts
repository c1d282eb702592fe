/**
 * Telling rooms that what they keep for admission changed (worker/room/turn/facts.ts). Called
 * after the change is written to D1 and before it is confirmed to whoever made it, so the change
 * applies to the very next turn in every room.
 */
import { and, eq, gt, lt, ne } from "drizzle-orm";
import { getServerByName } from "partyserver";
import { database } from "../db/queries";
import { roomCaches } from "../db/schema";
import { logError } from "../observability/log";

/** Rooms told at once; a change reaching many rooms goes out in waves of this size. */
const PARALLEL = 16;

export interface CacheScope {
  /** Only rooms holding this person's facts; all rooms (a catalogue or limits change) when absent. */
  userId?: string;
  /** A room that already knows (the one that made the change). */
  except?: string;
}

export async function dropRoomCaches(env: Env, scope: CacheScope = {}): Promise<void> {
  const db = database(env.DB);
  const now = Date.now();
  const rows = await db
    .selectDistinct({ roomId: roomCaches.roomId })
    .from(roomCaches)
    .where(
      and(
        gt(roomCaches.expiresAt, now),
        scope.userId !== undefined ? eq(roomCaches.userId, scope.userId) : undefined,
        scope.except !== undefined ? ne(roomCaches.roomId, scope.except) : undefined,
      ),
    );
  for (let i = 0; i < rows.length; i += PARALLEL) {
    const told = await Promise.allSettled(
      rows.slice(i, i + PARALLEL).map(async ({ roomId }) => {
        const room = await getServerByName(env.ConversationRoom, roomId);
        await room.dropCaches(scope.userId);
      }),
    );
    // A room that cannot be reached has lost its memory, and its copy with it.
    for (const result of told) {
      if (result.status === "rejected") logError("room_cache_drop_failed", { cause: result.reason });
    }
  }
  // Registrations that ran out are of no use to anyone; swept on the rare global changes.
  if (scope.userId !== undefined) return;
  await db
    .delete(roomCaches)
    .where(lt(roomCaches.expiresAt, now))
    .catch((cause: unknown) => logError("room_caches_cleanup_failed", { cause }));
}
