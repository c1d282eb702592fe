/**
 * What `import … from "zod"` means in the browser (scripts/vite/zod-jitless.ts resolves it here):
 * zod itself, configured `jitless` before any schema is built. Otherwise zod, building its first
 * object schema, tries `new Function` once to see whether it may compile parsers; the pages' CSP
 * (web/public/_headers, no 'unsafe-eval') blocks that and reports a violation on every page load.
 * Without eval zod parses the same way, only without compiled parsers (as it does in workers).
 */
import { config } from "zod/v4";

config({ jitless: true });

export * from "zod/v4";
export { default } from "zod/v4";
