/** The model button's face: the look-alike and the loaded picker's trigger draw the same. */
import { Brain, ChevronDown } from "lucide-react";
import type { ModelInfo } from "#protocol/http";

export const modelTriggerClass =
  "flex h-8 max-w-[62vw] min-w-0 items-center gap-1.5 rounded-lg px-2.5 text-[13px] font-medium text-muted transition-colors hover:bg-hover hover:text-ink data-[state=open]:bg-hover data-[state=open]:text-ink sm:max-w-xs max-sm:h-10";

export function ModelTriggerLabel({ model }: { model: ModelInfo | undefined }) {
  return (
    <>
      <span className="truncate">{model?.name ?? "Loading models…"}</span>
      {model?.caps.reasoning && <Brain size={13} aria-hidden className="shrink-0 opacity-70" />}
      <ChevronDown size={14} aria-hidden className="shrink-0" />
    </>
  );
}
