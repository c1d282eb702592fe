/**
 * The model picker's button. The picker itself (a Radix popover) is a separate chunk; this look-alike
 * stands in until it has loaded and opens it as soon as it arrives.
 */
import { lazy, Suspense } from "react";
import type { ListedModel } from "../api/chat.ts";
import { ModelTriggerLabel, modelTriggerClass } from "./ModelTriggerLabel.tsx";

const ModelPicker = lazy(() => import("./ModelPicker.tsx"));

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
