// What a share link's holder learns about the people in a room: a chosen display name or a neutral
// label, never any part of anyone's email address.
import { describe, expect, it } from "vitest";
import type { Person } from "#protocol/frames";
import type { Share } from "#protocol/sharing";
import { connectRoom, createConversation, isType, newGuest, workerFetch } from "./helpers";

/** Signs a fresh browser up and returns its cookies (session and refresh). */
async function signUp(email: string, displayName?: string): Promise<string> {
  const response = await workerFetch("/api/v1/auth/signup", {
    method: "POST",
    headers: { cookie: await newGuest(), "content-type": "application/json" },
    body: JSON.stringify({
      email,
      password: "correct horse battery",
      ...(displayName ? { displayName } : {}),
    }),
  });
  expect(response.status).toBe(200);
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0]!)
    .filter((cookie) => !cookie.endsWith("="))
    .join("; ");
}

async function shareLink(cookie: string, id: string, mode: "watch" | "collaborate"): Promise<Share> {
  const response = await workerFetch(`/api/v1/conversations/${id}/share`, {
    method: "PUT",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ mode }),
  });
  expect([200, 201]).toContain(response.status);
  return (await response.json<{ share: Share }>()).share;
}

/** The people a socket sees once `count` of them are in the room. */
async function peopleSeenBy(
  client: Awaited<ReturnType<typeof connectRoom>>,
  count: number,
): Promise<Person[]> {
  const frame = await client.waitFor((f) => f.type === "presence" && f.people.length === count);
  if (frame.type !== "presence") throw new Error("unreachable");
  return frame.people;
}

describe("names in a shared room", () => {
  it("never show a watch-link viewer any part of the owner's email", async () => {
    const localPart = `alice.secret-name-${crypto.randomUUID().slice(0, 6)}`;
    const owner = await signUp(`${localPart}@example.com`);
    const id = await createConversation(owner);
    const link = await shareLink(owner, id, "watch");

    const ownerSocket = await connectRoom(id, owner);
    const viewer = await connectRoom(id, await newGuest(), `?share=${link.token}`);
    expect((await viewer.waitFor(isType("snapshot"))).self.role).toBe("viewer");
    const people = await peopleSeenBy(viewer, 2);

    expect(people.find((person) => person.role === "owner")).toMatchObject({ name: "Owner", kind: "user" });
    expect(people.find((person) => person.role === "viewer")).toMatchObject({ name: "Guest", kind: "guest" });
    // Nothing the viewer received, snapshot included, carries the address or a piece of it.
    const everything = viewer.raw.join("\n").toLowerCase();
    expect(everything).not.toContain(localPart);
    expect(everything).not.toContain("alice");
    expect(everything).not.toContain("@example.com");
    ownerSocket.close();
    viewer.close();
  });

  it("show a chosen display name, and a neutral label for an account without one", async () => {
    const owner = await signUp(`owner-${crypto.randomUUID().slice(0, 8)}@example.com`, "Ana Lopez");
    const id = await createConversation(owner);
    const link = await shareLink(owner, id, "collaborate");
    const collaboratorLocal = `bob.private-${crypto.randomUUID().slice(0, 6)}`;
    const collaborator = await signUp(`${collaboratorLocal}@example.com`);

    const ownerSocket = await connectRoom(id, owner);
    const guest = await connectRoom(id, collaborator, `?share=${link.token}`);
    const people = await peopleSeenBy(ownerSocket, 2);

    expect(people.find((person) => person.role === "owner")?.name).toBe("Ana Lopez");
    expect(people.find((person) => person.role === "editor")).toMatchObject({ name: "Member", kind: "user" });
    expect(ownerSocket.raw.join("\n")).not.toContain(collaboratorLocal);
    ownerSocket.close();
    guest.close();
  });
});
