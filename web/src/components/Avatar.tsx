/**
 * A person's circle of initials, and the words for roles and device counts: the header's presence
 * stack, its people list and the share dialog all draw people the same way.
 */
import type { Person, RoomRoleName } from "#protocol/frames";
import { initialsOf } from "../initials.ts";
import { accountLabel, useSession } from "../session.ts";

/** "Ana Lopez" → "AL", "ana" → "A", a guest → "G" (the rule of initials.ts). */
export function initials(person: Pick<Person, "name" | "kind">): string {
  return person.kind === "guest" ? "G" : initialsOf(person.name);
}

export const ROLE_LABELS: Record<RoomRoleName, string> = {
  owner: "Owner",
  editor: "Can write",
  viewer: "Watching",
};

export function devicesLabel(devices: number): string {
  return devices === 1 ? "1 device" : `${devices} devices`;
}

/**
 * One person's circle. For oneself the letters come from one's own account, as in the account
 * menu and Settings: the room only knows "Owner" for an account without a display name.
 */
export function Avatar({
  person,
  size = "sm",
  self = false,
  title,
}: {
  person: Person;
  size?: "sm" | "md";
  self?: boolean;
  /** A tooltip with the person's name (in the stack, where the name is not written next to it). */
  title?: string;
}) {
  const me = useSession();
  const letters =
    self && me?.kind === "user" && person.kind === "user" ? initialsOf(accountLabel(me)) : initials(person);
  const tone = person.kind === "guest" ? "bg-subtle text-muted" : "bg-accent-soft text-accent";
  const box = size === "sm" ? "size-7 text-[10.5px]" : "size-8 text-xs";
  return (
    <span
      aria-hidden="true"
      title={title}
      data-testid="avatar"
      className={`grid shrink-0 place-items-center rounded-full font-semibold tracking-tight ring-2 ring-canvas ${box} ${tone}`}
    >
      {letters}
    </span>
  );
}
