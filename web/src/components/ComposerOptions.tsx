/**
 * Small switches beside the model picker: "Tools" lets the model use Parley's built-in tools
 * (clock, calculator); "JSON" asks for a JSON answer. Each appears only for models that can.
 */
import type { ReactNode } from "react";
import { Braces, Wrench } from "lucide-react";
import type { ModelInfo } from "#protocol/http";
import type { OptionSwitches } from "../generation-options.ts";

interface ComposerOptionsProps {
  model: Pick<ModelInfo, "caps"> | undefined;
  switches: OptionSwitches;
  onSwitch: (name: keyof OptionSwitches, on: boolean) => void;
}

export function ComposerOptions({ model, switches, onSwitch }: ComposerOptionsProps) {
  if (!model || (!model.caps.tools && !model.caps.json)) return null;
  return (
    <div className="flex items-center gap-1" role="group" aria-label="Answer options">
      {model.caps.tools && (
        <Switch
          label="Tools"
          title="Let the model use the built-in tools: current time and a calculator"
          on={switches.tools}
          onChange={(on) => onSwitch("tools", on)}
          icon={<Wrench size={13} aria-hidden />}
        />
      )}
      {model.caps.json && (
        <Switch
          label="JSON"
          title="Ask for the answer as a JSON object"
          on={switches.json}
          onChange={(on) => onSwitch("json", on)}
          icon={<Braces size={13} aria-hidden />}
        />
      )}
    </div>
  );
}

function Switch({
  label,
  title,
  on,
  onChange,
  icon,
}: {
  label: string;
  title: string;
  on: boolean;
  onChange: (on: boolean) => void;
  icon: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-pressed={on}
      title={title}
      onClick={() => onChange(!on)}
      className={`flex h-8 shrink-0 items-center gap-1 rounded-lg px-2 text-[12.5px] font-medium transition-colors max-sm:h-10 max-sm:w-10 max-sm:justify-center ${
        on ? "bg-accent-soft text-accent" : "text-muted hover:bg-hover hover:text-ink"
      }`}
    >
      {icon}
      {/* Icons only on phones, where the row is narrow; the name stays for screen readers. */}
      <span className="max-sm:sr-only">{label}</span>
    </button>
  );
}
