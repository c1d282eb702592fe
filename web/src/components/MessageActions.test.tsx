// @vitest-environment happy-dom
// `npx vitest run --config vitest.e2e.config.ts web/src/components/MessageActions.test.tsx`
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "#protocol/messages";
import type { Person } from "#protocol/frames";
import { BranchSwitcher } from "./BranchSwitcher.tsx";
import { AssistantMessage, UserMessage } from "./Message.tsx";
import { BusyContext, type MessageCommands } from "./MessageActions.tsx";
import { initials } from "./Avatar.tsx";
import { typingText } from "./TypingIndicator.tsx";

afterEach(cleanup);

function message(partial: Partial<ChatMessage> & Pick<ChatMessage, "id" | "role">): ChatMessage {
  return {
    conversationId: "c1",
    content: "Hello",
    reasoning: "",
    model: "parley-demo",
    status: "complete",
    finishReason: "stop",
    error: null,
    usage: null,
    createdAt: 1,
    parentId: null,
    ...partial,
  };
}

function commands(partial: Partial<MessageCommands> = {}): MessageCommands {
  return {
    canWrite: true,
    models: [],
    model: "parley-demo",
    regenerate: vi.fn(),
    continueAnswer: vi.fn(),
    deleteMessage: vi.fn(),
    edit: vi.fn(),
    switchBranch: vi.fn(),
    ...partial,
  };
}

describe("BranchSwitcher", () => {
  it("shows i/n and switches to the neighbours", () => {
    const onSwitch = vi.fn();
    render(<BranchSwitcher messageId="b" siblings={["a", "b", "c"]} onSwitch={onSwitch} noun="answer" />);
    expect(screen.getByTestId("branch-switcher").textContent).toContain("2/3");
    fireEvent.click(screen.getByRole("button", { name: "Previous answer" }));
    fireEvent.click(screen.getByRole("button", { name: "Next answer" }));
    expect(onSwitch.mock.calls).toEqual([["a"], ["c"]]);
  });

  it("disables the arrows at the ends, hides them for viewers, and is absent without siblings", () => {
    const { rerender } = render(
      <BranchSwitcher messageId="a" siblings={["a", "b"]} onSwitch={() => {}} noun="prompt" />,
    );
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Previous prompt" }).disabled).toBe(true);
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Next prompt" }).disabled).toBe(false);
    rerender(<BranchSwitcher messageId="a" siblings={["a", "b"]} noun="prompt" />);
    expect(screen.queryAllByRole("button")).toHaveLength(0);
    expect(screen.getByTestId("branch-switcher").textContent).toContain("1/2");
    rerender(<BranchSwitcher messageId="a" siblings={["a"]} noun="prompt" />);
    expect(screen.queryByTestId("branch-switcher")).toBeNull();
  });
});

describe("assistant message actions", () => {
  it("regenerates with the same model", () => {
    const cmd = commands();
    render(
      <AssistantMessage
        message={message({ id: "a1", role: "assistant" })}
        modelName="Demo"
        isTail
        commands={cmd}
      />,
    );
    fireEvent.click(screen.getByRole("button", { name: "Regenerate" }));
    expect(cmd.regenerate).toHaveBeenCalledWith("a1");
  });

  it("offers Continue on a stopped answer only when it is the last message", () => {
    const cmd = commands();
    const stopped = message({ id: "a1", role: "assistant", status: "stopped", finishReason: "stopped" });
    const { rerender } = render(
      <AssistantMessage message={stopped} modelName={null} isTail commands={cmd} />,
    );
    fireEvent.click(screen.getByRole("button", { name: "Continue" }));
    expect(cmd.continueAnswer).toHaveBeenCalledWith("a1");
    rerender(<AssistantMessage message={stopped} modelName={null} isTail={false} commands={cmd} />);
    expect(screen.queryByRole("button", { name: "Continue" })).toBeNull();
  });

  it("deletes only after a second, confirming press", () => {
    const cmd = commands();
    render(
      <AssistantMessage
        message={message({ id: "a1", role: "assistant" })}
        modelName={null}
        isTail
        commands={cmd}
      />,
    );
    fireEvent.click(screen.getByRole("button", { name: "Delete answer" }));
    expect(cmd.deleteMessage).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Confirm: delete this answer" }));
    expect(cmd.deleteMessage).toHaveBeenCalledWith("a1");
  });

  it("waits while an answer is being written, and viewers only get Copy", async () => {
    const busyRoom = render(
      <BusyContext.Provider value={true}>
        <AssistantMessage
          message={message({ id: "a1", role: "assistant", siblings: ["a0", "a1"] })}
          modelName={null}
          isTail
          commands={commands()}
        />
      </BusyContext.Provider>,
    );
    // The version switcher is a chunk of its own (lazy-parts.ts): it comes in a moment later.
    await screen.findByRole("button", { name: "Previous answer" });
    for (const name of ["Regenerate", "Delete answer", "Previous answer"]) {
      expect(screen.getByRole<HTMLButtonElement>("button", { name }).disabled).toBe(true);
    }
    busyRoom.unmount();
    const { rerender } = render(
      <AssistantMessage
        message={message({ id: "a1", role: "assistant" })}
        modelName={null}
        isTail
        commands={commands()}
      />,
    );
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Regenerate" }).disabled).toBe(false);
    rerender(
      <AssistantMessage
        message={message({ id: "a1", role: "assistant", siblings: ["a0", "a1"] })}
        modelName={null}
        isTail
        commands={commands({ canWrite: false })}
      />,
    );
    expect(screen.getAllByRole("button").map((b) => b.getAttribute("aria-label"))).toEqual(["Copy answer"]);
    expect((await screen.findByTestId("branch-switcher")).textContent).toContain("2/2");
  });
});

describe("editing a prompt", () => {
  const prompt = message({ id: "u1", role: "user", content: "Old question" });

  it("Ctrl+Enter sends the new text; the editor closes", async () => {
    const cmd = commands();
    render(<UserMessage message={prompt} commands={cmd} />);
    fireEvent.click(screen.getByRole("button", { name: "Edit message" }));
    // The editor is a chunk of its own (lazy-parts.ts): it comes in a moment later.
    const editor = await screen.findByRole<HTMLTextAreaElement>("textbox", { name: "Edited message" });
    expect(editor.value).toBe("Old question");
    fireEvent.change(editor, { target: { value: "  New question  " } });
    await act(async () => {
      fireEvent.keyDown(editor, { key: "Enter", ctrlKey: true });
    });
    expect(cmd.edit).toHaveBeenCalledWith("u1", "New question");
    expect(screen.queryByRole("textbox", { name: "Edited message" })).toBeNull();
  });

  it("Esc cancels without sending; Save & send is off for an empty text", async () => {
    const cmd = commands();
    render(<UserMessage message={prompt} commands={cmd} />);
    fireEvent.click(screen.getByRole("button", { name: "Edit message" }));
    const editor = await screen.findByRole<HTMLTextAreaElement>("textbox", { name: "Edited message" });
    fireEvent.change(editor, { target: { value: "   " } });
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Save & send" }).disabled).toBe(true);
    fireEvent.keyDown(editor, { key: "Escape" });
    expect(screen.queryByRole("textbox", { name: "Edited message" })).toBeNull();
    expect(screen.getByText("Old question")).toBeTruthy();
    expect(cmd.edit).not.toHaveBeenCalled();
  });

  it("viewers cannot edit or delete a prompt", () => {
    render(<UserMessage message={prompt} commands={commands({ canWrite: false })} />);
    expect(screen.queryByRole("button", { name: "Edit message" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete message" })).toBeNull();
  });
});

describe("presence text", () => {
  const person = (partial: Partial<Person>): Person => ({
    id: "p",
    name: "Guest",
    kind: "guest",
    role: "viewer",
    devices: 1,
    typing: false,
    ...partial,
  });

  it("initials: G for guests, first and last initial for names", () => {
    expect(initials(person({}))).toBe("G");
    expect(initials(person({ kind: "user", name: "Ana Lopez" }))).toBe("AL");
    expect(initials(person({ kind: "user", name: "bob" }))).toBe("B");
  });

  it("names who is typing, leaving out this person", () => {
    const me = person({ id: "me", typing: true });
    const ana = person({ id: "a", kind: "user", name: "Ana", typing: true });
    const bo = person({ id: "b", kind: "user", name: "Bo", typing: true });
    expect(typingText([me], "me")).toBeNull();
    expect(typingText([me, ana], "me")).toBe("Ana is typing…");
    expect(typingText([ana, bo], "me")).toBe("Ana and Bo are typing…");
    expect(typingText([ana, bo, person({ id: "c", typing: true })], "me")).toBe("3 people are typing…");
  });
});
