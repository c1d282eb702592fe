/**
 * Limits shared by the composer and the server's validation. A module without zod: the browser's
 * first load imports these numbers, and importing them from messages.ts would bring the schemas
 * (and zod) with them. messages.ts and library.ts re-export them.
 */
export const MAX_PROMPT_CHARS = 32_000;
export const MAX_SYSTEM_PROMPT_CHARS = 8_000;
export const MAX_TITLE_CHARS = 200;
/** Files per prompt. */
export const MAX_ATTACHMENTS = 8;
/** The server refuses longer search queries. */
export const MAX_SEARCH_CHARS = 200;
