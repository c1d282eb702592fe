/** One message: the user's as a subtle bubble, the assistant's as full-width prose with its meta. */
import { memo, Suspense, useState, type ComponentProps, type ReactNode } from "react";
import { Brain, ChevronRight, RotateCcw } from "lucide-react";
import type { RoomMessage } from "../room/state.ts";
import { AnswerBody } from "./AnswerBody.tsx";
import { AttachmentList } from "./AttachmentList.tsx";
import {
  ContinueButton,
  CopyButton,
  DeleteButton,
  EditButton,
  RegenerateButtons,
  useBusy,
  type MessageCommands,
} from "./MessageActions.tsx";
import { BranchSwitcher as LazyBranchSwitcher, MessageEditor } from "./lazy-parts.ts";
import { UsageMeta } from "./UsageMeta.tsx";

/** `< 2/3 >`, a chunk of its own: most messages have no other version, and it shows none for them. */
function BranchSwitcher(props: ComponentProps<typeof LazyBranchSwitcher>) {
  if (props.siblings.length < 2) return null;
  return (
    <Suspense fallback={null}>
      <LazyBranchSwitcher {...props} />
    </Suspense>
  );
}

/**
 * Shown on hover and keyboard focus; always on touch screens and for the last message (the log
 * marks its last row: rows are virtualized, each in a wrapper of its own).
 */
const quietClass =
  "flex items-center opacity-0 transition-opacity group-focus-within:opacity-100 group-hover:opacity-100 max-sm:opacity-100 [[data-last-row]_&]:opacity-100";

export const UserMessage = memo(function UserMessage({
  message,
  commands,
}: {
  message: RoomMessage;
  commands: MessageCommands;
}) {
  const [editing, setEditing] = useState(false);
  // A refused edit opens the edit box again, with the text that was not sent.
  const refused = message.refusedEdit;
  const [reopened, setReopened] = useState<string | undefined>(undefined);
  if (refused && refused.key !== reopened) {
    setReopened(refused.key);
    setEditing(true);
  }
  const stored = !message.pending && !message.failed;
  const siblings = message.siblings ?? [];
  const writable = commands.canWrite && stored;
  const bubble = (
    <div className="max-w-[85%] min-w-0 rounded-bubble rounded-br-md bg-subtle px-4 py-2.5 text-[15.5px] leading-relaxed break-words whitespace-pre-wrap">
      {message.content}
    </div>
  );
  return (
    <div
      className="group flex flex-col items-end gap-1"
      data-testid="user-message"
      data-message-id={message.id}
    >
      <AttachmentList attachments={message.attachments} />
      {editing ? (
        // The editor is a chunk of its own: the prompt stays as it was while it loads.
        <Suspense fallback={bubble}>
          <MessageEditor
            initial={refused?.content ?? message.content}
            disabled={commands.model === null}
            onCancel={() => setEditing(false)}
            onSave={(content) => {
              setEditing(false);
              commands.edit(message.id, content);
            }}
          />
        </Suspense>
      ) : (
        bubble
      )}
      {stored && !editing && (
        <div className="-mr-1 flex min-h-8 items-center gap-0.5">
          <div className={quietClass}>
            <CopyButton text={message.content} label="Copy message" />
            {writable && <EditButton onEdit={() => setEditing(true)} />}
            {writable && <DeleteButton noun="message" onDelete={() => commands.deleteMessage(message.id)} />}
          </div>
          <BranchSwitcher
            messageId={message.id}
            siblings={siblings}
            noun="prompt"
            onSwitch={commands.canWrite ? commands.switchBranch : undefined}
          />
        </div>
      )}
    </div>
  );
});

function Reasoning({ text, thinking }: { text: string; thinking: boolean }) {
  const [open, setOpen] = useState<boolean | null>(null);
  const expanded = open ?? thinking;
  return (
    <div className="mb-3">
      <button
        type="button"
        aria-expanded={expanded}
        onClick={() => setOpen(!expanded)}
        className="-ml-1.5 flex h-8 items-center gap-1.5 rounded-lg px-1.5 text-[13px] text-muted transition-colors hover:bg-hover hover:text-ink"
      >
        <Brain size={14} aria-hidden />
        <span className={thinking ? "animate-pulse" : undefined}>
          {thinking ? "Thinking…" : "Thought process"}
        </span>
        <ChevronRight
          size={14}
          aria-hidden
          className={`transition-transform duration-150 ${expanded ? "rotate-90" : ""}`}
        />
      </button>
      {expanded && (
        <div
          data-testid="reasoning"
          className="mt-1.5 max-h-80 overflow-y-auto border-l-2 border-line pl-3.5 text-[13.5px] leading-relaxed whitespace-pre-wrap text-muted"
        >
          {text}
        </div>
      )}
    </div>
  );
}

const STATUS_NOTES: Partial<Record<RoomMessage["status"], string>> = {
  interrupted: "Interrupted — the answer was cut off before it finished.",
  error: "Something went wrong while answering.",
};

function StatusLine({ message, actions }: { message: RoomMessage; actions: ReactNode }) {
  let text: string | null = STATUS_NOTES[message.status] ?? null;
  if (message.status === "error" && message.error?.message) text = message.error.message;
  if (message.status === "complete" && message.finishReason === "length") text = "Reached the length limit.";
  // The provider's filter or this server's output moderation: the answer ends here either way.
  if (message.status === "complete" && message.finishReason === "content_filter")
    text = "Stopped by a content filter: the rest of this answer was not written.";
  if (!text) return null;
  const tone =
    message.status === "error"
      ? "border-danger/30 bg-danger/5 text-danger"
      : "border-warn/30 bg-warn/5 text-warn";
  return (
    <div
      data-testid="message-status"
      role="status"
      className={`mt-3 flex items-center gap-3 rounded-xl border px-3.5 py-2 text-[13px] ${tone}`}
    >
      <span className="flex-1">{text}</span>
      {actions}
    </div>
  );
}

export const AssistantMessage = memo(function AssistantMessage({
  message,
  modelName,
  isTail,
  commands,
}: {
  message: RoomMessage;
  modelName: string | null;
  /** The last message of the branch: a stopped or cut-off answer here can be continued. */
  isTail: boolean;
  commands: MessageCommands;
}) {
  const streaming = message.status === "streaming";
  const thinking = streaming && message.content.length === 0;
  const usage = message.usage;
  const writable = commands.canWrite;
  const continuable =
    writable && isTail && (message.status === "stopped" || message.status === "interrupted");
  const retry =
    writable && (message.status === "error" || message.status === "interrupted") ? (
      <RetryButton onRetry={() => commands.regenerate(message.id)} />
    ) : null;
  const continueButton = continuable ? (
    <ContinueButton onContinue={() => commands.continueAnswer(message.id)} />
  ) : null;
  return (
    <article
      data-testid="assistant-message"
      data-message-id={message.id}
      data-status={message.status}
      aria-busy={streaming}
      aria-label="Answer"
      className="group"
    >
      {message.reasoning && <Reasoning text={message.reasoning} thinking={thinking} />}
      {thinking && !message.reasoning && !message.toolCalls?.length && (
        <div className="flex h-7 items-center gap-1" aria-label="Waiting for the answer">
          {[0, 150, 300].map((delay) => (
            <span
              key={delay}
              className="size-1.5 animate-pulse rounded-full bg-muted"
              style={{ animationDelay: `${delay}ms` }}
            />
          ))}
        </div>
      )}
      <div className="prose" data-testid="message-text" data-raw={message.content} data-streaming={streaming}>
        <AnswerBody content={message.content} toolCalls={message.toolCalls} streaming={streaming} />
      </div>
      <StatusLine
        message={message}
        actions={
          message.status === "interrupted" && continueButton ? (
            <span className="flex items-center gap-2">
              {continueButton}
              {retry}
            </span>
          ) : (
            retry
          )
        }
      />
      {!streaming && (
        <div className="mt-2 -ml-1 flex min-h-8 flex-wrap items-center gap-x-1 text-xs text-muted">
          <BranchSwitcher
            messageId={message.id}
            siblings={message.siblings ?? []}
            noun="answer"
            onSwitch={writable ? commands.switchBranch : undefined}
          />
          {message.status === "stopped" && (
            <span data-testid="message-status" className="ml-1 inline-flex items-center gap-1.5 font-medium">
              <span className="inline-block size-2 rounded-[2px] bg-current" aria-hidden="true" />
              Stopped
            </span>
          )}
          {message.status === "stopped" && continueButton}
          {message.status === "stopped" && modelName && <span aria-hidden="true">·</span>}
          {modelName && <span className={message.siblings ? "" : "ml-1"}>{modelName}</span>}
          {usage && (
            <>
              <span aria-hidden="true">·</span>
              <UsageMeta usage={usage} />
            </>
          )}
          <div className={`ml-1 ${quietClass}`}>
            {message.content && <CopyButton text={message.content} label="Copy answer" />}
            {writable && <RegenerateButtons messageId={message.id} commands={commands} />}
            {writable && <DeleteButton noun="answer" onDelete={() => commands.deleteMessage(message.id)} />}
          </div>
        </div>
      )}
    </article>
  );
});

/** Asks for the failed or interrupted answer again (waits while another answer is written). */
function RetryButton({ onRetry }: { onRetry: () => void }) {
  const disabled = useBusy();
  return (
    <button
      type="button"
      onClick={onRetry}
      disabled={disabled}
      className="flex items-center gap-1 font-medium underline-offset-2 hover:underline disabled:opacity-40"
    >
      <RotateCcw size={13} aria-hidden />
      Retry
    </button>
  );
}
