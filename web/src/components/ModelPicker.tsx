/**
 * The model picker: a popover with a search box and a listbox grouped by provider, each model with
 * its capability badges and price. Keyboard: type to filter, ↑/↓ to move, Enter to choose, Esc to
 * close. Opened from the composer or with Ctrl/Cmd+/ (App's shortcuts).
 *
 * A model the person's plan leaves out carries that plan's name ("Pro"); choosing it offers the
 * upgrade (Settings → Plan) instead of picking a model every send would be refused with.
 *
 * With nothing but the built-in demo set up, the list ends with how to get real models: an own
 * key in Settings → API keys, or provider keys set by whoever runs the server (docs/providers.md).
 */
import { useMemo, useState, type KeyboardEvent } from "react";
import * as Popover from "@radix-ui/react-popover";
import { Brain, Check, Eye, KeyRound, Lock } from "lucide-react";
import type { ListedModel } from "../api/chat.ts";
import { formatContext, formatPrice, groupModels } from "../model-groups.ts";
import { onLinkClick } from "../router.ts";
import { ModelTriggerLabel, modelTriggerClass } from "./ModelTriggerLabel.tsx";
import { UpgradeOffer } from "./UpgradeLink.tsx";

interface ModelPickerProps {
  models: ListedModel[];
  value: string | null;
  onChange: (id: string) => void;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export default function ModelPicker({ models, value, onChange, open, onOpenChange }: ModelPickerProps) {
  const current = models.find((m) => m.id === value);
  return (
    <Popover.Root open={open} onOpenChange={onOpenChange}>
      <Popover.Trigger
        disabled={models.length === 0}
        aria-label={`Model: ${current?.name ?? "loading"}`}
        data-testid="model-picker"
        className={modelTriggerClass}
      >
        <ModelTriggerLabel model={current} />
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          side="top"
          align="start"
          sideOffset={8}
          collisionPadding={8}
          className="z-50 w-[min(24rem,calc(100vw-1.5rem))] overflow-hidden rounded-xl border border-line bg-surface text-ink shadow-pop motion-safe:animate-pop-in"
        >
          <ModelList
            models={models}
            value={value}
            onChoose={(id) => {
              onChange(id);
              onOpenChange(false);
            }}
            onClose={() => onOpenChange(false)}
          />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

function ModelList({
  models,
  value,
  onChoose,
  onClose,
}: {
  models: ListedModel[];
  value: string | null;
  onChoose: (id: string) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState("");
  /** A model the plan leaves out, just chosen: the upgrade is offered below the list. */
  const [locked, setLocked] = useState<ListedModel | null>(null);
  const choose = (model: ListedModel) => {
    if (model.requiresPlan) setLocked(model);
    else onChoose(model.id);
  };
  const groups = useMemo(() => groupModels(models, query), [models, query]);
  const flat = useMemo(() => groups.flatMap((g) => g.models), [groups]);
  const [active, setActive] = useState(() =>
    Math.max(
      0,
      flat.findIndex((m) => m.id === value),
    ),
  );
  const activeIndex = Math.min(active, Math.max(flat.length - 1, 0));
  const activeId = flat[activeIndex] ? `model-option-${flat[activeIndex].id}` : undefined;

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = (activeIndex + step + flat.length) % Math.max(flat.length, 1);
      setActive(next);
      document.getElementById(`model-option-${flat[next]?.id}`)?.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter") {
      event.preventDefault();
      const chosen = flat[activeIndex];
      if (chosen) choose(chosen);
    }
  };

  return (
    <div>
      <div className="border-b border-line p-2">
        <input
          autoFocus
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          placeholder="Search models…"
          aria-label="Search models"
          role="combobox"
          aria-expanded="true"
          aria-controls="model-listbox"
          aria-activedescendant={activeId}
          className="h-9 w-full rounded-lg bg-subtle px-3 text-sm placeholder:text-muted focus:outline-none"
        />
      </div>
      <div
        id="model-listbox"
        role="listbox"
        aria-label="Models"
        className="max-h-[min(22rem,50vh)] overflow-y-auto p-1.5"
      >
        {groups.length === 0 && <p className="px-3 py-6 text-center text-sm text-muted">No model matches.</p>}
        {groups.map((group) => (
          <div key={group.provider} role="group" aria-labelledby={`provider-${group.provider}`}>
            <div
              id={`provider-${group.provider}`}
              className="px-2.5 pt-2 pb-1 text-[11px] font-semibold tracking-wide text-muted uppercase"
            >
              {group.label}
            </div>
            {group.models.map((model) => {
              const index = flat.indexOf(model);
              const selected = model.id === value;
              return (
                <div
                  key={model.id}
                  id={`model-option-${model.id}`}
                  role="option"
                  aria-selected={selected}
                  data-active={index === activeIndex}
                  data-locked={model.requiresPlan ? "true" : undefined}
                  onMouseMove={() => setActive(index)}
                  onClick={() => choose(model)}
                  className="flex items-center gap-2 rounded-lg px-2.5 py-2 data-[active=true]:bg-hover"
                >
                  <div className="min-w-0 flex-1">
                    <div className="flex items-center gap-1.5">
                      <span
                        className={`truncate text-sm font-medium ${model.requiresPlan ? "text-muted" : ""}`}
                      >
                        {model.name}
                      </span>
                      {model.requiresPlan && (
                        <span
                          title={`Needs the ${model.requiresPlan.name} plan`}
                          data-testid="model-plan-badge"
                          className="inline-flex items-center gap-0.5 rounded-md px-1.5 py-px text-[10.5px] font-semibold text-accent ring-1 ring-accent/40 ring-inset"
                        >
                          <Lock size={10} aria-hidden />
                          {model.requiresPlan.name}
                          <span className="sr-only"> plan needed</span>
                        </span>
                      )}
                      {model.caps.vision && (
                        <span
                          title="Vision: understands images"
                          className="inline-flex items-center gap-0.5 rounded-md bg-subtle px-1.5 py-px text-[10.5px] text-muted"
                        >
                          <Eye size={11} aria-hidden />
                          Vision
                        </span>
                      )}
                      {model.caps.reasoning && (
                        <span
                          title="Reasoning: thinks before answering"
                          className="inline-flex items-center gap-0.5 rounded-md bg-accent-soft px-1.5 py-px text-[10.5px] text-accent"
                        >
                          <Brain size={11} aria-hidden />
                          Reasoning
                        </span>
                      )}
                    </div>
                    <div className="mt-0.5 text-xs text-muted">
                      {formatContext(model.context)} context · {formatPrice(model)}
                      {formatPrice(model) !== "Free" && (
                        <span className="sr-only"> per million tokens in and out</span>
                      )}
                    </div>
                  </div>
                  {selected && <Check size={15} aria-hidden className="shrink-0 text-accent" />}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      {models.length > 0 && models.every((m) => m.provider === "demo") && (
        <AddProvidersHint onNavigate={onClose} />
      )}
      {locked?.requiresPlan && (
        <UpgradeOffer
          modelName={locked.name}
          planName={locked.requiresPlan.name}
          onNavigate={onClose}
          onDismiss={() => setLocked(null)}
        />
      )}
    </div>
  );
}

/** Under a list that holds only the demo: where real models come from. */
function AddProvidersHint({ onNavigate }: { onNavigate: () => void }) {
  return (
    <div
      data-testid="add-providers-hint"
      className="flex gap-2.5 border-t border-line bg-subtle/60 px-3.5 py-3 text-[13px] leading-snug text-muted"
    >
      <KeyRound size={15} aria-hidden className="mt-px shrink-0" />
      <p>
        Only the demo model is set up. For OpenAI, Anthropic, Gemini, OpenRouter or DeepSeek, add your own key
        in{" "}
        <a
          href="/settings#keys"
          onClick={(event) => {
            onNavigate();
            onLinkClick(event);
          }}
          className="font-medium text-ink underline underline-offset-2 hover:text-accent"
        >
          Settings → API keys
        </a>
        , or ask whoever runs this server to set provider keys.
      </p>
    </div>
  );
}
