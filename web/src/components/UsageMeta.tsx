/**
 * The muted usage under an answer: the tokens it wrote and what it cost ("208 tokens · $0.0012").
 * The split (the context sent in, cached and reasoning parts) opens in a small popover, so the
 * line stays short and the detail is still there on touch screens and from the keyboard.
 *
 * The popover (UsageDetail.tsx, with Radix) is a separate chunk: every answer shows this line, so
 * a static import would put Radix's popover and its positioning code in the first load. The plain
 * button below stands in until the first click; pointing at it or focusing it fetches the chunk.
 */
import { lazy, Suspense, useState } from "react";
import type { Usage } from "#protocol/messages";
import { formatAnswerCost, formatTokens } from "../format.ts";

const loadDetail = () => import("./UsageDetail.tsx");
const UsageDetail = lazy(loadDetail);

const triggerClass =
  "-mx-1 rounded-md px-1 py-0.5 tabular-nums transition-colors hover:bg-hover hover:text-ink data-[state=open]:bg-hover data-[state=open]:text-ink";

export function UsageMeta({ usage }: { usage: Usage }) {
  const [open, setOpen] = useState(false);
  const [used, setUsed] = useState(false);
  const summary = `${formatTokens(usage)} · ${formatAnswerCost(usage.costUsd)}`;
  const label = `${summary}. Usage details`;
  const trigger = (
    <button
      type="button"
      data-testid="message-usage"
      aria-label={label}
      aria-haspopup="dialog"
      className={triggerClass}
      onPointerEnter={() => void loadDetail()}
      onFocus={() => void loadDetail()}
      onClick={() => {
        setUsed(true);
        setOpen(true);
      }}
    >
      {summary}
    </button>
  );
  if (!used) return trigger;
  return (
    <Suspense fallback={trigger}>
      <UsageDetail
        usage={usage}
        open={open}
        onOpenChange={setOpen}
        triggerLabel={label}
        triggerClass={triggerClass}
      >
        {summary}
      </UsageDetail>
    </Suspense>
  );
}
