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
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";
import { cloudflare } from "@cloudflare/vite-plugin";

const repoRoot = fileURLToPath(new URL(".", import.meta.url));
const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const port = Number(process.env.PORT) || 8787;

export default defineConfig(({ command }) => ({
  root: fromRoot("./web"),
  envDir: repoRoot,
  plugins: [
    react(),
    tailwindcss(),
    cloudflare({
      configPath: fromRoot("./wrangler.toml"),
      persistState: { path: process.env.PARLEY_STATE_DIR || fromRoot("./.wrangler/state") },
      config: command === "build" ? { vars: { TRUST_CF_CONNECTING_IP: "true" } } : undefined,
    }),
  ],
  build: {
    // The plugin writes dist/client (assets) and dist/parley (worker bundle + wrangler.json).
    outDir: fromRoot("./dist"),
    emptyOutDir: true,
  },
  server: { host: "127.0.0.1", port, strictPort: true },
  preview: { host: "127.0.0.1", port, strictPort: true },
}));
