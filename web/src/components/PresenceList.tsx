/** The list behind the header's avatar stack: everyone here, their devices and what they may do. */
import type { ReactNode } from "react";
import * as Popover from "@radix-ui/react-popover";
import type { Person } from "#protocol/frames";
import { Avatar, devicesLabel, ROLE_LABELS } from "./Avatar.tsx";

export default function PresenceList({
  people,
  selfId,
  viewers,
  open,
  onOpenChange,
  triggerLabel,
  triggerTitle,
  triggerClass,
  children,
}: {
  people: readonly Person[];
  selfId: string | null;
  viewers: number;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  triggerLabel: string;
  triggerTitle: string;
  triggerClass: string;
  children: ReactNode;
}) {
  return (
    <Popover.Root open={open} onOpenChange={onOpenChange}>
      <Popover.Trigger aria-label={triggerLabel} title={triggerTitle} className={triggerClass}>
        {children}
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          collisionPadding={8}
          className="z-50 w-64 rounded-xl border border-line bg-surface p-1.5 text-ink shadow-pop motion-safe:animate-pop-in"
        >
          <p className="px-2 pt-1 pb-1.5 text-xs text-muted">
            {people.length === 1 ? "1 person" : `${people.length} people`} · {devicesLabel(viewers)}
          </p>
          <ul aria-label="People in this chat" data-testid="people-list">
            {people.map((person) => (
              <li key={person.id} className="flex items-center gap-2.5 rounded-lg px-2 py-1.5">
                <Avatar person={person} size="md" self={person.id === selfId} />
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium">
                    {person.name}
                    {person.id === selfId && <span className="font-normal text-muted"> (you)</span>}
                  </p>
                  <p className="text-xs text-muted">
                    {/* An owner without a display name is already called "Owner". */}
                    {person.name !== ROLE_LABELS[person.role] && `${ROLE_LABELS[person.role]} · `}
                    {devicesLabel(person.devices)}
                    {person.typing && " · typing…"}
                  </p>
                </div>
              </li>
            ))}
          </ul>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
