// CI's supply-chain gate (.ci/run, docs/security.md): `npm audit` over the production dependencies
// (what the worker bundle and the SPA ship), failing on a high or critical advisory. When the
// audit cannot be done at all (no network, a registry or mirror without the audit endpoint), it
// says so and passes: an unreachable service is not a finding, and CI must run offline too.
// Extra arguments go to npm (the test passes `--registry`).
import { spawnSync } from "node:child_process";

export type AuditOutcome =
  | { kind: "clean"; counts: Record<string, number> }
  | { kind: "findings"; lines: string[] }
  | { kind: "unavailable"; reason: string };

interface AuditVulnerability {
  name: string;
  severity: string;
  via: (string | { title?: string; url?: string; severity?: string })[];
}

interface AuditReport {
  vulnerabilities?: Record<string, AuditVulnerability>;
  metadata?: { vulnerabilities?: Record<string, number> };
  error?: { code?: string; summary?: string };
  message?: string;
}

const BLOCKING = new Set(["high", "critical"]);

/** What `npm audit --json` printed means for CI. */
export function readAudit(stdout: string): AuditOutcome {
  let report: AuditReport;
  try {
    report = JSON.parse(stdout) as AuditReport;
  } catch {
    return { kind: "unavailable", reason: "npm audit printed no report" };
  }
  const counts = report.metadata?.vulnerabilities;
  if (!report.vulnerabilities || !counts) {
    const reason = report.message || report.error?.summary || report.error?.code || "no report";
    return { kind: "unavailable", reason };
  }
  const lines = Object.values(report.vulnerabilities)
    .filter((vulnerability) => BLOCKING.has(vulnerability.severity))
    .map((vulnerability) => {
      const advisories = vulnerability.via
        .filter((via) => typeof via === "object")
        .map((via) => [via.title, via.url].filter(Boolean).join(" "));
      const detail =
        advisories.length > 0 ? advisories.join("; ") : `through ${vulnerability.via.join(", ")}`;
      return `${vulnerability.name} (${vulnerability.severity}): ${detail}`;
    });
  return lines.length > 0 ? { kind: "findings", lines } : { kind: "clean", counts };
}

function main(): number {
  const result = spawnSync(
    "npm",
    ["audit", "--omit=dev", "--audit-level=high", "--json", ...process.argv.slice(2)],
    {
      encoding: "utf8",
    },
  );
  const outcome = readAudit(result.stdout ?? "");
  if (outcome.kind === "unavailable") {
    console.log(
      `Dependency audit skipped, nothing was checked: the registry gave no audit report (${outcome.reason}).`,
    );
    return 0;
  }
  if (outcome.kind === "findings") {
    console.error("Dependency audit failed: production dependencies have high-severity advisories:");
    for (const line of outcome.lines) console.error(`  ${line}`);
    console.error(
      "Update them (`npm audit fix --omit=dev`, or a newer version of the package), see docs/security.md.",
    );
    return 1;
  }
  const other = Object.entries(outcome.counts)
    .filter(([severity, count]) => severity !== "total" && count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  console.log(
    `Dependency audit: no high-severity advisory in production dependencies${other.length ? ` (below the bar: ${other.join(", ")})` : ""}.`,
  );
  return 0;
}

if (import.meta.main) process.exit(main());
