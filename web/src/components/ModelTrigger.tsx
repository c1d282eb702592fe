/**
 * The model picker's button. The picker itself (a Radix popover) is a separate chunk; this look-alike
 * stands in until it has loaded and opens it as soon as it arrives.
 */
import { lazy, Suspense } from "react";
import { Brain, ChevronDown } from "lucide-react";
import type { ModelInfo } from "#protocol/http";
import type { ListedModel } from "../api.ts";

const ModelPicker = lazy(() => import("./ModelPicker.tsx"));

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

interface ModelButtonProps {
  models: ListedModel[];
  value: string | null;
  onChange: (id: string) => void;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function ModelButton(props: ModelButtonProps) {
  const current = props.models.find((m) => m.id === props.value);
  return (
    <Suspense
      fallback={
        <button
          type="button"
          disabled={props.models.length === 0}
          aria-label={`Model: ${current?.name ?? "loading"}`}
          data-testid="model-picker"
          onClick={() => props.onOpenChange(true)}
          className={modelTriggerClass}
        >
          <ModelTriggerLabel model={current} />
        </button>
      }
    >
      <ModelPicker {...props} />
    </Suspense>
  );
}
