/** App-wide data hooks: the model catalogue (with the remembered choice) and the conversation list. */
import { useCallback, useEffect, useRef, useState } from "react";
import type { ConversationSummary, ModelInfo } from "../../worker/protocol/index.ts";
import { listConversations, listModels } from "./api.ts";

const MODEL_KEY = "parley:model";

function readStoredModel(): string | null {
  try {
    return localStorage.getItem(MODEL_KEY);
  } catch {
    return null;
  }
}

export interface ModelsState {
  models: ModelInfo[];
  /** The model to send with: the remembered choice if offered, else the first; null until loaded. */
  model: string | null;
  setModel: (id: string) => void;
  error: string | null;
}

export function useModels(): ModelsState {
  const [models, setModels] = useState<ModelInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(readStoredModel);

  useEffect(() => {
    let cancelled = false;
    listModels().then(
      (list) => {
        if (!cancelled) setModels(list);
      },
      (reason: unknown) => {
        if (!cancelled) setError(reason instanceof Error ? reason.message : "Could not load the models");
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const setModel = useCallback((id: string) => {
    setChosen(id);
    try {
      localStorage.setItem(MODEL_KEY, id);
    } catch {
      // Private mode or storage disabled: the choice lasts for this tab only.
    }
  }, []);

  const model = models ? (models.find((m) => m.id === chosen)?.id ?? models[0]?.id ?? null) : null;
  return { models: models ?? [], model, setModel, error };
}

export interface ConversationsState {
  /** Newest first; null until the first load. */
  conversations: ConversationSummary[] | null;
  refresh: () => void;
  /** Refreshes after a short pause, folding bursts of room activity into one request. */
  refreshSoon: () => void;
  upsert: (conversation: ConversationSummary) => void;
}

export function useConversations(): ConversationsState {
  const [conversations, setConversations] = useState<ConversationSummary[] | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refresh = useCallback(() => {
    listConversations().then(setConversations, (reason: unknown) => {
      console.warn("parley: could not load conversations", reason);
    });
  }, []);

  const refreshSoon = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(refresh, 400);
  }, [refresh]);

  const upsert = useCallback((conversation: ConversationSummary) => {
    setConversations((list) => [conversation, ...(list ?? []).filter((c) => c.id !== conversation.id)]);
  }, []);

  useEffect(() => {
    refresh();
    return () => clearTimeout(timer.current);
  }, [refresh]);

  return { conversations, refresh, refreshSoon, upsert };
}
