/**
 * Who is in the room, in the header: a small stack of avatars (initials; "G" for guests), the
 * number of open devices, and a "Live" pill when the room is shared. The avatars open a list of
 * names with their device counts (a separate chunk, loaded on first use).
 */
import { lazy, Suspense, useState } from "react";
import type { Person } from "#protocol/frames";
import { Avatar, devicesLabel } from "./Avatar.tsx";

const PresenceList = lazy(() => import("./PresenceList.tsx"));

/** One line per person for the tooltip: "Ana (you) · 2 devices". */
export function describePeople(people: readonly Person[], selfId: string | null): string {
  return people
    .map((p) => `${p.name}${p.id === selfId ? " (you)" : ""} · ${devicesLabel(p.devices)}`)
    .join("\n");
}

/** At most this many circles in the header; the rest are a "+k" count. */
export const MAX_AVATARS = 3;

function nameOf(person: Person, selfId: string | null): string {
  return person.id === selfId ? `${person.name} (you)` : person.name;
}

/**
 * Overlapping circles, each ringed in the page colour. The overlap is small (2 px, plus the 2 px
 * ring) so that a neighbour covers only a circle's empty edge, never its letters, even "MW".
 */
function Stack({ people, selfId }: { people: readonly Person[]; selfId: string | null }) {
  const shown = people.slice(0, MAX_AVATARS);
  const hidden = people.slice(shown.length);
  return (
    <span className="flex items-center -space-x-0.5" data-testid="avatar-stack">
      {shown.map((person) => (
        <Avatar key={person.id} person={person} self={person.id === selfId} title={nameOf(person, selfId)} />
      ))}
      {hidden.length > 0 && (
        <span
          data-testid="avatar-more"
          title={hidden.map((person) => nameOf(person, selfId)).join("\n")}
          className="grid h-7 min-w-7 place-items-center rounded-full bg-subtle px-1 text-[10.5px] font-semibold text-muted ring-2 ring-canvas"
        >
          +{hidden.length}
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
      <Stack people={ordered} selfId={selfId} />
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
