/**
 * Parley's built-in tools, run inside the worker when a model calls them (only for requests that
 * turned tools on). They are deliberately small and side-effect free: the current date and time,
 * and arithmetic — the two things language models most often get wrong on their own.
 */
import { z } from "zod";
import type { ProviderTool } from "../providers/types";
import { evaluate } from "./calculator";

interface BuiltinTool {
  definition: ProviderTool;
  run(args: unknown, now: Date): string;
}

const timeArgs = z.object({ timezone: z.string().max(64).optional() }).strict();
const calcArgs = z.object({ expression: z.string().min(1).max(500) }).strict();

const TOOLS: Record<string, BuiltinTool> = {
  get_current_time: {
    definition: {
      name: "get_current_time",
      description:
        "The current date and time. Use it whenever the answer depends on today's date or the time of day.",
      parameters: {
        type: "object",
        properties: {
          timezone: {
            type: "string",
            description: "An IANA time zone such as Europe/Paris or America/New_York; UTC when omitted.",
          },
        },
        additionalProperties: false,
      },
    },
    run(args, now) {
      const { timezone = "UTC" } = timeArgs.parse(args);
      let local: string;
      try {
        local = new Intl.DateTimeFormat("en-GB", {
          timeZone: timezone,
          dateStyle: "full",
          timeStyle: "long",
        }).format(now);
      } catch {
        throw new ToolInputError(`Unknown time zone "${timezone}".`);
      }
      return JSON.stringify({ iso: now.toISOString(), timezone, local });
    },
  },
  calculate: {
    definition: {
      name: "calculate",
      description:
        "Evaluates an arithmetic expression exactly as written: + - * / % ^, parentheses, and sqrt, abs, round, floor, ceil, ln, log10, sin, cos, tan, pi, e.",
      parameters: {
        type: "object",
        properties: { expression: { type: "string", description: "For example: (17.5 * 12) / 3 + sqrt(2)" } },
        required: ["expression"],
        additionalProperties: false,
      },
    },
    run(args) {
      const { expression } = calcArgs.parse(args);
      return JSON.stringify({ expression, result: evaluate(expression) });
    },
  },
};

export class ToolInputError extends Error {}

export function builtinTools(): ProviderTool[] {
  return Object.values(TOOLS).map((tool) => tool.definition);
}

/**
 * Runs one call and returns its result as text for the model. Failures (unknown tool, bad
 * arguments) are results too: the model reads the error and can correct itself.
 */
export function runTool(name: string, argumentsJson: string, now = new Date()): string {
  const tool = TOOLS[name];
  if (!tool) return JSON.stringify({ error: `There is no tool called "${name}".` });
  let args: unknown;
  try {
    args = JSON.parse(argumentsJson || "{}");
  } catch {
    return JSON.stringify({ error: "The arguments are not valid JSON." });
  }
  try {
    return tool.run(args, now);
  } catch (error) {
    const message =
      error instanceof z.ZodError
        ? `Invalid arguments: ${error.issues.map((issue) => `${issue.path.join(".") || "arguments"} ${issue.message}`).join("; ")}`
        : error instanceof Error
          ? error.message
          : "The tool failed.";
    return JSON.stringify({ error: message });
  }
}
