// The OpenAPI document: structurally valid 3.1, every $ref resolves, generated from the routes'
// own zod schemas, and it documents every /api/v1 route the Hono app registers (a route added
// with plain `app.get` instead of `createRoute` + `.openapi` fails here).
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/http/app";
import { openApiPath } from "../../worker/http/openapi";
import { workerFetch } from "./helpers";

type Json = Record<string, unknown>;

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

async function fetchDocument(): Promise<{ response: Response; doc: Json }> {
  const response = await workerFetch("/api/v1/openapi.json");
  return { response, doc: await response.clone().json<Json>() };
}

/** Every `$ref` in the document, with where it was found. */
function refs(node: unknown, at = "#"): Array<{ ref: string; at: string }> {
  if (Array.isArray(node)) return node.flatMap((item, index) => refs(item, `${at}/${index}`));
  if (node === null || typeof node !== "object") return [];
  const found: Array<{ ref: string; at: string }> = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string") found.push({ ref: value, at });
    else found.push(...refs(value, `${at}/${key}`));
  }
  return found;
}

/** Follows a local JSON pointer (`#/components/schemas/X`) through the document. */
function resolve(doc: Json, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

describe("GET /api/v1/openapi.json", () => {
  it("serves a structurally valid OpenAPI 3.1 document without starting a session", async () => {
    const { response, doc } = await fetchDocument();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.headers.get("x-request-id")).toBeTruthy();

    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const info = doc.info as Json;
    expect(info.title).toBe("Parley API");
    expect(typeof info.version).toBe("string");

    const paths = doc.paths as Record<string, Json>;
    expect(Object.keys(paths).length).toBeGreaterThan(10);
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(paths)) {
      expect(path.startsWith("/")).toBe(true);
      const operations = Object.entries(item).filter(([key]) => (METHODS as readonly string[]).includes(key));
      expect(operations.length, path).toBeGreaterThan(0);
      for (const [method, raw] of operations) {
        const operation = raw as Json;
        const where = `${method.toUpperCase()} ${path}`;
        expect(typeof operation.operationId, where).toBe("string");
        expect(operationIds.has(operation.operationId as string), `duplicate id at ${where}`).toBe(false);
        operationIds.add(operation.operationId as string);
        const responses = operation.responses as Record<string, Json>;
        expect(Object.keys(responses).length, where).toBeGreaterThan(0);
        for (const [status, answer] of Object.entries(responses)) {
          expect(status === "default" || /^[1-5]\d\d$/.test(status), where).toBe(true);
          expect(typeof answer.description, `${where} ${status}`).toBe("string");
        }
        // Every {param} of the path is declared as a required path parameter.
        const declared = ((operation.parameters as Json[] | undefined) ?? [])
          .filter((parameter) => parameter.in === "path")
          .map((parameter) => {
            expect(parameter.required).toBe(true);
            return parameter.name;
          });
        const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
        expect(declared.sort(), where).toEqual(inPath.sort());
      }
    }
  });

  it("has no dangling $ref: every reference resolves inside the document", async () => {
    const { doc } = await fetchDocument();
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(20);
    const broken = all.filter(({ ref }) => resolve(doc, ref) === undefined);
    expect(broken).toEqual([]);
    // Component schemas are embedded, not standalone resources with their own $id.
    const schemas = (doc.components as Json).schemas as Record<string, Json>;
    for (const [name, schema] of Object.entries(schemas)) {
      expect(schema.$id, name).toBeUndefined();
      expect(schema.$schema, name).toBeUndefined();
    }
  });

  it("describes request bodies with the same zod schemas the routes validate with", async () => {
    const { doc } = await fetchDocument();
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const schemas = (doc.components as Json).schemas as Record<string, Json>;
    const bodyOf = (path: string, method: string) => {
      const body = paths[path]?.[method]?.requestBody as Json | undefined;
      const content = body?.content as Record<string, { schema: { $ref: string } }> | undefined;
      const ref = content?.["application/json"]?.schema.$ref ?? "";
      return resolve(doc, ref) as Json;
    };

    const chat = bodyOf("/api/v1/chat/stream", "post");
    expect(chat.required).toEqual(expect.arrayContaining(["model", "messages"]));
    const chatProps = chat.properties as Record<string, Json>;
    expect(chatProps.temperature).toMatchObject({ minimum: 0, maximum: 2 });
    expect((chatProps.messages as Json).maxItems).toBe(200);

    // What the API really refuses matches the documented bounds.
    const tooHot = await workerFetch("/api/v1/chat/stream", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "parley-demo",
        messages: [{ role: "user", content: "hi" }],
        temperature: 3,
      }),
    });
    expect(tooHot.status).toBe(400);

    const signUp = bodyOf("/api/v1/auth/signup", "post");
    expect((signUp.properties as Record<string, Json>).password).toMatchObject({ minLength: 8 });
    expect(signUp.additionalProperties).toBe(false);

    const patch = bodyOf("/api/v1/conversations/{id}", "patch");
    expect(Object.keys(patch.properties as Json)).toEqual(["title", "pinned", "systemPrompt"]);

    // The SSE events are documented from the protocol's own event schemas.
    const stream = paths["/api/v1/chat/stream"]?.post?.responses as Record<string, Json>;
    const events = stream["200"]?.["x-sse-events"] as Record<string, { $ref: string }>;
    expect(Object.keys(events).sort()).toEqual(["delta", "done", "error", "meta", "reasoning", "usage"]);
    expect(resolve(doc, events.done?.$ref ?? "")).toMatchObject({ required: ["finishReason"] });
    expect(schemas.ServerFrame).toBeDefined();
    expect(schemas.ClientFrame).toBeDefined();
  });

  it("documents every /api/v1 route the app registers, and nothing that does not exist", async () => {
    const { doc } = await fetchDocument();
    const paths = doc.paths as Record<string, Json>;
    const documented = new Set(
      Object.entries(paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => (METHODS as readonly string[]).includes(key))
          .map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    const registered = new Set(
      createApp()
        .routes.filter((route) => route.path.startsWith("/api/v1") && route.method !== "ALL")
        .map((route) => `${route.method} ${openApiPath(route.path)}`),
    );
    expect(registered.size).toBeGreaterThan(15);
    const undocumented = [...registered].filter((route) => !documented.has(route));
    expect(undocumented, "declare these with createRoute (worker/http/routes)").toEqual([]);
    const stale = [...documented].filter((route) => route.includes("/api/v1") && !registered.has(route));
    expect(stale, "documented but not registered").toEqual([]);
  });
});
