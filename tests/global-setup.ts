// Starts the fake upstream for the workerd test run on the port vitest.config.ts picked.
import { startFakeUpstream } from "./fake-upstream/server.ts";

export default async function setup(): Promise<() => Promise<void>> {
  const upstream = await startFakeUpstream({ port: Number(process.env.FAKE_UPSTREAM_PORT) });
  return () => upstream.close();
}
