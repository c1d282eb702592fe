/**
 * `/api/v1/tokens`: an account's personal access tokens, for API clients calling the OpenAI- and
 * Anthropic-compatible endpoints. The secret leaves the server once, in the answer that creates it.
 */
import { createToken, listTokens, revokeToken } from "../../../compat/tokens";
import { database } from "../../../db/queries";
import { createRouter } from "../../router";
import { createTokenRoute, listTokensRoute, revokeTokenRoute } from "./routes";

export const tokenRoutes = createRouter()
  .openapi(listTokensRoute, async (c) => {
    return c.json({ tokens: await listTokens(database(c.env.DB), c.get("identity").userId) }, 200);
  })
  .openapi(createTokenRoute, async (c) => {
    const created = await createToken(database(c.env.DB), c.get("identity").userId, c.req.valid("json"));
    return c.json(created, 201);
  })
  .openapi(revokeTokenRoute, async (c) => {
    await revokeToken(database(c.env.DB), c.get("identity").userId, c.req.valid("param").id);
    return c.body(null, 204);
  });
