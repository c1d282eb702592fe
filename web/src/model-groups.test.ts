import { describe, expect, it } from "vitest";
import type { ModelInfo } from "#protocol/http";
import { formatContext, formatPrice, groupModels } from "./model-groups.ts";

function model(id: string, provider: string, extra: Partial<ModelInfo> = {}): ModelInfo {
  return {
    id,
    provider,
    name: id,
    context: 128_000,
    maxOutput: 8_192,
    caps: { reasoning: false, vision: false, tools: true, json: true, temperature: true },
    pricing: { inputPerMTok: 1, cachedInputPerMTok: 0.5, outputPerMTok: 4 },
    ...extra,
  };
}

const catalogue = [
  model("my-llama", "homelab"),
  model("claude-sonnet", "anthropic", {
    caps: { reasoning: true, vision: true, tools: true, json: true, temperature: true },
  }),
  model("gpt-mini", "openai"),
  model("parley-demo", "demo", { pricing: { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 } }),
  model("gpt-big", "openai"),
  model("aardvark-7b", "acme"),
];

describe("groupModels", () => {
  it("puts the built-in providers first in a fixed order, custom providers after, alphabetically", () => {
    expect(groupModels(catalogue).map((g) => g.provider)).toEqual([
      "demo",
      "openai",
      "anthropic",
      "acme",
      "homelab",
    ]);
  });

  it("keeps the catalogue order inside a group and labels providers for people", () => {
    const openai = groupModels(catalogue).find((g) => g.provider === "openai");
    expect(openai?.label).toBe("OpenAI");
    expect(openai?.models.map((m) => m.id)).toEqual(["gpt-mini", "gpt-big"]);
    expect(groupModels(catalogue).find((g) => g.provider === "homelab")?.label).toBe("Homelab");
  });

  it("filters by every word of the query and drops empty groups", () => {
    expect(groupModels(catalogue, "gpt BIG").flatMap((g) => g.models.map((m) => m.id))).toEqual(["gpt-big"]);
    expect(groupModels(catalogue, "anthropic vision").map((g) => g.provider)).toEqual(["anthropic"]);
    expect(groupModels(catalogue, "nothing-like-this")).toEqual([]);
  });

  it("formats prices and context windows", () => {
    expect(formatPrice(catalogue[3]!)).toBe("Free");
    expect(formatPrice(catalogue[2]!)).toBe("$1 / $4");
    expect(formatContext(200_000)).toBe("200K");
    expect(formatContext(1_048_576)).toBe("1M");
  });
});
