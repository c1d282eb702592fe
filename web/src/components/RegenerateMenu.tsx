/**
 * The "regenerate with another model" menu (a separate chunk: loaded the first time it is opened).
 * Models are grouped by provider like the composer's picker.
 */
import * as Menu from "@radix-ui/react-dropdown-menu";
import { ChevronDown } from "lucide-react";
import type { ModelInfo } from "#protocol/http";
import { groupModels } from "../model-groups.ts";

const itemClass =
  "flex h-9 items-center gap-2.5 rounded-md px-2.5 text-sm outline-none select-none data-[highlighted]:bg-hover max-md:h-11";

export default function RegenerateMenu({
  models,
  disabled,
  open,
  onOpenChange,
  onChoose,
  triggerClass,
}: {
  models: ModelInfo[];
  disabled: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onChoose: (model: string) => void;
  triggerClass: string;
}) {
  const groups = groupModels(models);
  return (
    <Menu.Root modal={false} open={open} onOpenChange={onOpenChange}>
      <Menu.Trigger
        disabled={disabled}
        aria-label="Regenerate with another model"
        title="Regenerate with another model"
        className={triggerClass}
      >
        <ChevronDown size={13} aria-hidden />
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content
          align="start"
          side="top"
          sideOffset={4}
          collisionPadding={8}
          className="z-50 max-h-[min(22rem,60vh)] min-w-56 overflow-y-auto rounded-xl border border-line bg-surface p-1 text-ink shadow-pop motion-safe:animate-pop-in"
        >
          <Menu.Label className="px-2.5 pt-1.5 pb-1 text-xs text-muted">Regenerate with…</Menu.Label>
          {groups.map((group) => (
            <Menu.Group key={group.provider}>
              <Menu.Label className="px-2.5 pt-2 pb-1 text-[11px] font-semibold tracking-wide text-muted uppercase">
                {group.label}
              </Menu.Label>
              {group.models.map((model) => (
                <Menu.Item key={model.id} className={itemClass} onSelect={() => onChoose(model.id)}>
                  <span className="truncate">{model.name}</span>
                </Menu.Item>
              ))}
            </Menu.Group>
          ))}
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
