// End-to-end tests: a real `vite dev` server (worker + Durable Objects in workerd, fresh local state)
// driven by Debian's chromium through playwright-core, plus the web app's unit and component tests.
// Run: `npm run test:e2e` (needs /usr/bin/chromium or CHROMIUM_PATH).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    // web/src/**/*.test.ts(x): unit and component tests of the web app; they need no server. Files
    // that need a DOM say so with `// @vitest-environment happy-dom`.
    include: ["tests/e2e/**/*.test.ts", "web/src/**/*.test.{ts,tsx}"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    // A browser on a busy two-core machine can take longer than vitest's default second to show a
    // change; a poll that fails only fails later with this, it never passes wrongly.
    expect: { poll: { timeout: 10_000 } },
  },
});
