/**
 * `npm run build && npx wrangler deploy` from the repository root: Cloudflare's convention is that
 * a build tool leaves `.wrangler/deploy/config.json` next to the wrangler config, pointing wrangler
 * at the config it generated (dist/parley/wrangler.json, with the assets directory filled in).
 * The Cloudflare Vite plugin writes that file under Vite's root, which is web/ here, where
 * wrangler run from the repository root never looks; it then reads wrangler.toml, whose
 * `[assets]` has no directory, and refuses.
 *
 * After the plugin has written its file, this moves it next to the wrangler config, with its
 * paths rebased. Only for a build into the project's own output directory: a test's build into a
 * temporary directory must not become what the next `wrangler deploy` uploads.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Plugin } from "vite";

const DEPLOY_CONFIG = path.join(".wrangler", "deploy", "config.json");

interface DeployConfig {
  configPath?: string;
  auxiliaryWorkers?: { configPath: string }[];
  prerenderWorkerConfigPath?: string;
}

export function deployConfigAtRoot(wranglerConfigPath: string, projectOutDir: string): Plugin {
  let viteRoot = "";
  return {
    name: "parley:deploy-config-at-root",
    apply: "build",
    configResolved(config) {
      viteRoot = config.root;
    },
    writeBundle: {
      // After the Cloudflare plugin's own writeBundle, which writes the file this moves.
      order: "post",
      handler() {
        const written = path.join(viteRoot, DEPLOY_CONFIG);
        if (!existsSync(written)) return;
        const target = path.join(path.dirname(wranglerConfigPath), DEPLOY_CONFIG);
        if (written === target) return;
        const from = path.dirname(written);
        const to = path.dirname(target);
        const rebase = (p: string) => path.relative(to, path.resolve(from, p));
        const config = JSON.parse(readFileSync(written, "utf8")) as DeployConfig;
        const built = path.resolve(from, config.configPath ?? "");
        if (!built.startsWith(path.resolve(projectOutDir) + path.sep)) return;
        const moved: DeployConfig = {
          ...config,
          ...(config.configPath ? { configPath: rebase(config.configPath) } : {}),
          auxiliaryWorkers: (config.auxiliaryWorkers ?? []).map((w) => ({
            configPath: rebase(w.configPath),
          })),
          ...(config.prerenderWorkerConfigPath
            ? { prerenderWorkerConfigPath: rebase(config.prerenderWorkerConfigPath) }
            : {}),
        };
        mkdirSync(to, { recursive: true });
        writeFileSync(target, JSON.stringify(moved));
        // Left under web/, it would make wrangler run from web/ refuse both files.
        rmSync(path.dirname(written), { recursive: true, force: true });
      },
    },
  };
}
