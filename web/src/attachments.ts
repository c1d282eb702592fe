/**
 * Files attached in the composer: the state of each chip as a pure reducer, and the hook that
 * uploads each file as soon as it is picked, pasted or dropped and keeps its chip current; `send`
 * then only carries the ids (docs/attachments.md). api/attachments.ts talks to the server and
 * attachment-rules.ts says whether the chosen model can read the files.
 */
import { useCallback, useEffect, useReducer, useRef } from "react";
import type { AttachmentInfo } from "#protocol/messages";
import { MAX_ATTACHMENTS } from "#protocol/limits";
import { deleteUpload, uploadAttachment, type Uploader } from "./api/attachments.ts";

export type AttachmentKind = AttachmentInfo["kind"];

/** One chip above the composer's textarea. */
export interface DraftAttachment {
  /** Local id, stable from the moment the file was picked. */
  key: string;
  name: string;
  size: number;
  mimeType: string;
  /** What the file looks like from the browser's side (the server's answer replaces it); null when unknown. */
  kind: AttachmentKind | null;
  status: "uploading" | "ready" | "error";
  /** 0…1 while uploading. */
  progress: number;
  /** An object URL showing a picked image before the server has it. */
  preview: string | null;
  /** The server's record once stored. */
  info: AttachmentInfo | null;
  /** Why the upload was refused (the server's words when it gave any). */
  error: string | null;
}

export type DraftAction =
  | { type: "add"; items: DraftAttachment[] }
  | { type: "progress"; key: string; progress: number }
  | { type: "uploaded"; key: string; info: AttachmentInfo }
  | { type: "failed"; key: string; message: string }
  | { type: "remove"; key: string }
  | { type: "clear" };

export function draftReducer(state: DraftAttachment[], action: DraftAction): DraftAttachment[] {
  const update = (key: string, change: (item: DraftAttachment) => DraftAttachment) => {
    const index = state.findIndex((item) => item.key === key);
    if (index < 0) return state; // Removed while its upload was still under way.
    const next = state.slice();
    next[index] = change(state[index]!);
    return next;
  };
  switch (action.type) {
    case "add":
      return [...state, ...action.items];
    case "progress":
      return update(action.key, (item) =>
        item.status === "uploading" ? { ...item, progress: Math.min(1, Math.max(0, action.progress)) } : item,
      );
    case "uploaded":
      return update(action.key, (item) => ({
        ...item,
        status: "ready",
        progress: 1,
        info: action.info,
        kind: action.info.kind,
        mimeType: action.info.mimeType,
        name: action.info.name,
        preview: null,
        error: null,
      }));
    case "failed":
      return update(action.key, (item) => ({
        ...item,
        status: "error",
        error: action.message,
        preview: null,
      }));
    case "remove":
      return state.filter((item) => item.key !== action.key);
    case "clear":
      return [];
  }
}

const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/webp", "image/gif"]);

/** What kind of file the browser says this is (the server checks the bytes; this drives the preview and warnings). */
export function guessKind(type: string, name: string): AttachmentKind | null {
  const mime = type.toLowerCase();
  if (IMAGE_TYPES.has(mime)) return "image";
  if (mime === "application/pdf" || /\.pdf$/i.test(name)) return "pdf";
  if (mime.startsWith("text/") || mime === "application/json" || mime === "application/xml") return "text";
  return null;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

let nextKey = 0;

export interface DraftAttachments {
  items: DraftAttachment[];
  /** Starts uploading these files; returns how many were left out (more than MAX_ATTACHMENTS). */
  addFiles: (files: readonly File[]) => number;
  /** Drops a chip: cancels its upload, or deletes the stored upload. */
  remove: (key: string) => void;
  /** The stored files, for the `send` frame. */
  ready: () => AttachmentInfo[];
  /** Forgets every chip after a send (the files now belong to the message). */
  clear: () => void;
  /** Puts back the stored files of a refused prompt (they were not used up). */
  restore: (files: readonly AttachmentInfo[]) => void;
}

/** A chip for a file the server already holds. */
export function storedChip(info: AttachmentInfo): DraftAttachment {
  return {
    key: `draft-${++nextKey}`,
    name: info.name,
    size: info.size,
    mimeType: info.mimeType,
    kind: info.kind,
    status: "ready",
    progress: 1,
    preview: null,
    info,
    error: null,
  };
}

/** The composer's attachments: each file uploads at once, its chip follows the upload. */
export function useDraftAttachments(upload: Uploader = uploadAttachment): DraftAttachments {
  const [items, dispatch] = useReducer(draftReducer, []);
  const current = useRef(items);
  current.current = items;
  const uploads = useRef(new Map<string, AbortController>());
  const previews = useRef(new Map<string, string>());

  const dropPreview = useCallback((key: string) => {
    const url = previews.current.get(key);
    if (url) URL.revokeObjectURL(url);
    previews.current.delete(key);
  }, []);

  useEffect(() => {
    const running = uploads.current;
    const shown = previews.current;
    return () => {
      for (const controller of running.values()) controller.abort();
      running.clear();
      for (const url of shown.values()) URL.revokeObjectURL(url);
      shown.clear();
    };
  }, []);

  const addFiles = useCallback(
    (files: readonly File[]) => {
      const room = Math.max(0, MAX_ATTACHMENTS - current.current.length);
      const taken = files.slice(0, room);
      const added: DraftAttachment[] = taken.map((file) => {
        const key = `draft-${++nextKey}`;
        const kind = guessKind(file.type, file.name);
        let preview: string | null = null;
        if (kind === "image" && typeof URL.createObjectURL === "function") {
          preview = URL.createObjectURL(file);
          previews.current.set(key, preview);
        }
        return {
          key,
          name: file.name || "file",
          size: file.size,
          mimeType: file.type,
          kind,
          status: "uploading",
          progress: 0,
          preview,
          info: null,
          error: null,
        };
      });
      if (added.length > 0) dispatch({ type: "add", items: added });
      added.forEach((item, index) => {
        const controller = new AbortController();
        uploads.current.set(item.key, controller);
        upload(
          taken[index]!,
          (progress) => dispatch({ type: "progress", key: item.key, progress }),
          controller.signal,
        ).then(
          (info) => {
            uploads.current.delete(item.key);
            if (controller.signal.aborted) return;
            dispatch({ type: "uploaded", key: item.key, info });
            dropPreview(item.key);
          },
          (error: unknown) => {
            uploads.current.delete(item.key);
            if (controller.signal.aborted) return;
            const message =
              error instanceof Error && error.message ? error.message : "The file could not be uploaded.";
            dispatch({ type: "failed", key: item.key, message });
            dropPreview(item.key);
          },
        );
      });
      return files.length - taken.length;
    },
    [upload, dropPreview],
  );

  const remove = useCallback(
    (key: string) => {
      const item = current.current.find((candidate) => candidate.key === key);
      uploads.current.get(key)?.abort();
      uploads.current.delete(key);
      dropPreview(key);
      if (item?.info) void deleteUpload(item.info.id);
      dispatch({ type: "remove", key });
    },
    [dropPreview],
  );

  const ready = useCallback(
    () => current.current.flatMap((item) => (item.status === "ready" && item.info ? [item.info] : [])),
    [],
  );

  const clear = useCallback(() => {
    for (const key of [...previews.current.keys()]) dropPreview(key);
    dispatch({ type: "clear" });
  }, [dropPreview]);

  const restore = useCallback((files: readonly AttachmentInfo[]) => {
    const held = new Set(current.current.map((item) => item.info?.id));
    const back = files.filter((info) => !held.has(info.id));
    const room = Math.max(0, MAX_ATTACHMENTS - current.current.length);
    if (back.length > 0 && room > 0) dispatch({ type: "add", items: back.slice(0, room).map(storedChip) });
  }, []);

  return { items, addFiles, remove, ready, clear, restore };
}

/** The files of a paste or drop (ignoring text and other items). */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  if (data.files && data.files.length > 0) return Array.from(data.files);
  const files: File[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== "file") continue;
    const file = item.getAsFile();
    if (file) files.push(file);
  }
  return files;
}
