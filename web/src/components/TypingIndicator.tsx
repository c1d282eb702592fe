/** "Ana is typing…" above the composer, for everyone else in the room who has an unsent draft. */
import { PenLine } from "lucide-react";
import type { Person } from "#protocol/frames";

export function typingText(people: readonly Person[], selfId: string | null): string | null {
  const names = people.filter((p) => p.typing && p.id !== selfId).map((p) => p.name);
  if (names.length === 0) return null;
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

export function TypingIndicator({ people, selfId }: { people: readonly Person[]; selfId: string | null }) {
  const text = typingText(people, selfId);
  return (
    <div className="mx-auto h-5 w-full max-w-3xl px-5 sm:px-8" aria-live="polite" data-testid="typing">
      {text && (
        <p className="flex items-center gap-1.5 text-xs text-muted motion-safe:animate-fade-in">
          <PenLine size={12} aria-hidden />
          {text}
        </p>
      )}
    </div>
  );
}
