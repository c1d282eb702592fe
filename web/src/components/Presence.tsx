/**
 * Who is in the room, in the header: a small stack of avatars (initials; "G" for guests), the
 * number of open devices, and a "Live" pill when the room is shared. The avatars open a list of
 * names with their device counts (a separate chunk, loaded on first use).
 */
import { lazy, Suspense, useState } from "react";
import type { Person, RoomRoleName } from "#protocol/frames";

const PresenceList = lazy(() => import("./PresenceList.tsx"));

/** "Ana Lopez" → "AL", "ana" → "A", a guest → "G". */
export function initials(person: Pick<Person, "name" | "kind">): string {
  if (person.kind === "guest") return "G";
  const words = person.name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)] : words.slice(0, 1);
  const result = letters.map((word) => [...(word ?? "")][0]?.toUpperCase() ?? "").join("");
  return result || "?";
}

export const ROLE_LABELS: Record<RoomRoleName, string> = {
  owner: "Owner",
  editor: "Can write",
  viewer: "Watching",
};

export function devicesLabel(devices: number): string {
  return devices === 1 ? "1 device" : `${devices} devices`;
}

/** One line per person for the tooltip: "Ana (you) · 2 devices". */
export function describePeople(people: readonly Person[], selfId: string | null): string {
  return people
    .map((p) => `${p.name}${p.id === selfId ? " (you)" : ""} · ${devicesLabel(p.devices)}`)
    .join("\n");
}

export function Avatar({ person, size = "sm" }: { person: Person; size?: "sm" | "md" }) {
  const tone = person.kind === "guest" ? "bg-subtle text-muted" : "bg-accent-soft text-accent";
  const box = size === "sm" ? "size-6 text-[10.5px]" : "size-8 text-xs";
  return (
    <span
      aria-hidden="true"
      className={`grid shrink-0 place-items-center rounded-full font-semibold ring-2 ring-canvas ${box} ${tone}`}
    >
      {initials(person)}
    </span>
  );
}

const MAX_AVATARS = 3;

function Stack({ people }: { people: readonly Person[] }) {
  const shown = people.slice(0, MAX_AVATARS);
  const more = people.length - shown.length;
  return (
    <span className="flex items-center -space-x-1.5">
      {shown.map((person) => (
        <Avatar key={person.id} person={person} />
      ))}
      {more > 0 && (
        <span className="grid size-6 place-items-center rounded-full bg-subtle text-[10.5px] font-medium text-muted ring-2 ring-canvas">
          +{more}
        </span>
      )}
    </span>
  );
}

interface PresenceProps {
  people: readonly Person[];
  selfId: string | null;
  /** Open devices in the room (all people). */
  viewers: number;
  /** The room is shared by link, or this person came in through one. */
  live: boolean;
}

export function Presence({ people, selfId, viewers, live }: PresenceProps) {
  const [open, setOpen] = useState(false);
  const [used, setUsed] = useState(false);
  // Others first: they are the news; this person is at the end of the stack.
  const ordered = [...people.filter((p) => p.id !== selfId), ...people.filter((p) => p.id === selfId)];
  const crowd = viewers > 1 || people.length > 1;
  const label = `${viewers} watching`;
  const triggerClass =
    "flex h-8 items-center gap-2 rounded-full py-1 pr-2.5 pl-1.5 text-xs font-medium text-muted transition-colors hover:bg-hover hover:text-ink data-[state=open]:bg-hover max-md:h-10";
  const content = (
    <>
      <Stack people={ordered} />
      <span data-testid="viewers" className="max-sm:sr-only">
        {label}
      </span>
    </>
  );
  const trigger = (
    <button
      type="button"
      aria-label={`${label}: show who is here`}
      title={describePeople(ordered, selfId)}
      className={triggerClass}
      onClick={() => {
        setUsed(true);
        setOpen(true);
      }}
    >
      {content}
    </button>
  );
  return (
    <div className="flex items-center gap-2" data-testid="presence">
      {live && (
        <span
          data-testid="live-pill"
          title="This chat is shared: others can follow it live"
          className="flex items-center gap-1.5 rounded-full bg-accent-soft px-2.5 py-1 text-xs font-medium text-accent"
        >
          <span className="inline-flex size-1.5 rounded-full bg-current" aria-hidden="true" />
          Live
        </span>
      )}
      {crowd &&
        (used ? (
          <Suspense fallback={trigger}>
            <PresenceList
              people={ordered}
              selfId={selfId}
              viewers={viewers}
              open={open}
              onOpenChange={setOpen}
              triggerLabel={`${label}: show who is here`}
              triggerTitle={describePeople(ordered, selfId)}
              triggerClass={triggerClass}
            >
              {content}
            </PresenceList>
          </Suspense>
        ) : (
          trigger
        ))}
    </div>
  );
}
