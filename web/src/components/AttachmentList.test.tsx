// @vitest-environment happy-dom
// File names are shown as they are: direction controls in a name appear as ⟨U+XXXX⟩ tags (in the
// text, the labels and the alt text) instead of reordering it, in a sent prompt's files, in the
// composer's chips and in the warning about files a model cannot read.
// `npx vitest run --config vitest.e2e.config.ts web/src/components/AttachmentList.test.tsx`.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { AttachmentInfo } from "#protocol/messages";
import { modelProblem } from "../attachment-rules.ts";
import type { DraftAttachment } from "../attachments.ts";
import { AttachmentChips } from "./AttachmentChips.tsx";
import { AttachmentList } from "./AttachmentList.tsx";

afterEach(cleanup);

/** Applied, the override makes these read "invoiceexe.pdf" and "photogpj.exe"… as a .jpg. */
const PDF_NAME = "invoice\u202Efdp.exe";
const IMAGE_NAME = "photo\u202Egpj.exe";
const CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

function info(id: string, name: string, kind: AttachmentInfo["kind"]): AttachmentInfo {
  return { id, name, kind, mimeType: kind === "image" ? "image/png" : "application/pdf", size: 10 };
}

function labels(container: HTMLElement): string[] {
  return [...container.querySelectorAll("[aria-label], [alt]")].flatMap((element) => [
    element.getAttribute("aria-label") ?? "",
    element.getAttribute("alt") ?? "",
  ]);
}

describe("file names with direction controls", () => {
  it("a sent prompt's files show them as tags", () => {
    const { container } = render(
      <AttachmentList attachments={[info("a", PDF_NAME, "pdf"), info("b", IMAGE_NAME, "image")]} />,
    );
    expect(screen.getByTestId("message-file").textContent).toContain("invoice⟨U+202E⟩fdp.exe");
    expect(screen.getAllByRole("button", { name: "View photo⟨U+202E⟩gpj.exe" })).toHaveLength(1);
    expect(screen.getByTestId("message-image").getAttribute("alt")).toBe("photo⟨U+202E⟩gpj.exe");
    expect(container.textContent).not.toMatch(CONTROL);
    for (const label of labels(container)) expect(label).not.toMatch(CONTROL);
  });

  it("the composer's chips and the model warning show them as tags", () => {
    const draft: DraftAttachment = {
      key: "k",
      name: IMAGE_NAME,
      size: 10,
      mimeType: "image/png",
      kind: "image",
      status: "ready",
      progress: 1,
      preview: "blob:x",
      info: null,
      error: null,
    };
    const { container } = render(
      <AttachmentChips
        items={[draft, { ...draft, key: "p", name: PDF_NAME, kind: "pdf" }]}
        onRemove={() => {}}
      />,
    );
    expect(container.textContent).toContain("invoice⟨U+202E⟩fdp.exe");
    expect(screen.getByRole("img").getAttribute("alt")).toBe("photo⟨U+202E⟩gpj.exe");
    for (const label of labels(container)) expect(label).not.toMatch(CONTROL);

    const warning = modelProblem(
      {
        name: "Text Only",
        provider: "demo",
        caps: { reasoning: false, vision: false, tools: false, json: false, temperature: true },
      },
      [draft],
    );
    expect(warning).toContain("“photo⟨U+202E⟩gpj.exe”");
  });
});
