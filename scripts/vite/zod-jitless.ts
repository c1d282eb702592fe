/**
 * In the browser build (and `vite dev`'s client), `import … from "zod"` resolves to
 * web/src/zod-jitless.ts, which configures zod before any module can build a schema with it. A
 * call to `z.config` in main.tsx would come too late: schemas are built while their modules load,
 * and the bundle loads those before main's own code runs. The worker is left alone.
 */
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";

const wrapper = fileURLToPath(new URL("../../web/src/zod-jitless.ts", import.meta.url));

export function zodJitlessInBrowser(): Plugin {
  return {
    name: "parley:zod-jitless-in-browser",
    enforce: "pre",
    applyToEnvironment: (environment) => environment.name === "client",
    resolveId(source, importer) {
      if (source === "zod" && importer !== wrapper) return wrapper;
      return null;
    },
  };
}
