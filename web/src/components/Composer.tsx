/**
 * The composer: a floating card with an auto-growing textarea (Enter sends, Shift+Enter adds a
 * line, Esc stops a running answer), the model picker, and a send button that morphs into Stop.
 * Attachments and answer options come in as slots (ComposerExtras.tsx builds them).
 */
import { useLayoutEffect, useRef, type ReactNode } from "react";
import { ArrowUp, Square } from "lucide-react";
import { MAX_PROMPT_CHARS } from "#protocol/limits";
import type { ListedModel } from "../api/chat.ts";
import { filesOf } from "../attachments.ts";
import { useBottomClearance } from "./bottom-clearance.ts";
import { ModelButton } from "./ModelTrigger.tsx";

export interface ComposerProps {
  draft: string;
  onDraftChange: (text: string) => void;
  /** The textarea lost focus (the room stops showing this person as typing). */
  onBlur?: () => void;
  /** Returns false when the prompt could not be sent (the draft then stays). */
  onSend: (text: string) => boolean | Promise<boolean>;
  onStop: () => void;
  /** A generation is running (or our prompt awaits its echo): the button is Stop, Esc stops. */
  busy: boolean;
  /** Sending is not possible right now (no model yet, creating the conversation, limited…). */
  disabled?: boolean;
  models: ListedModel[];
  model: string | null;
  onModelChange: (id: string) => void;
  pickerOpen: boolean;
  onPickerOpenChange: (open: boolean) => void;
  /** A line under the card (limits); the key hints show otherwise. */
  hint?: ReactNode;
  /** Chips of attached files, above the textarea. */
  attachments?: ReactNode;
  /** Controls beside the model picker (attach button, answer options). */
  accessories?: ReactNode;
  /** A warning inside the card, above the controls (e.g. the model cannot read a file). */
  notice?: ReactNode;
  /** Why Send is disabled right now (files still uploading, a file the model cannot read…). */
  blockedReason?: string | null;
  /** Files pasted into the textarea (screenshots, copied files). */
  onPasteFiles?: (files: File[]) => void;
}

export function Composer({
  draft,
  onDraftChange,
  onBlur,
  onSend,
  onStop,
  busy,
  disabled = false,
  models,
  model,
  onModelChange,
  pickerOpen,
  onPickerOpenChange,
  hint,
  attachments,
  accessories,
  notice,
  blockedReason = null,
  onPasteFiles,
}: ComposerProps) {
  const textarea = useRef<HTMLTextAreaElement>(null);
  const dock = useRef<HTMLDivElement>(null);
  useBottomClearance(dock);

  // Auto-grow up to 40% of the viewport, then scroll inside.
  useLayoutEffect(() => {
    const el = textarea.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, Math.round(window.innerHeight * 0.4))}px`;
  }, [draft]);

  const text = draft.trim();
  const tooLong = draft.length > MAX_PROMPT_CHARS;
  const canSend =
    !busy && !disabled && text.length > 0 && !tooLong && model !== null && blockedReason === null;

  const submit = async () => {
    if (!canSend) return;
    // Synchronous when it can be, so the cleared composer and the prompt's bubble share a frame.
    const result = onSend(text);
    const sent = typeof result === "boolean" ? result : await result;
    if (sent) onDraftChange("");
    textarea.current?.focus();
  };

  return (
    <div
      ref={dock}
      className="pointer-events-none shrink-0 px-3 pb-[max(0.6rem,env(safe-area-inset-bottom))] sm:px-6"
    >
      <form
        className="pointer-events-auto mx-auto w-full max-w-3xl"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="rounded-card border border-line bg-surface shadow-card transition-[border-color,box-shadow] duration-150 focus-within:border-line-strong">
          {attachments}
          <label htmlFor="composer" className="sr-only">
            Message
          </label>
          <textarea
            id="composer"
            ref={textarea}
            rows={1}
            value={draft}
            placeholder="Ask anything…"
            autoFocus={window.matchMedia?.("(pointer: fine)").matches ?? true}
            onChange={(event) => onDraftChange(event.target.value)}
            onBlur={onBlur}
            onPaste={(event) => {
              if (!onPasteFiles) return;
              const files = filesOf(event.clipboardData);
              if (files.length === 0) return;
              event.preventDefault();
              onPasteFiles(files);
            }}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
                event.preventDefault();
                void submit();
              } else if (event.key === "Escape" && busy) {
                event.preventDefault();
                onStop();
              }
            }}
            className="block max-h-[40vh] w-full resize-none bg-transparent px-4 pt-3.5 pb-1 text-base leading-relaxed placeholder:text-muted focus:outline-none sm:text-[15.5px]"
          />
          {notice}
          <div className="flex items-center gap-2 px-2 pb-2">
            <ModelButton
              models={models}
              value={model}
              onChange={(id) => {
                onModelChange(id);
                textarea.current?.focus();
              }}
              open={pickerOpen}
              onOpenChange={onPickerOpenChange}
            />
            {accessories}
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
                title={busy ? "Stop (Esc)" : (blockedReason ?? "Send (Enter)")}
                aria-describedby={!busy && blockedReason ? "composer-blocked" : undefined}
                className="grid size-9 place-items-center rounded-full bg-accent text-accent-ink transition-[background-color,opacity,transform] duration-150 hover:bg-accent-hover active:scale-95 disabled:cursor-not-allowed disabled:opacity-30 max-sm:size-10"
              >
                {busy ? (
                  <Square size={13} fill="currentColor" strokeWidth={0} aria-hidden />
                ) : (
                  <ArrowUp size={18} strokeWidth={2.25} aria-hidden />
                )}
              </button>
              {!busy && blockedReason && (
                <span id="composer-blocked" className="sr-only">
                  {blockedReason}
                </span>
              )}
            </div>
          </div>
        </div>
        <p className="mt-1.5 min-h-4 text-center text-[11.5px] text-muted">
          {hint ?? (
            <span className="max-sm:hidden">
              {busy ? "Esc to stop" : "Enter to send · Shift+Enter for a new line · ? for shortcuts"}
            </span>
          )}
        </p>
      </form>
    </div>
  );
}
