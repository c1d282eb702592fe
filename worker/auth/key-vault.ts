/**
 * People's own provider API keys, encrypted at rest. Each user gets their own AES-GCM key,
 * derived with HKDF-SHA256 from the ENCRYPTION_KEY secret and the user id, and every stored key
 * its own random 96-bit IV; the user id is also bound as additional data, so a ciphertext copied
 * to another user's row does not decrypt. Plaintext keys exist only in memory, on the way to
 * the provider; only their last four characters ever leave the worker.
 */
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/queries";
import { providerKeys } from "../db/schema";
import { logError } from "../observability/log";
import type { StoredKey } from "#protocol/http";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function userKey(secret: string, userId: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: encoder.encode(userId),
      info: encoder.encode("parley provider key v1"),
    },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function saveProviderKey(
  db: Db,
  secret: string,
  userId: string,
  provider: string,
  apiKey: string,
): Promise<StoredKey> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(`${userId}:${provider}`) },
    await userKey(secret, userId),
    encoder.encode(apiKey),
  );
  const now = Date.now();
  const row = {
    userId,
    provider,
    ciphertext: toBase64(new Uint8Array(sealed)),
    iv: toBase64(iv),
    last4: apiKey.slice(-4),
    createdAt: now,
    updatedAt: now,
  };
  await db
    .insert(providerKeys)
    .values(row)
    .onConflictDoUpdate({
      target: [providerKeys.userId, providerKeys.provider],
      set: { ciphertext: row.ciphertext, iv: row.iv, last4: row.last4, updatedAt: now },
    });
  return { provider, last4: row.last4, updatedAt: now };
}

export async function listProviderKeys(db: Db, userId: string): Promise<StoredKey[]> {
  return db
    .select({ provider: providerKeys.provider, last4: providerKeys.last4, updatedAt: providerKeys.updatedAt })
    .from(providerKeys)
    .where(eq(providerKeys.userId, userId));
}

export async function deleteProviderKey(db: Db, userId: string, provider: string): Promise<boolean> {
  const rows = await db
    .delete(providerKeys)
    .where(and(eq(providerKeys.userId, userId), eq(providerKeys.provider, provider)))
    .returning({ provider: providerKeys.provider });
  return rows.length > 0;
}

/** The stored (encrypted) key rows of a user, as a query that can join a D1 batch. */
export function providerKeyRowsQuery(db: Db, userId: string) {
  return db.select().from(providerKeys).where(eq(providerKeys.userId, userId));
}

/** Every key of a user, decrypted, by provider; a row that fails to decrypt is skipped. */
export async function loadProviderKeys(db: Db, secret: string, userId: string): Promise<Map<string, string>> {
  return decryptProviderKeys(secret, userId, await providerKeyRowsQuery(db, userId));
}

/** Decrypts rows read by `providerKeyRowsQuery`. */
export async function decryptProviderKeys(
  secret: string,
  userId: string,
  rows: ReadonlyArray<typeof providerKeys.$inferSelect>,
): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  if (rows.length === 0) return keys;
  const key = await userKey(secret, userId);
  for (const row of rows) {
    try {
      const plain = await crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: fromBase64(row.iv),
          additionalData: encoder.encode(`${userId}:${row.provider}`),
        },
        key,
        fromBase64(row.ciphertext),
      );
      keys.set(row.provider, decoder.decode(plain));
    } catch {
      logError("provider_key_undecryptable", { provider: row.provider });
    }
  }
  return keys;
}
