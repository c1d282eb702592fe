/**
 * Files dragged over the window: a quiet full-window veil that says they will be attached, and the
 * drop itself. Only drags that carry files count (dragging text or a link changes nothing).
 */
import { useEffect, useRef, useState } from "react";
import { Paperclip } from "lucide-react";

const carriesFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes("Files");

export function DropOverlay({ onFiles }: { onFiles: (files: File[]) => void }) {
  const [active, setActive] = useState(false);
  // dragenter/dragleave fire for every element crossed: count them to know when the drag left.
  const depth = useRef(0);
  const onFilesRef = useRef(onFiles);
  useEffect(() => {
    onFilesRef.current = onFiles;
  });

  useEffect(() => {
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth.current += 1;
      setActive(true);
    };
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      // Without this the browser would open the file instead of letting us have the drop.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    };
    const leave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setActive(false);
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth.current = 0;
      setActive(false);
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (files.length > 0) onFilesRef.current(files);
    };
    window.addEventListener("dragenter", enter);
    window.addEventListener("dragover", over);
    window.addEventListener("dragleave", leave);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragenter", enter);
      window.removeEventListener("dragover", over);
      window.removeEventListener("dragleave", leave);
      window.removeEventListener("drop", drop);
    };
  }, []);

  if (!active) return null;
  return (
    <div
      data-testid="drop-overlay"
      className="pointer-events-none fixed inset-0 z-40 grid place-items-center bg-canvas/70 p-6 backdrop-blur-[2px] motion-safe:animate-fade-in"
    >
      <div className="flex flex-col items-center gap-2 rounded-card border-2 border-dashed border-accent/50 bg-surface px-10 py-8 text-center shadow-card">
        <span className="grid size-11 place-items-center rounded-full bg-accent-soft text-accent">
          <Paperclip size={20} aria-hidden />
        </span>
        <p className="text-[15px] font-medium">Drop files to attach them</p>
        <p className="text-[13px] text-muted">Images, PDFs and text or code files</p>
      </div>
    </div>
  );
}
