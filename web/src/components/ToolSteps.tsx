/**
 * The tools an answer used, each as a collapsible step: a one-line summary ("Used calculate ·
 * 2+2 → 4", a spinner while the tool runs) that opens to the arguments and the result as JSON.
 */
import { useState } from "react";
import { ChevronRight, Loader2, Wrench } from "lucide-react";
import type { ToolCall } from "#protocol/messages";
import { prettyJson, summarizeToolCall } from "../answer-parts.ts";

export function ToolSteps({ calls }: { calls: readonly ToolCall[] }) {
  return (
    // Not <ul>: the answer's prose styles would give it bullets (and the streaming caret).
    <div role="list" className="my-3 flex flex-col gap-1" aria-label="Tool steps">
      {calls.map((call) => (
        <ToolStep key={call.id} call={call} />
      ))}
    </div>
  );
}

function ToolStep({ call }: { call: ToolCall }) {
  const [open, setOpen] = useState(false);
  const running = call.result === null;
  const panelId = `tool-step-${call.id}`;
  return (
    <div role="listitem" data-testid="tool-step" data-state={running ? "running" : "done"}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
        className="-ml-1.5 flex min-h-8 max-w-full items-center gap-1.5 rounded-lg px-1.5 text-left text-[13px] text-muted transition-colors hover:bg-hover hover:text-ink"
      >
        {running ? (
          <Loader2 size={14} aria-hidden className="shrink-0 motion-safe:animate-spin" />
        ) : (
          <Wrench size={14} aria-hidden className="shrink-0" />
        )}
        <span className="min-w-0 truncate font-mono text-[12.5px]">{summarizeToolCall(call)}</span>
        <ChevronRight
          size={14}
          aria-hidden
          className={`shrink-0 transition-transform duration-150 ${open ? "rotate-90" : ""}`}
        />
      </button>
      {open && (
        <div id={panelId} className="mt-1 mb-2 ml-1 space-y-2 border-l-2 border-line pl-3.5 text-[12.5px]">
          <StepBlock label="Arguments" text={prettyJson(call.arguments || "{}")} />
          {running ? (
            <p className="text-muted">Waiting for the result…</p>
          ) : (
            <StepBlock label="Result" text={prettyJson(call.result ?? "")} />
          )}
        </div>
      )}
    </div>
  );
}

function StepBlock({ label, text }: { label: string; text: string }) {
  return (
    <div>
      <div className="mb-1 text-[11px] font-semibold tracking-wide text-muted uppercase">{label}</div>
      <pre className="overflow-x-auto rounded-lg border border-line bg-code px-3 py-2 font-mono text-[12.5px] leading-[1.55] whitespace-pre">
        {text}
      </pre>
    </div>
  );
}
