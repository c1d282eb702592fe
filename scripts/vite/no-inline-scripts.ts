/**
 * `vite dev` serves the pages with the production policy of web/public/_headers (the Cloudflare
 * plugin applies it to the asset worker's answers, see vite.config.ts), whose CSP allows scripts
 * from 'self' only. Vite's dev HTML carries inline scripts, though: @vitejs/plugin-react puts the
 * React Refresh preamble inline, and that CSP would block it (the app would not start).
 *
 * Rather than loosen the policy in dev, this plugin moves every inline script of the dev HTML into
 * a file of its own at `/@parley-inline/<sha256>.js`, referenced by a `<script src>` with the same
 * attributes at the same place. Module scripts run in document order whether inline or not, so
 * the preamble still runs before the app. The policy in dev is byte for byte the one that ships;
 * the only difference is the dev HTML itself. The built HTML has no inline scripts to move (the
 * e2e headers test holds that), so this plugin does nothing in `vite build`.
 */
import { createHash } from "node:crypto";
import type { Plugin } from "vite";

export const INLINE_SCRIPT_PREFIX = "/@parley-inline/";

/** `<script …>code</script>` with a non-empty body and no `src`. */
const INLINE_SCRIPT = /<script(\s[^>]*)?>([\s\S]*?)<\/script>/gi;

export function noInlineScriptsInDev(): Plugin {
  const scripts = new Map<string, string>();
  return {
    name: "parley:no-inline-scripts-in-dev",
    apply: "serve",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (!req.url?.startsWith(INLINE_SCRIPT_PREFIX)) return next();
        const code = scripts.get(req.url.slice(INLINE_SCRIPT_PREFIX.length).split("?")[0] ?? "");
        if (code === undefined) {
          res.statusCode = 404;
          res.end();
          return;
        }
        res.setHeader("Content-Type", "text/javascript; charset=utf-8");
        res.setHeader("Cache-Control", "no-cache");
        res.end(code);
      });
    },
    transformIndexHtml: {
      // After every other plugin (and Vite's own dev hooks) has added its tags.
      order: "post",
      handler(html) {
        return html.replace(INLINE_SCRIPT, (tag, attributes: string | undefined = "", code: string) => {
          if (/\ssrc\s*=/i.test(attributes) || code.trim() === "") return tag;
          const name = `${createHash("sha256").update(code).digest("hex").slice(0, 32)}.js`;
          scripts.set(name, code);
          return `<script${attributes} src="${INLINE_SCRIPT_PREFIX}${name}"></script>`;
        });
      },
    },
  };
}
