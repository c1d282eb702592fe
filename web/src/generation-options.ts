/**
 * The composer's per-request switches (built-in tools, JSON mode) and the `options` they put in
 * the `send` frame. A switch only counts while the chosen model has the capability: the server
 * refuses options a model cannot honour, so they are never sent to it.
 */
import { useCallback, useState } from "react";
import type { GenerationOptions } from "#protocol/messages";
import type { ModelInfo } from "#protocol/http";

export interface OptionSwitches {
  tools: boolean;
  json: boolean;
}

export function optionsFor(
  model: Pick<ModelInfo, "caps"> | undefined,
  switches: OptionSwitches,
): GenerationOptions | undefined {
  if (!model) return undefined;
  const options: GenerationOptions = {};
  if (switches.tools && model.caps.tools) options.tools = true;
  if (switches.json && model.caps.json) options.responseFormat = "json";
  return Object.keys(options).length > 0 ? options : undefined;
}

export interface GenerationOptionsState {
  switches: OptionSwitches;
  setSwitch: (name: keyof OptionSwitches, on: boolean) => void;
}

export function useOptionSwitches(): GenerationOptionsState {
  const [switches, setSwitches] = useState<OptionSwitches>({ tools: false, json: false });
  const setSwitch = useCallback(
    (name: keyof OptionSwitches, on: boolean) => setSwitches((current) => ({ ...current, [name]: on })),
    [],
  );
  return { switches, setSwitch };
}
