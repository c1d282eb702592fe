/**
 * Everything the composer carries besides text, wired together for ChatView: the attached files
 * (picked, pasted or dropped; uploaded at once), the answer options (tools, JSON), the warning when
 * the chosen model cannot read an attached file, and what goes into the `send` frame.
 */
import { Suspense, useCallback, useMemo, type ReactNode } from "react";
import { AlertTriangle } from "lucide-react";
import type { AttachmentInfo, GenerationOptions } from "#protocol/messages";
import { MAX_ATTACHMENTS } from "#protocol/limits";
import type { ModelInfo } from "#protocol/http";
import { modelProblem, sendBlock } from "../attachment-rules.ts";
import { useDraftAttachments } from "../attachments.ts";
import { optionsFor, useOptionSwitches } from "../generation-options.ts";
import type { SendExtras } from "../room/commands.ts";
import { toast } from "../toasts.ts";
import { AttachButton } from "./AttachButton.tsx";
import { ComposerOptions } from "./ComposerOptions.tsx";
import { AttachmentChips, DropOverlay } from "./lazy-parts.ts";

export interface ComposerExtras {
  /** Props for <Composer>. */
  composer: {
    attachments: ReactNode;
    accessories: ReactNode;
    notice: ReactNode;
    blockedReason: string | null;
    onPasteFiles: (files: File[]) => void;
  };
  /** The drop target veil (render only where the person may write). */
  dropOverlay: ReactNode;
  /** The files and options for the prompt being sent. */
  take: () => SendExtras;
  /** The prompt went out: forget the chips (the files now belong to the message). */
  sent: () => void;
  /** A refused prompt's files come back as chips. */
  restore: (files: readonly AttachmentInfo[]) => void;
  /** The switches' options for another model: a regenerate or an edit honours them too. */
  optionsFor: (model: ModelInfo | undefined) => GenerationOptions | undefined;
}

export function useComposerExtras(model: ModelInfo | undefined): ComposerExtras {
  const drafts = useDraftAttachments();
  const { switches, setSwitch } = useOptionSwitches();
  const { addFiles, items, remove, ready, clear, restore } = drafts;

  const attach = useCallback(
    (files: File[]) => {
      const left = addFiles(files);
      if (left > 0) {
        toast.info(
          `A message takes at most ${MAX_ATTACHMENTS} files: ${left === 1 ? "one was" : `${left} were`} left out.`,
        );
      }
    },
    [addFiles],
  );

  const problem = modelProblem(model, items);
  const blockedReason = sendBlock(model, items);
  const options = optionsFor(model, switches);

  const take = useCallback((): SendExtras => {
    const attachments = ready();
    return {
      ...(attachments.length > 0 ? { attachments } : {}),
      ...(options ? { options } : {}),
    };
  }, [ready, options]);

  const composer = useMemo(
    () => ({
      attachments:
        items.length > 0 ? (
          <Suspense fallback={null}>
            <AttachmentChips items={items} onRemove={remove} />
          </Suspense>
        ) : null,
      accessories: (
        <>
          <AttachButton onFiles={attach} />
          <ComposerOptions model={model} switches={switches} onSwitch={setSwitch} />
        </>
      ),
      notice: problem ? <ModelWarning text={problem} /> : null,
      blockedReason,
      onPasteFiles: attach,
    }),
    [items, remove, attach, model, switches, setSwitch, problem, blockedReason],
  );

  const optionsForModel = useCallback(
    (other: ModelInfo | undefined) => optionsFor(other, switches),
    [switches],
  );

  return {
    composer,
    dropOverlay: (
      <Suspense fallback={null}>
        <DropOverlay onFiles={attach} />
      </Suspense>
    ),
    take,
    sent: clear,
    restore,
    optionsFor: optionsForModel,
  };
}

function ModelWarning({ text }: { text: string }) {
  return (
    <p
      role="status"
      data-testid="attachment-warning"
      className="mx-3 mb-1.5 flex items-start gap-2 rounded-lg bg-warn/10 px-2.5 py-1.5 text-[12.5px] leading-snug text-warn"
    >
      <AlertTriangle size={14} aria-hidden className="mt-px shrink-0" />
      <span>{text}</span>
    </p>
  );
}
