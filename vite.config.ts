// One Vite project for the SPA (web/) and the Worker (worker/index.ts via wrangler.toml).
//
// Paths: Vite's root is web/, and @cloudflare/vite-plugin resolves `configPath`, the build output and
// `persistState.path` against that root, so everything that lives at the repository root is passed
// as an absolute path here. The plugin reads `.dev.vars` (or `.env`) next to the wrangler config,
// i.e. at the repository root. Without either file, `CLOUDFLARE_INCLUDE_PROCESS_ENV=true` hands the
// process environment to the Worker (the e2e harness uses this).
//
// Local state (D1 + Durable Object storage) lives in `.wrangler/state` at the repository root, the
// same place `wrangler d1 migrations apply DB --local` writes to; `PARLEY_STATE_DIR` points it
// elsewhere (tests use a fresh temp dir; apply migrations there with `--persist-to <dir>`).
//
// The build (what `npm run deploy` uploads) sets TRUST_CF_CONNECTING_IP: on Cloudflare the edge
// writes that header, so it is the client's address. `vite dev` leaves it out, because locally the
// header is whatever the client sent (docs/security.md, "Client address").
import { fileURLToPath } from "node:url";
import { defineConfig, type UserConfig } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";
import { cloudflare } from "@cloudflare/vite-plugin";
import { deployConfigAtRoot } from "./scripts/vite/deploy-config.ts";
import { devStartup, quietDevLogger } from "./scripts/vite/dev-output.ts";
import { noInlineScriptsInDev } from "./scripts/vite/no-inline-scripts.ts";
import { workerErrorsAsJson } from "./scripts/vite/worker-errors.ts";
import { zodJitlessInBrowser } from "./scripts/vite/zod-jitless.ts";

const repoRoot = fileURLToPath(new URL(".", import.meta.url));
const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const port = Number(process.env.PORT) || 8787;
// PARLEY_WRANGLER_CONFIG: another worker config (tests/e2e/dev-errors.test.ts runs a fixture).
const wranglerConfig = process.env.PARLEY_WRANGLER_CONFIG || fromRoot("./wrangler.toml");

export default defineConfig(({ command }) => {
  if (command === "serve") {
    // Parley never reads `request.cf`: workerd's placeholder will do, so no fetch of Cloudflare's
    // sample at start (offline, that fetch failed with a stack trace after a 3 s wait).
    process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
    // Wrangler's notes on what it read ("Using secrets defined in .dev.vars", "Parsed 1 valid
    // header rule"); its warnings and errors still show.
    process.env.WRANGLER_LOG ??= "warn";
  }
  return config(command);
});

const config = (command: "serve" | "build"): UserConfig => ({
  root: fromRoot("./web"),
  envDir: repoRoot,
  // `npm run dev` prints one line with the URL, then only what needs attention (dev-output.ts).
  ...(command === "serve" ? { customLogger: quietDevLogger() } : {}),
  plugins: [
    // The browser's zod never tries `new Function` (the pages' CSP forbids eval).
    zodJitlessInBrowser(),
    react(),
    tailwindcss(),
    cloudflare({
      configPath: wranglerConfig,
      persistState: { path: process.env.PARLEY_STATE_DIR || fromRoot("./.wrangler/state") },
      // The tests' servers start several at once and need no debugger (tests/e2e/server.ts).
      ...(process.env.PARLEY_INSPECTOR === "off" ? { inspectorPort: false as const } : {}),
      config: command === "build" ? { vars: { TRUST_CF_CONNECTING_IP: "true" } } : undefined,
      // web/public/_headers applies to the pages in dev too (Workers assets apply it in production),
      // so what is tried locally is the policy that ships. Its CSP allows no inline script: the
      // next plugin moves the dev HTML's inline scripts (the React Refresh preamble) into files.
      experimental: { headersAndRedirectsDevModeSupport: true },
    }),
    noInlineScriptsInDev(),
    // A worker route whose hand-off to workerd fails answers JSON, not Vite's error page + overlay.
    workerErrorsAsJson(wranglerConfig),
    // `npx wrangler deploy` from the repository root finds the build (scripts/vite/deploy-config.ts).
    deployConfigAtRoot(wranglerConfig, fromRoot("./dist")),
    // Checks the worker's configuration once at start (its /healthz) and stops on a problem.
    devStartup(),
  ],
  // The highlighting worker imports shiki's grammars lazily: an ES module worker keeps them chunks.
  worker: { format: "es" },
  // The dependency scan starts from the page and, as an entry of its own, the highlighting worker:
  // shiki is pre-bundled when the dev server starts, so the first highlighted block does not make
  // Vite bundle it then and reload the page. `include` names what a chat page loads, so it is
  // bundled at start even where the scan would miss an import.
  optimizeDeps: {
    entries: ["index.html", "src/markdown/highlight.worker.ts"],
    include: [
      "react",
      "react/jsx-runtime",
      "react/jsx-dev-runtime",
      "react-dom",
      "react-dom/client",
      "@radix-ui/react-dialog",
      "@radix-ui/react-dropdown-menu",
      "@radix-ui/react-popover",
      "lucide-react",
      "marked",
      "partysocket",
      "zod/v4",
    ],
  },
  build: {
    // The plugin writes dist/client (assets) and dist/parley (worker bundle + wrangler.json).
    outDir: fromRoot("./dist"),
    emptyOutDir: true,
  },
  server: {
    host: "127.0.0.1",
    port,
    strictPort: true,
    // A chat page is transformed before anyone asks for it: the entry (and everything it imports)
    // and the parts a chat loads lazily, so the first load under `npm run dev` waits on no compile.
    // The schemas' chunk (web/src/lazy-schemas.ts) is one of them: the first answer waits for it.
    warmup: {
      clientFiles: [
        "./src/main.tsx",
        "./src/protocol-schemas.ts",
        "./src/markdown/Markdown.tsx",
        "./src/components/{AccountMenu,ModelPicker,PresenceList,RegenerateMenu,RowMenu}.tsx",
        "./src/components/Overlays.tsx",
      ],
    },
  },
  preview: { host: "127.0.0.1", port, strictPort: true },
});
