// Worker tests with OpenTelemetry traces on: the same workerd setup as vitest.config.ts, with the
// OTLP endpoint pointed at the fake upstream's collector (tests/fake-upstream/otlp.ts). A run of
// its own, because the Durable Objects read their configuration from the bindings of the run.
import { defineConfig } from "vitest/config";
import { workerTests } from "./vitest.config.ts";

export default defineConfig(() =>
  workerTests({
    include: ["tests/tracing/**/*.test.ts"],
    bindings: (upstream) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: `${upstream}/otlp`,
      OTEL_EXPORTER_OTLP_HEADERS: `x-collector-key=otlp-collector-key-0009,x-team=parley%20tests`,
      OTEL_SERVICE_NAME: "parley-test",
    }),
  }),
);
