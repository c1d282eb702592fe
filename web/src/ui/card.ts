/** The bordered box that settings sections and admin tabs put their rows, tables and notes in. */
export const cardClass = "rounded-xl border border-line bg-surface";
