// @vitest-environment happy-dom
// `npx vitest run --config vitest.e2e.config.ts web/src/components/Presence.test.tsx`
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Person } from "#protocol/frames";
import { initials as accountInitials } from "./AccountFace.tsx";
import { MAX_AVATARS, Presence } from "./Presence.tsx";
import { initials } from "./Avatar.tsx";

afterEach(cleanup);

const person = (id: string, name: string, kind: Person["kind"] = "user"): Person => ({
  id,
  name,
  kind,
  role: "viewer",
  devices: 1,
  typing: false,
});

describe("presence avatars", () => {
  it("use the same letters as the account menu and Settings for the same name", () => {
    const user = {
      kind: "user",
      id: "u1",
      email: "nina@example.com",
      displayName: "Nina Tester",
    } as Parameters<typeof accountInitials>[0];
    expect(initials(person("p", "Nina Tester"))).toBe("NT");
    expect(accountInitials(user)).toBe("NT");
    expect(initials(person("g", "Guest", "guest"))).toBe("G");
  });

  it(`show at most ${MAX_AVATARS} circles, then a +k count naming the rest, each with a name to hover`, () => {
    const people = [
      person("a", "Ana Lopez"),
      person("b", "Bo Chen"),
      person("c", "Guest", "guest"),
      person("d", "Dee Dee"),
      person("me", "Nina Tester"),
    ];
    render(<Presence people={people} selfId="me" viewers={5} live={false} />);
    const avatars = screen.getAllByTestId("avatar");
    expect(avatars.map((a) => a.textContent)).toEqual(["AL", "BC", "G"]);
    expect(avatars.map((a) => a.getAttribute("title"))).toEqual(["Ana Lopez", "Bo Chen", "Guest"]);
    const more = screen.getByTestId("avatar-more");
    expect(more.textContent).toBe("+2");
    expect(more.getAttribute("title")).toBe("Dee Dee\nNina Tester (you)");
    expect(screen.getByTestId("viewers").textContent).toBe("5 watching");
  });

  it("show everyone when they fit, oneself last", () => {
    render(
      <Presence
        people={[person("me", "Nina Tester"), person("g", "Guest", "guest")]}
        selfId="me"
        viewers={2}
        live
      />,
    );
    const avatars = screen.getAllByTestId("avatar");
    expect(avatars.map((a) => a.textContent)).toEqual(["G", "NT"]);
    expect(avatars[1]?.getAttribute("title")).toBe("Nina Tester (you)");
    expect(screen.queryByTestId("avatar-more")).toBeNull();
  });
});
