/**
 * The popover behind an answer's usage line (UsageMeta.tsx): the split into answer, context and
 * cost. A chunk of its own with Radix's popover, loaded when someone points at or opens the line.
 */
import type { ReactNode } from "react";
import * as Popover from "@radix-ui/react-popover";
import type { Usage } from "#protocol/messages";
import { formatCost, formatTokenCount } from "../format.ts";

export default function UsageDetail({
  usage,
  open,
  onOpenChange,
  triggerLabel,
  triggerClass,
  children,
}: {
  usage: Usage;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  triggerLabel: string;
  triggerClass: string;
  children: ReactNode;
}) {
  return (
    <Popover.Root open={open} onOpenChange={onOpenChange}>
      <Popover.Trigger data-testid="message-usage" aria-label={triggerLabel} className={triggerClass}>
        {children}
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          side="top"
          align="start"
          sideOffset={6}
          collisionPadding={8}
          data-testid="usage-detail"
          className="z-50 w-64 rounded-xl border border-line bg-surface p-3 text-[13px] text-ink shadow-pop motion-safe:animate-pop-in"
        >
          <dl className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1.5">
            <UsageRow
              label="Answer (output)"
              value={formatTokenCount(usage.outputTokens)}
              note={
                usage.reasoningTokens ? `${formatTokenCount(usage.reasoningTokens)} of thinking` : undefined
              }
            />
            <UsageRow
              label="Context (input)"
              value={formatTokenCount(usage.inputTokens)}
              note={
                usage.cachedInputTokens ? `${formatTokenCount(usage.cachedInputTokens)} cached` : undefined
              }
            />
            <UsageRow
              label="Cost"
              value={usage.costUsd === 0 ? "Free" : formatCost(usage.costUsd)}
              note={usage.costUsd === 0 ? "This model costs nothing to use" : undefined}
            />
          </dl>
          <p className="mt-2.5 border-t border-line pt-2 text-xs leading-snug text-muted">
            The context is the chat so far, sent again with each answer, so it grows with every turn.
          </p>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

function UsageRow({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <>
      <dt className="text-muted">{label}</dt>
      <dd className="text-right font-medium tabular-nums">{value}</dd>
      {note && <dd className="col-span-2 -mt-1 text-right text-xs text-muted">{note}</dd>}
    </>
  );
}
