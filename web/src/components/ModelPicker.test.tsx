// @vitest-environment happy-dom
// The picker and a model the person's plan leaves out: badged with the plan that has it, and
// choosing it offers the upgrade instead of selecting it:
// `npx vitest run --config vitest.e2e.config.ts web/src/components/ModelPicker.test.tsx`
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ListedModel } from "../api/chat.ts";
import ModelPicker from "./ModelPicker.tsx";

const model = (id: string, name: string, requiresPlan: ListedModel["requiresPlan"] = null): ListedModel => ({
  id,
  provider: "openai",
  name,
  context: 400_000,
  maxOutput: 128_000,
  caps: { reasoning: false, vision: false, tools: true, json: true, temperature: true },
  pricing: { inputPerMTok: 1, cachedInputPerMTok: 0.1, outputPerMTok: 4 },
  requiresPlan,
});

const models = [model("gpt-5-mini", "GPT-5 mini"), model("gpt-5", "GPT-5", { id: "pro", name: "Pro" })];

function open() {
  const onChange = vi.fn();
  const onOpenChange = vi.fn();
  render(
    <ModelPicker models={models} value="gpt-5-mini" onChange={onChange} open onOpenChange={onOpenChange} />,
  );
  return { onChange, onOpenChange };
}

afterEach(cleanup);

describe("a model the plan leaves out", () => {
  it("carries the name of the plan that has it", () => {
    open();
    const option = screen.getByRole("option", { name: /GPT-5 Pro/ });
    expect(option.querySelector('[data-testid="model-plan-badge"]')?.textContent).toContain("Pro");
    expect(screen.getByRole("option", { name: /GPT-5 mini/ }).querySelector("[data-testid]")).toBeNull();
  });

  it("offers the upgrade when chosen, and is not selected", () => {
    const { onChange, onOpenChange } = open();
    fireEvent.click(screen.getByRole("option", { name: /GPT-5 Pro/ }));
    expect(onChange).not.toHaveBeenCalled();
    const offer = screen.getByTestId("upgrade-offer");
    expect(offer.textContent).toContain("GPT-5 is part of the Pro plan.");
    const link = screen.getByRole("link", { name: "Upgrade to Pro" });
    expect(link.getAttribute("href")).toBe("/settings#plan");
    expect(document.activeElement).toBe(link);
    fireEvent.click(link);
    expect(onOpenChange).toHaveBeenCalledWith(false);
    expect(location.pathname).toBe("/settings");
  });

  it("by keyboard too; a model the plan has is chosen as before", () => {
    const { onChange } = open();
    const search = screen.getByRole("combobox", { name: "Search models" });
    fireEvent.keyDown(search, { key: "ArrowDown" });
    fireEvent.keyDown(search, { key: "Enter" });
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByTestId("upgrade-offer").textContent).toContain("GPT-5 is part of the Pro plan.");
    fireEvent.click(screen.getByRole("button", { name: "Not now" }));
    expect(screen.queryByTestId("upgrade-offer")).toBeNull();
    fireEvent.click(screen.getByRole("option", { name: /GPT-5 mini/ }));
    expect(onChange).toHaveBeenCalledWith("gpt-5-mini");
  });
});

describe("a set-up with only the demo", () => {
  const demo: ListedModel = {
    ...model("parley-demo", "Parley demo"),
    provider: "demo",
    pricing: { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 },
  };

  it("says where real models come from, and the link leads to the keys in Settings", () => {
    const onOpenChange = vi.fn();
    render(
      <ModelPicker models={[demo]} value="parley-demo" onChange={vi.fn()} open onOpenChange={onOpenChange} />,
    );
    const hint = screen.getByTestId("add-providers-hint");
    expect(hint.textContent).toContain("Only the demo model is set up.");
    expect(hint.textContent).toContain("ask whoever runs this server to set provider keys");
    const link = screen.getByRole("link", { name: "Settings → API keys" });
    expect(link.getAttribute("href")).toBe("/settings#keys");
    fireEvent.click(link);
    expect(onOpenChange).toHaveBeenCalledWith(false);
    expect(location.pathname).toBe("/settings");
  });

  it("has no such hint once a real provider is there", () => {
    render(
      <ModelPicker
        models={[demo, ...models]}
        value="parley-demo"
        onChange={vi.fn()}
        open
        onOpenChange={vi.fn()}
      />,
    );
    expect(screen.queryByTestId("add-providers-hint")).toBeNull();
  });
});
