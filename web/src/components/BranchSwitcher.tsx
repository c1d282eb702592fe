/**
 * `< 2/3 >` under a message that has alternatives (an edited prompt, a regenerated answer). The
 * arrows show the neighbouring version for everyone in the room (`switch_branch`); people who only
 * watch see where they are without the arrows.
 */
import { ChevronLeft, ChevronRight } from "lucide-react";
import { useBusy } from "./MessageActions.tsx";

interface BranchSwitcherProps {
  messageId: string;
  siblings: readonly string[];
  /** Absent for viewers: the position is shown without controls. */
  onSwitch?: (messageId: string) => void;
  /** An answer is being written: switching waits until it is done. */
  disabled?: boolean;
  /** "answer" or "prompt", for the accessible names. */
  noun: string;
}

const arrowClass =
  "grid size-7 place-items-center rounded-md text-muted transition-colors hover:bg-hover hover:text-ink disabled:pointer-events-none disabled:opacity-35 max-sm:size-10";

export function BranchSwitcher({
  messageId,
  siblings,
  onSwitch,
  disabled: off = false,
  noun,
}: BranchSwitcherProps) {
  const disabled = useBusy(off);
  const index = siblings.indexOf(messageId);
  if (siblings.length < 2 || index < 0) return null;
  const previous = siblings[index - 1];
  const next = siblings[index + 1];
  const position = `${index + 1}/${siblings.length}`;
  return (
    <div
      role="group"
      aria-label={`Version ${index + 1} of ${siblings.length} of this ${noun}`}
      data-testid="branch-switcher"
      data-position={position}
      className="flex items-center text-xs text-muted tabular-nums"
    >
      {onSwitch && (
        <button
          type="button"
          className={arrowClass}
          disabled={disabled || previous === undefined}
          aria-label={`Previous ${noun}`}
          title={disabled ? "Wait for the answer to finish" : `Previous ${noun}`}
          onClick={() => previous && onSwitch(previous)}
        >
          <ChevronLeft size={15} aria-hidden />
        </button>
      )}
      <span className="min-w-8 px-0.5 text-center" aria-hidden="true">
        {position}
      </span>
      {onSwitch && (
        <button
          type="button"
          className={arrowClass}
          disabled={disabled || next === undefined}
          aria-label={`Next ${noun}`}
          title={disabled ? "Wait for the answer to finish" : `Next ${noun}`}
          onClick={() => next && onSwitch(next)}
        >
          <ChevronRight size={15} aria-hidden />
        </button>
      )}
    </div>
  );
}
