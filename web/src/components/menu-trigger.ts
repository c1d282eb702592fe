/** The "…" button of a sidebar row: the row's look-alike and the loaded menu's trigger share it. */
export const menuTriggerClass = (active: boolean) =>
  `absolute top-1/2 right-1 grid size-7 -translate-y-1/2 place-items-center rounded-md text-muted transition-opacity hover:bg-line hover:text-ink focus-visible:opacity-100 data-[state=open]:bg-line data-[state=open]:opacity-100 max-md:size-9 ${
    active ? "opacity-100" : "opacity-0 group-hover/row:opacity-100 max-md:opacity-100"
  }`;
