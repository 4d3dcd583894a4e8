import { handleV1 } from "~/server/api/rest/dispatch";

export const dynamic = "force-dynamic";

/**
 * REST API v1: every operation goes through one dispatcher (src/server/api/rest/dispatch.ts), so
 * each answers problem+json errors, checks the token, the body and the Idempotency-Key the same
 * way. The operations and their OpenAPI document: src/server/api/rest/v1.ts, /api/v1/openapi.json.
 */
const handler = (req: Request) => handleV1(req);

export { handler as GET, handler as HEAD, handler as POST, handler as PUT, handler as PATCH, handler as DELETE, handler as OPTIONS };
