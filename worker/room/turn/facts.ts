/**
 * What admission needs to know before a turn may start (the person's own keys, their limits and
 * this month's usage, the catalogue row of the model), kept by the room between turns so that a
 * warm room admits a turn without asking D1 anything.
 *
 * A copy is filled by one D1 batch that also registers the room in `room_caches`; whoever
 * changes one of these facts (an admin, a person saving a key, another room spending) reads that
 * registry after its write and tells the rooms listed, which drop their copy before the change is
 * confirmed. Because the registration and the read are one transaction, a change either lands
 * before the read (which then sees it) or finds the room registered. A copy never outlives its
 * registration. docs/decisions/0004-admission-facts-in-the-room.md has the whole argument.
 */
import { decryptProviderKeys, providerKeyRowsQuery } from "../../auth/key-vault";
import { inOrderOf, unsentAttachmentsQuery } from "../../db/attachments";
import type { Db } from "../../db/queries";
import { roomCaches, type Attachment } from "../../db/schema";
import { monthRange, totalFrom, userMonthTotalQuery } from "../../db/usage";
import { getConfig } from "../../env";
import { limitsRowQuery, type Subject } from "../../limits";
import type { UsageTotals } from "#protocol/http";
import type { Usage } from "#protocol/messages";
import { catalogueModelFrom, modelRowQuery, type CatalogueModel } from "../../providers/catalogue";

/** How long a room keeps (and stays registered for) what it read. */
export const FACTS_TTL_MS = 10 * 60_000;

type LimitRows = Awaited<ReturnType<typeof limitsRowQuery>>;

interface PersonFacts {
  ownKeys: Map<string, string>;
  limitRows: LimitRows;
  /** This month's usage paid by the server, as of the read plus this room's answers since. */
  used: UsageTotals;
  month: string;
  expiresAt: number;
}

/** What admission decides a turn on. */
export interface AdmissionFacts {
  ownKeys: Map<string, string>;
  /** The catalogue entry of the model the plan names (a regenerate may pick its model later). */
  planned: CatalogueModel | undefined;
  uploads: Attachment[];
  uploadIds: string[];
  limitRows: LimitRows;
  used: UsageTotals;
  readAt: Date;
}

export class AdmissionCache {
  private readonly people = new Map<string, PersonFacts>();
  private readonly models = new Map<string, { model: CatalogueModel | undefined; expiresAt: number }>();
  /** The latest registration of this room; no copy may outlive it. */
  private registeredUntil = 0;
  /** Bumped by `drop`, so a read that started before a change is not kept. */
  private epoch = 0;

  constructor(
    private readonly env: Env,
    private readonly roomId: string,
  ) {}

  /** The facts for a turn: from memory when fresh, or one D1 batch (which registers the room). */
  async read(
    db: Db,
    subject: Subject,
    plannedModel: string | undefined,
    uploadIds: string[],
  ): Promise<AdmissionFacts> {
    const now = Date.now();
    const month = monthRange(new Date(now)).month;
    const person = this.people.get(subject.userId);
    const model = plannedModel === undefined ? undefined : this.cachedModel(plannedModel, now);
    // Uploads are new on every request: a turn that carries files always reads.
    if (
      person &&
      person.expiresAt > now &&
      person.month === month &&
      model !== null &&
      uploadIds.length === 0
    ) {
      return { ...person, planned: model, uploads: [], uploadIds, readAt: new Date(now) };
    }
    const epoch = this.epoch;
    const expiresAt = now + FACTS_TTL_MS;
    const [, keyRows, modelRows, uploadRows, limitRows, usedRows] = await db.batch([
      db
        .insert(roomCaches)
        .values({ roomId: this.roomId, userId: subject.userId, expiresAt })
        .onConflictDoUpdate({ target: [roomCaches.roomId, roomCaches.userId], set: { expiresAt } }),
      providerKeyRowsQuery(db, subject.userId),
      modelRowQuery(db, plannedModel ?? ""),
      unsentAttachmentsQuery(db, uploadIds, subject.userId),
      limitsRowQuery(db, subject),
      userMonthTotalQuery(db, subject.userId, monthRange(new Date(now)), { serverPaidOnly: true }),
    ]);
    const config = getConfig(this.env);
    // A person's own key replaces the server's for its provider (and is not billed to quotas).
    const ownKeys =
      subject.kind === "user" && config.ENCRYPTION_KEY
        ? await decryptProviderKeys(config.ENCRYPTION_KEY, subject.userId, keyRows)
        : new Map<string, string>();
    const planned = plannedModel ? catalogueModelFrom(this.env, plannedModel, modelRows) : undefined;
    const fresh: PersonFacts = { ownKeys, limitRows, used: totalFrom(usedRows), month, expiresAt };
    if (epoch === this.epoch) {
      this.registeredUntil = Math.max(this.registeredUntil, expiresAt);
      this.people.set(subject.userId, fresh);
      if (plannedModel) this.models.set(plannedModel, { model: planned, expiresAt });
    }
    return { ...fresh, planned, uploads: inOrderOf(uploadIds, uploadRows), uploadIds, readAt: new Date(now) };
  }

  /** A model a turn picked after shaping (a regenerate keeps the answer's model), cached too. */
  async model(db: Db, id: string): Promise<CatalogueModel | undefined> {
    const now = Date.now();
    const cached = this.cachedModel(id, now);
    if (cached !== null) return cached;
    const epoch = this.epoch;
    const model = catalogueModelFrom(this.env, id, await modelRowQuery(db, id));
    // Kept only as long as the room is registered (it was, for the turn asking).
    if (epoch === this.epoch && this.registeredUntil > now) {
      this.models.set(id, { model, expiresAt: this.registeredUntil });
    }
    return model;
  }

  /** Adds an answer this room just finished to its author's usage (server-paid answers only). */
  spent(userId: string, usage: Usage): void {
    const person = this.people.get(userId);
    if (!person) return;
    person.used = {
      ...person.used,
      answers: person.used.answers + 1,
      inputTokens: person.used.inputTokens + usage.inputTokens,
      outputTokens: person.used.outputTokens + usage.outputTokens,
      costUsd: person.used.costUsd + usage.costUsd,
    };
  }

  /** Forgets one person's facts, or everything (a catalogue or limits change). */
  drop(userId?: string): void {
    this.epoch++;
    if (userId === undefined) {
      this.people.clear();
      this.models.clear();
    } else {
      this.people.delete(userId);
    }
  }

  /** A fresh cached model (`undefined` when it does not exist), or null when it must be read. */
  private cachedModel(id: string, now: number): CatalogueModel | undefined | null {
    const entry = this.models.get(id);
    return entry && entry.expiresAt > now ? entry.model : null;
  }
}
