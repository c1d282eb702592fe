// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ModelInfo } from "#protocol/http";
import { Composer, type ComposerProps } from "./Composer.tsx";

const demo: ModelInfo = {
  id: "parley-demo",
  provider: "demo",
  name: "Parley Demo",
  context: 32_000,
  maxOutput: 4_096,
  caps: { reasoning: false, vision: false, tools: false, json: false, temperature: false },
  pricing: { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 },
};

function Harness(props: Partial<ComposerProps>) {
  const [draft, setDraft] = useState("");
  return (
    <Composer
      draft={draft}
      onDraftChange={setDraft}
      onSend={() => true}
      onStop={() => {}}
      busy={false}
      models={[demo]}
      model="parley-demo"
      onModelChange={() => {}}
      pickerOpen={false}
      onPickerOpenChange={() => {}}
      {...props}
    />
  );
}

const textbox = () => screen.getByRole<HTMLTextAreaElement>("textbox", { name: "Message" });

afterEach(cleanup);

describe("Composer keys", () => {
  it("Enter sends the trimmed text and clears the draft", async () => {
    const onSend = vi.fn(() => true);
    render(<Harness onSend={onSend} />);
    fireEvent.change(textbox(), { target: { value: "  Hello there  " } });
    await act(async () => {
      fireEvent.keyDown(textbox(), { key: "Enter" });
    });
    expect(onSend).toHaveBeenCalledWith("Hello there");
    expect(textbox().value).toBe("");
  });

  it("Shift+Enter does not send (the textarea adds a new line)", () => {
    const onSend = vi.fn(() => true);
    render(<Harness onSend={onSend} />);
    fireEvent.change(textbox(), { target: { value: "line one" } });
    fireEvent.keyDown(textbox(), { key: "Enter", shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
    expect(textbox().value).toBe("line one");
  });

  it("keeps the draft when sending fails", async () => {
    render(<Harness onSend={() => false} />);
    fireEvent.change(textbox(), { target: { value: "keep me" } });
    await act(async () => {
      fireEvent.keyDown(textbox(), { key: "Enter" });
    });
    expect(textbox().value).toBe("keep me");
  });

  it("does not send an empty draft, nor while an answer streams", async () => {
    const onSend = vi.fn(() => true);
    const { rerender } = render(<Harness onSend={onSend} />);
    fireEvent.keyDown(textbox(), { key: "Enter" });
    rerender(<Harness onSend={onSend} busy />);
    fireEvent.change(textbox(), { target: { value: "wait" } });
    await act(async () => {
      fireEvent.keyDown(textbox(), { key: "Enter" });
    });
    expect(onSend).not.toHaveBeenCalled();
  });

  it("while streaming, the button is Stop and Esc stops too", () => {
    const onStop = vi.fn();
    render(<Harness busy onStop={onStop} />);
    expect(screen.queryByRole("button", { name: "Send" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Stop" }));
    fireEvent.keyDown(textbox(), { key: "Escape" });
    expect(onStop).toHaveBeenCalledTimes(2);
  });

  it("does not send while an IME composition is in progress", () => {
    const onSend = vi.fn(() => true);
    render(<Harness onSend={onSend} />);
    fireEvent.change(textbox(), { target: { value: "にほん" } });
    fireEvent.keyDown(textbox(), { key: "Enter", isComposing: true });
    expect(onSend).not.toHaveBeenCalled();
  });
});
