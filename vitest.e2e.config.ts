// End-to-end tests: a real `vite dev` server (worker + Durable Objects in workerd, fresh local state)
// driven by Debian's chromium through playwright-core, plus the pure room-reducer unit tests.
// Run: `npm run test:e2e` (needs /usr/bin/chromium or CHROMIUM_PATH).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    // web/src/*.test.ts: unit tests of pure web modules (the room reducer); they need no server.
    include: ["tests/e2e/**/*.test.ts", "web/src/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
