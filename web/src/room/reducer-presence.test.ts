// Unit tests of the room reducer for presence: who this connection is, who else is here, and who
// may write.
// Run: `npx vitest run --config vitest.e2e.config.ts web/src/room/reducer-presence.test.ts`.
import { describe, expect, it } from "vitest";
import { canWrite, roomReducer } from "./reducer.ts";
import { initialRoomState } from "./state.ts";
import { CONV, person, SELF, snapshot, run } from "./reducer-fixtures.ts";

describe("roomReducer: presence", () => {
  it("the snapshot says who we are; presence frames update the people and the count", () => {
    const start = run(initialRoomState(CONV), snapshot([])).state;
    expect(start.self).toEqual(SELF);
    expect(canWrite(start.self?.role)).toBe(true);
    const ana = person({ id: "p2", name: "Ana", kind: "user", role: "editor", typing: true });
    const { state } = run(start, {
      type: "presence",
      viewers: 3,
      people: [person({ id: "me", devices: 2 }), ana],
    });
    expect(state.viewers).toBe(3);
    expect(state.people.map((p) => [p.name, p.devices, p.typing])).toEqual([
      ["Guest", 2, false],
      ["Ana", 1, true],
    ]);
    const expired = run(state, { type: "expire-typing" }).state;
    expect(expired.people.some((p) => p.typing)).toBe(false);
    // Nothing to expire: the same state object (no re-render).
    expect(roomReducer(expired, { type: "expire-typing" }).state).toBe(expired);
  });

  it("viewers may not write", () => {
    expect(canWrite("viewer")).toBe(false);
    expect(canWrite("editor")).toBe(true);
    expect(canWrite(null)).toBe(false);
  });
});
