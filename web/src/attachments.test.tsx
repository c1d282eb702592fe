// @vitest-environment happy-dom
// The composer's attachment state: each file uploads at once and its chip follows the upload
// (progress, the stored file, the server's refusal); the model rules that disable Send.
// `npx vitest run --config vitest.e2e.config.ts web/src/attachments.test.tsx`.
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AttachmentInfo } from "#protocol/messages";
import type { ModelInfo } from "#protocol/http";
import { ApiError } from "./api/client.ts";
import { attachmentUrl, type Uploader } from "./api/attachments.ts";
import { modelProblem, sendBlock } from "./attachment-rules.ts";
import {
  draftReducer,
  formatBytes,
  guessKind,
  useDraftAttachments,
  type DraftAttachment,
  type DraftAttachments,
} from "./attachments.ts";
import { AttachmentChips } from "./components/AttachmentChips.tsx";

function model(provider: string, vision: boolean, name = "Some Model"): ModelInfo {
  return {
    id: `${provider}-model`,
    provider,
    name,
    context: 100_000,
    maxOutput: 8_000,
    caps: { reasoning: false, vision, tools: true, json: true, temperature: true },
    pricing: { inputPerMTok: 1, cachedInputPerMTok: 0.1, outputPerMTok: 2 },
  };
}

function draft(partial: Partial<DraftAttachment> & Pick<DraftAttachment, "key">): DraftAttachment {
  return {
    name: "file",
    size: 10,
    mimeType: "",
    kind: null,
    status: "ready",
    progress: 1,
    preview: null,
    info: null,
    error: null,
    ...partial,
  };
}

describe("which model reads which file", () => {
  const image = draft({ key: "a", name: "shot.png", kind: "image" });
  const pdf = draft({ key: "b", name: "paper.pdf", kind: "pdf" });
  const text = draft({ key: "c", name: "notes.md", kind: "text" });

  it("a model without vision gets a warning naming the image; text files are fine everywhere", () => {
    expect(modelProblem(model("demo", false, "Parley Demo"), [image])).toMatch(
      /^Parley Demo can’t read images\..*“shot\.png”/,
    );
    expect(modelProblem(model("demo", false), [text])).toBeNull();
    expect(modelProblem(model("openai", true), [image, text])).toBeNull();
  });

  it("PDFs need vision and a provider that takes documents", () => {
    expect(modelProblem(model("anthropic", true), [pdf])).toBeNull();
    expect(modelProblem(model("deepseek", true, "DeepSeek"), [pdf])).toMatch(/^DeepSeek can’t read PDFs/);
    expect(modelProblem(model("openai", false, "Tiny"), [pdf])).toMatch(/^Tiny can’t read PDFs/);
  });

  it("a refused file does not count against the model (its chip already says what went wrong)", () => {
    const refused = draft({ key: "d", name: "big.png", kind: "image", status: "error", error: "Too big" });
    expect(modelProblem(model("demo", false), [refused])).toBeNull();
    expect(sendBlock(model("demo", false), [refused])).toBe("Remove the files that could not be uploaded.");
  });

  it("Send waits for uploads, and is free once every file is stored", () => {
    const uploading = draft({ key: "e", kind: "text", status: "uploading", progress: 0.4 });
    expect(sendBlock(model("openai", true), [uploading])).toBe("Wait until the files have uploaded.");
    expect(sendBlock(model("openai", true), [image, pdf, text])).toBeNull();
    expect(sendBlock(model("openai", true), [])).toBeNull();
  });

  it("guesses the kind from what the browser says, for warnings before the server answers", () => {
    expect(guessKind("image/png", "x.png")).toBe("image");
    expect(guessKind("", "report.PDF")).toBe("pdf");
    expect(guessKind("text/markdown", "a.md")).toBe("text");
    expect(guessKind("image/svg+xml", "logo.svg")).toBeNull();
  });

  it("formats sizes and file URLs (with the share token for link visitors)", () => {
    expect(formatBytes(900)).toBe("900 B");
    expect(formatBytes(12_345)).toBe("12 KB");
    expect(formatBytes(1_572_864)).toBe("1.5 MB");
    expect(attachmentUrl("f 1")).toBe("/api/v1/attachments/f%201");
    expect(attachmentUrl("f1", "tok&x")).toBe("/api/v1/attachments/f1?share=tok%26x");
  });
});

describe("draftReducer", () => {
  it("ignores progress and results for a chip that was removed meanwhile", () => {
    const state = [draft({ key: "a", status: "uploading", progress: 0 })];
    const removed = draftReducer(state, { type: "remove", key: "a" });
    expect(removed).toEqual([]);
    const info: AttachmentInfo = { id: "f1", name: "a.txt", mimeType: "text/plain", kind: "text", size: 3 };
    expect(draftReducer(removed, { type: "uploaded", key: "a", info })).toBe(removed);
    expect(draftReducer(removed, { type: "progress", key: "a", progress: 0.5 })).toBe(removed);
  });
});

/** An uploader whose uploads the test finishes by hand. */
function manualUploads() {
  const calls: {
    file: File;
    progress: (fraction: number) => void;
    resolve: (info: AttachmentInfo) => void;
    reject: (error: unknown) => void;
    signal: AbortSignal;
  }[] = [];
  const upload: Uploader = (file, progress, signal) =>
    new Promise((resolve, reject) => calls.push({ file, progress, resolve, reject, signal }));
  return { upload, calls };
}

let hook: DraftAttachments;
function Harness({ upload }: { upload: Uploader }) {
  hook = useDraftAttachments(upload);
  return <AttachmentChips items={hook.items} onRemove={hook.remove} />;
}

const png = () => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "shot.png", { type: "image/png" });
const chips = () => screen.queryAllByTestId("attachment-chip");

describe("composer chips", () => {
  const fetchMock = vi.fn(async () => new Response(null, { status: 204 }));
  beforeEach(() => {
    fetchMock.mockClear();
    vi.stubGlobal("fetch", fetchMock);
    URL.createObjectURL = vi.fn(() => "blob:preview-1");
    URL.revokeObjectURL = vi.fn();
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("an image shows its local preview and progress, then the stored file", async () => {
    const { upload, calls } = manualUploads();
    render(<Harness upload={upload} />);
    act(() => void hook.addFiles([png()]));

    const chip = chips()[0]!;
    expect(chip.dataset.status).toBe("uploading");
    expect(within(chip).getByRole("img", { name: "shot.png" }).getAttribute("src")).toBe("blob:preview-1");
    act(() => calls[0]!.progress(0.5));
    expect(within(chip).getByRole("progressbar").getAttribute("aria-valuenow")).toBe("50");
    expect(hook.ready()).toEqual([]);

    const info: AttachmentInfo = {
      id: "f-1",
      name: "shot.png",
      mimeType: "image/png",
      kind: "image",
      size: 4,
    };
    await act(async () => calls[0]!.resolve(info));
    expect(chips()[0]!.dataset.status).toBe("ready");
    expect(screen.getByRole("img", { name: "shot.png" }).getAttribute("src")).toBe("/api/v1/attachments/f-1");
    expect(screen.queryByRole("progressbar")).toBeNull();
    expect(URL.revokeObjectURL).toHaveBeenCalledWith("blob:preview-1");
    expect(hook.ready()).toEqual([info]);
  });

  it("a refused file shows the server's reason, and × takes it away without a request", async () => {
    const { upload, calls } = manualUploads();
    render(<Harness upload={upload} />);
    act(() => void hook.addFiles([new File(["PK"], "archive.zip", { type: "application/zip" })]));
    const message = "Parley takes images (PNG, JPEG, WebP, GIF), PDFs and text or code files.";
    await act(async () => calls[0]!.reject(new ApiError(415, "unsupported_file_type", message)));

    expect(chips()[0]!.dataset.status).toBe("error");
    expect(screen.getByRole("alert").textContent).toBe(message);
    fireEvent.click(screen.getByRole("button", { name: "Remove archive.zip" }));
    expect(chips()).toHaveLength(0);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("× on a stored file deletes the upload; × while uploading cancels it", async () => {
    const { upload, calls } = manualUploads();
    render(<Harness upload={upload} />);
    act(
      () => void hook.addFiles([new File(["a"], "a.txt", { type: "text/plain" }), new File(["b"], "b.txt")]),
    );
    expect(chips()).toHaveLength(2);
    await act(async () =>
      calls[0]!.resolve({ id: "f-a", name: "a.txt", mimeType: "text/plain", kind: "text", size: 1 }),
    );

    fireEvent.click(screen.getByRole("button", { name: "Remove a.txt" }));
    expect(fetchMock).toHaveBeenCalledWith(
      "/api/v1/attachments/f-a",
      expect.objectContaining({ method: "DELETE" }),
    );
    fireEvent.click(screen.getByRole("button", { name: "Remove b.txt" }));
    expect(calls[1]!.signal.aborted).toBe(true);
    expect(chips()).toHaveLength(0);
    // A result arriving after the chip went away changes nothing.
    await act(async () =>
      calls[1]!.resolve({ id: "f-b", name: "b.txt", mimeType: "text/plain", kind: "text", size: 1 }),
    );
    expect(chips()).toHaveLength(0);
  });

  it("takes at most eight files per message and says how many were left out", () => {
    const { upload, calls } = manualUploads();
    render(<Harness upload={upload} />);
    let left = 0;
    const files = Array.from({ length: 10 }, (_, i) => new File(["x"], `f${i}.txt`, { type: "text/plain" }));
    act(() => {
      left = hook.addFiles(files);
    });
    expect(left).toBe(2);
    expect(chips()).toHaveLength(8);
    expect(calls).toHaveLength(8);
  });

  it("clear after a send forgets the chips but keeps the stored files", async () => {
    const { upload, calls } = manualUploads();
    render(<Harness upload={upload} />);
    act(() => void hook.addFiles([new File(["a"], "a.txt", { type: "text/plain" })]));
    await act(async () =>
      calls[0]!.resolve({ id: "f-a", name: "a.txt", mimeType: "text/plain", kind: "text", size: 1 }),
    );
    act(() => hook.clear());
    expect(chips()).toHaveLength(0);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
