/**
 * App-wide data: the model catalogue (with the remembered choice) and the conversation list, both
 * shown from the local cache at once and refreshed from the server in the background; the list
 * also follows the person's hub, so changes made on another device show up here at once.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { ConversationSummary } from "#protocol/http";
import { ApiError, describeError } from "./api/client.ts";
import {
  needsUpgrade,
  type ListedModel,
  deleteConversation,
  listConversations,
  listModels,
  updateConversation,
} from "./api/chat.ts";
import {
  forgetChat,
  loadConversations,
  loadModels,
  peekConversations,
  saveConversations,
  saveModels,
} from "./cache.ts";
import { connectHub } from "./hub.ts";
import { restoreConversation } from "./api/library.ts";
import { noteModelList } from "./rate-limit.ts";
import { toast } from "./toasts.ts";

const MODEL_KEY = "parley:model";

export function readStoredModel(): string | null {
  try {
    return localStorage.getItem(MODEL_KEY);
  } catch {
    return null;
  }
}

/**
 * The remembered choice if the person's plan has it, else the first model it has (else the first
 * listed: the send is refused then, with the upgrade offered).
 */
export function modelToSend(models: readonly ListedModel[], chosen: string | null): string | null {
  const usable = models.filter((m) => !needsUpgrade(m));
  return usable.find((m) => m.id === chosen)?.id ?? usable[0]?.id ?? models[0]?.id ?? null;
}

export interface ModelsState {
  models: ListedModel[];
  /**
   * The model to send with: the remembered choice if the person's plan has it, else the first
   * that it has; null until loaded. (A plan that lost a model falls back without forgetting the
   * choice: it comes back with the plan.)
   */
  model: string | null;
  setModel: (id: string) => void;
  loaded: boolean;
  /** Asks the server again (own keys were saved or removed: the list changes). */
  reload: () => void;
}

export function useModels(): ModelsState {
  const [models, setModels] = useState<ListedModel[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(readStoredModel);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let cancelled = false;
    let fresh = false;
    if (version === 0) {
      void loadModels().then((cached) => {
        if (!cancelled && !fresh && cached) {
          noteModelList(cached);
          setModels(cached);
        }
      });
    }
    listModels().then(
      (list) => {
        fresh = true;
        if (cancelled) return;
        noteModelList(list);
        setModels(list);
        void saveModels(list);
      },
      (reason: unknown) => {
        if (!cancelled) toast.error(describeError(reason, "Could not load the models."));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);

  const setModel = useCallback((id: string) => {
    setChosen(id);
    try {
      localStorage.setItem(MODEL_KEY, id);
    } catch {
      // Private mode or storage disabled: the choice lasts for this tab only.
    }
  }, []);

  const model = models ? modelToSend(models, chosen) : null;
  return { models: models ?? [], model, setModel, loaded: models !== null, reload };
}

export interface ConversationsState {
  /** Newest first; null until the cache or the server answered. */
  conversations: ConversationSummary[] | null;
  refresh: () => void;
  /** Refreshes after a short pause, folding bursts of room activity into one request. */
  refreshSoon: () => void;
  upsert: (conversation: ConversationSummary) => void;
  /** Changes the title locally only (a `title` frame from the room). */
  retitle: (id: string, title: string) => void;
  rename: (id: string, title: string) => Promise<void>;
  setPinned: (id: string, pinned: boolean) => Promise<void>;
  /**
   * Deletes at once and offers an Undo toast for a few seconds; `onRestored` runs once an Undo
   * brought the chat back (App reopens a chat that was open when it was deleted).
   */
  remove: (id: string, options?: { onRestored?: () => void }) => Promise<boolean>;
}

/** How long the "Conversation deleted · Undo" toast stays (the server allows 60 s). */
export const UNDO_DELETE_MS = 6_000;

/** The list with `conversation` in it once, newest first (the order the server lists them in). */
export function upsertSorted(
  list: readonly ConversationSummary[],
  conversation: ConversationSummary,
): ConversationSummary[] {
  const rest = list.filter((c) => c.id !== conversation.id);
  const at = rest.findIndex((c) => c.updatedAt < conversation.updatedAt);
  return at === -1 ? [...rest, conversation] : [...rest.slice(0, at), conversation, ...rest.slice(at)];
}

/**
 * The person's chat list: the cache at once, then the server; kept current by their hub (hub.ts),
 * which pushes every change made on any device.
 */
export function useConversations(options: { onPlan?: () => void } = {}): ConversationsState {
  const onPlan = useRef(options.onPlan);
  onPlan.current = options.onPlan;
  const [conversations, setConversations] = useState<ConversationSummary[] | null>(
    () => peekConversations() ?? null,
  );
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const loadedFromServer = useRef(false);
  // An answer that arrives after unmount (another person signed in meanwhile) must not be cached.
  const mounted = useRef(true);
  // Only the newest list request counts; hub changes that arrive while it is on its way are laid
  // over its answer, which may predate them.
  const generation = useRef(0);
  const pushedMeanwhile = useRef(new Map<string, ConversationSummary | null>());

  const update = useCallback((change: (list: ConversationSummary[]) => ConversationSummary[]) => {
    setConversations((list) => {
      const next = change(list ?? []);
      void saveConversations(next);
      return next;
    });
  }, []);

  const refresh = useCallback(() => {
    const mine = ++generation.current;
    pushedMeanwhile.current = new Map();
    listConversations().then(
      (fetched) => {
        if (!mounted.current || mine !== generation.current) return;
        loadedFromServer.current = true;
        let list = fetched;
        for (const [id, pushed] of pushedMeanwhile.current) {
          list = pushed ? upsertSorted(list, pushed) : list.filter((c) => c.id !== id);
        }
        setConversations(list);
        void saveConversations(list);
      },
      (reason: unknown) => {
        // The cached list stays; say so only when there is nothing to show.
        if (!loadedFromServer.current) toast.error(describeError(reason, "Could not load your chats."));
      },
    );
  }, []);

  const refreshSoon = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(refresh, 400);
  }, [refresh]);

  const upsert = useCallback(
    (conversation: ConversationSummary) => update((list) => upsertSorted(list, conversation)),
    [update],
  );

  const retitle = useCallback(
    (id: string, title: string) =>
      update((list) => list.map((c) => (c.id === id && c.title !== title ? { ...c, title } : c))),
    [update],
  );

  const patch = useCallback(
    async (id: string, change: { title?: string; pinned?: boolean }, failure: string) => {
      update((list) => list.map((c) => (c.id === id ? { ...c, ...change } : c)));
      try {
        const saved = await updateConversation(id, change);
        update((list) => list.map((c) => (c.id === id ? saved : c)));
      } catch (error) {
        toast.error(describeError(error, failure));
        refresh();
      }
    },
    [update, refresh],
  );

  const rename = useCallback(
    (id: string, title: string) => patch(id, { title }, "Could not rename the chat."),
    [patch],
  );
  const setPinned = useCallback(
    (id: string, pinned: boolean) =>
      patch(id, { pinned }, pinned ? "Could not pin the chat." : "Could not unpin the chat."),
    [patch],
  );

  const undoDelete = useCallback(
    async (id: string, onRestored?: () => void) => {
      try {
        upsert(await restoreConversation(id));
        onRestored?.();
      } catch (error) {
        toast.error(
          error instanceof ApiError && error.status === 404
            ? "Too late to undo: the chat is gone."
            : describeError(error, "Could not bring the chat back."),
        );
      }
    },
    [upsert],
  );

  const remove = useCallback(
    async (id: string, options: { onRestored?: () => void } = {}) => {
      update((list) => list.filter((c) => c.id !== id));
      try {
        await deleteConversation(id);
      } catch (error) {
        toast.error(describeError(error, "Could not delete the chat."));
        refresh();
        return false;
      }
      void forgetChat(id);
      toast.info("Conversation deleted", {
        action: { label: "Undo", run: () => void undoDelete(id, options.onRestored) },
        durationMs: UNDO_DELETE_MS,
      });
      return true;
    },
    [update, refresh, undoDelete],
  );

  useEffect(() => {
    let cancelled = false;
    mounted.current = true;
    void loadConversations().then((cached) => {
      if (!cancelled && cached && !loadedFromServer.current) setConversations(cached);
    });
    refresh();
    const closeHub = connectHub({
      onHello: refresh,
      onConversation: (conversation) => {
        pushedMeanwhile.current.set(conversation.id, conversation);
        update((list) => upsertSorted(list, conversation));
      },
      onDeleted: (id) => {
        pushedMeanwhile.current.set(id, null);
        update((list) => list.filter((c) => c.id !== id));
        void forgetChat(id);
      },
      onPlan: () => onPlan.current?.(),
      onTooManyTabs: () =>
        toast.error(
          "Parley is open in too many tabs, so this one's chat list no longer updates. " +
            "Close some and reload.",
          { durationMs: 60_000 },
        ),
    });
    return () => {
      cancelled = true;
      mounted.current = false;
      clearTimeout(timer.current);
      closeHub();
    };
  }, [refresh, update]);

  return { conversations, refresh, refreshSoon, upsert, retitle, rename, setPinned, remove };
}
