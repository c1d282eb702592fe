import { useEffect, useLayoutEffect, useRef } from "react";
import { MAX_PROMPT_CHARS, type ModelInfo } from "../../../worker/protocol/index.ts";
import { ArrowUpIcon, StopIcon } from "./Icons.tsx";
import { ModelSelect } from "./ModelSelect.tsx";

interface ComposerProps {
  draft: string;
  onDraftChange: (text: string) => void;
  /** Returns false when the prompt could not be sent (the draft then stays). */
  onSend: (text: string) => boolean | Promise<boolean>;
  onStop: () => void;
  /** A generation is running (or our prompt awaits its echo): the button is Stop, Esc stops. */
  busy: boolean;
  /** Sending is not possible right now (no model yet, creating the conversation, …). */
  disabled?: boolean;
  models: ModelInfo[];
  model: string | null;
  onModelChange: (id: string) => void;
  hint?: React.ReactNode;
}

const MAX_HEIGHT_RATIO = 0.4;

export function Composer({
  draft,
  onDraftChange,
  onSend,
  onStop,
  busy,
  disabled = false,
  models,
  model,
  onModelChange,
  hint,
}: ComposerProps) {
  const textarea = useRef<HTMLTextAreaElement>(null);

  // Auto-grow up to 40% of the viewport, then scroll inside.
  useLayoutEffect(() => {
    const el = textarea.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, window.innerHeight * MAX_HEIGHT_RATIO)}px`;
  }, [draft]);

  // Esc stops a running generation from anywhere on the page.
  useEffect(() => {
    if (!busy) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented) {
        event.preventDefault();
        onStop();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [busy, onStop]);

  const text = draft.trim();
  const tooLong = draft.length > MAX_PROMPT_CHARS;
  const canSend = !busy && !disabled && text.length > 0 && !tooLong && model !== null;

  const submit = async () => {
    if (!canSend) return;
    const sent = await onSend(text);
    if (sent) onDraftChange("");
    textarea.current?.focus();
  };

  return (
    <div className="shrink-0 px-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] sm:px-6">
      <form
        className="mx-auto w-full max-w-3xl"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="rounded-card border border-line bg-surface shadow-[0_1px_2px_rgb(0_0_0/0.04),0_4px_16px_-4px_rgb(0_0_0/0.08)] transition-colors focus-within:border-line-strong">
          <label htmlFor="composer" className="sr-only">
            Message
          </label>
          <textarea
            id="composer"
            ref={textarea}
            rows={1}
            value={draft}
            placeholder="Ask anything…"
            autoFocus
            onChange={(event) => onDraftChange(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
                event.preventDefault();
                void submit();
              }
            }}
            className="block max-h-[40vh] w-full resize-none bg-transparent px-4 pt-3.5 pb-1.5 text-[15.5px] leading-relaxed placeholder:text-muted/80 focus:outline-none"
          />
          <div className="flex items-center gap-2 px-2 pb-2">
            <ModelSelect models={models} value={model} onChange={onModelChange} />
            <div className="ml-auto flex items-center gap-2">
              {tooLong && (
                <span className="text-xs text-danger">
                  {draft.length.toLocaleString("en-US")} / {MAX_PROMPT_CHARS.toLocaleString("en-US")}
                </span>
              )}
              <button
                type={busy ? "button" : "submit"}
                onClick={
                  busy
                    ? (event) => {
                        event.preventDefault();
                        onStop();
                      }
                    : undefined
                }
                disabled={!busy && !canSend}
                aria-label={busy ? "Stop" : "Send"}
                title={busy ? "Stop (Esc)" : "Send (Enter)"}
                className="grid size-9 place-items-center rounded-full bg-accent text-accent-ink transition-[background-color,opacity] duration-150 hover:bg-accent-hover disabled:cursor-not-allowed disabled:opacity-35"
              >
                {busy ? <StopIcon /> : <ArrowUpIcon />}
              </button>
            </div>
          </div>
        </div>
        <p className="mt-2 min-h-4 text-center text-xs text-muted">
          {hint ?? (busy ? "Esc to stop" : "Enter to send · Shift+Enter for a new line")}
        </p>
      </form>
    </div>
  );
}
