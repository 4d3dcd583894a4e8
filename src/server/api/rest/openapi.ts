/**
 * The OpenAPI 3.1 document of REST API v1, generated from the operation list (./v1.ts) and the zod
 * schemas the handlers parse and answer with (./schemas.ts, via zod 4's z.toJSONSchema: JSON
 * Schema 2020-12, which is OpenAPI 3.1's dialect). Served at /api/v1/openapi.json and rendered by
 * the reference page (/api-reference). The error answers of each operation are derived from what
 * the dispatcher can answer for it (./dispatch.ts), plus the operation's own.
 */
import { z } from "zod";
import { env } from "~/env";
import { type Operation } from "./operation";
import { PROBLEM_TYPES, type ProblemType } from "./problem";
import { requestSchemas, responseSchemas, WebhookEvent } from "./schemas";
import { API_PREFIX, MAX_JSON_BYTES } from "./dispatch";
import { operations } from "./v1";

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const uri = (id: string) => `#/components/schemas/${id}`;

function componentSchemas(): Record<string, unknown> {
  const strip = (s: Record<string, unknown>) => {
    const { $schema: _s, $id: _i, ...rest } = s;
    return rest;
  };
  const req = z.toJSONSchema(requestSchemas, { io: "input", uri, unrepresentable: "any" }).schemas;
  const res = z.toJSONSchema(responseSchemas, { io: "output", uri, unrepresentable: "any" }).schemas;
  return Object.fromEntries([...Object.entries(req), ...Object.entries(res)].map(([k, v]) => [k, strip(v as Record<string, unknown>)]));
}

function schemaRef(schema: z.ZodType): unknown {
  const id = requestSchemas.get(schema)?.id ?? responseSchemas.get(schema)?.id;
  if (!id) throw new Error("openapi: register every body and answer schema in ./schemas (requestSchemas / responseSchemas)");
  return ref(id);
}

/** The problem types the dispatcher may answer for `op`, by status. */
export function errorTypesOf(op: Operation): ProblemType[] {
  const t = new Set<ProblemType>(["not-found", "internal"]);
  if (!op.public) ["unauthorized", "forbidden", "rate-limited"].forEach((x) => t.add(x as ProblemType));
  t.add("invalid-query");
  if (op.method === "POST" || op.method === "PATCH") ["payload-too-large"].forEach((x) => t.add(x as ProblemType));
  if (op.method === "POST" && !op.public) ["missing-idempotency-key", "idempotency-key-reused", "idempotency-key-in-use", "validation-failed"].forEach((x) => t.add(x as ProblemType));
  if (op.body) ["unsupported-media-type", "validation-failed", op.body.kind === "json" ? "malformed-json" : "malformed-multipart"].forEach((x) => t.add(x as ProblemType));
  for (const e of op.errors ?? []) t.add(e);
  return [...t];
}

function operationObject(op: Operation) {
  const parameters: unknown[] = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
  if (op.query) {
    for (const [name, s] of Object.entries(op.query.shape)) {
      const schema = z.toJSONSchema(s as z.ZodType, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
      const { $schema: _s, description, ...rest } = schema;
      parameters.push({ name, in: "query", required: !(s as z.ZodType).safeParse(undefined).success, ...(description ? { description } : {}), schema: rest });
    }
  }
  if (op.operationId === "getRenderOutput") parameters.push({ name: "download", in: "query", required: false, description: "Any value: answer with Content-Disposition: attachment.", schema: { type: "string" } });
  if (op.method === "POST" && !op.public) {
    parameters.push({ name: "Idempotency-Key", in: "header", required: true, description: "A unique key per request (e.g. a UUID). Send the same key to retry safely: the first answer is replayed for 24 h; the same key with a different body is refused (422).", schema: { type: "string", minLength: 1, maxLength: 255 } });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, a] of Object.entries(op.responses)) {
    responses[status] = {
      description: a.description,
      ...(a.schema ? { content: { "application/json": { schema: schemaRef(a.schema) } } } : a.media ? { content: { [a.media]: { schema: { type: "string", contentMediaType: a.media } } } } : {}),
      ...(status === "201" && op.method === "POST" ? { headers: { Location: { description: "The created resource's URL (when it has one).", schema: { type: "string" } } } } : {}),
    };
  }
  const byStatus = new Map<number, ProblemType[]>();
  for (const t of errorTypesOf(op)) byStatus.set(PROBLEM_TYPES[t][0], [...(byStatus.get(PROBLEM_TYPES[t][0]) ?? []), t]);
  for (const [status, types] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[String(status)] = { description: types.map((t) => `${t}: ${PROBLEM_TYPES[t][1]}`).join("; "), content: { "application/problem+json": { schema: ref("Problem") } } };
  }
  let requestBody: unknown;
  if (op.body?.kind === "json") {
    requestBody = { required: true, description: `At most ${op.body.maxBytes ?? MAX_JSON_BYTES} bytes.`, content: { "application/json": { schema: schemaRef(op.body.schema) } } };
  } else if (op.body?.kind === "multipart") {
    requestBody = {
      required: true,
      description: op.body.description,
      content: { "multipart/form-data": { schema: { type: "object", required: [op.body.field], properties: { [op.body.field]: { type: "array", items: { type: "string", contentMediaType: "application/octet-stream" } } } } } },
    };
  }
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

const WEBHOOK_DESCRIPTION = [
  "When a render queued with an API token ends (succeeded, failed or cancelled) and that token has a webhook URL, Reelfarm POSTs this JSON to it.",
  "Headers: `X-Reelfarm-Event` (the event), `X-Reelfarm-Timestamp` (Unix seconds) and `X-Reelfarm-Signature: sha256=<hex>`, the HMAC-SHA256 of `<timestamp>.<body>` keyed with the token's webhook secret (shown once when the token is made).",
  "Verify the signature over the raw body and refuse timestamps older than 5 minutes. Answer 2xx within 10 s; anything else is retried with backoff (5 attempts).",
  "Only the token that queued the render is called; redirects are not followed; private addresses are refused unless WEBHOOK_ALLOW_PRIVATE is set.",
].join(" ");

let cached: Record<string, unknown> | null = null;

/** The document (built once per process). */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) (paths[op.path] ??= {})[op.method.toLowerCase()] = operationObject(op);
  cached = {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Reelfarm API",
      version: "1.0.0",
      description: [
        "Briefs in, vertical video ads out. Authenticate with an API token (Admin or Settings -> API tokens): `Authorization: Bearer rf_...`.",
        "Errors are RFC 9457 problem details (application/problem+json) naming the fields at fault. Every POST needs an Idempotency-Key header.",
        "Lists are newest first and paged with `limit` and `cursor` (`nextCursor` of the previous page).",
      ].join(" "),
    },
    servers: [{ url: `${env().PUBLIC_URL}${API_PREFIX}` }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: "Campaigns", description: "Briefs: create, read, update, list, archive." },
      { name: "Images", description: "A campaign's product images." },
      { name: "Renders", description: "Queue, follow, cancel and retry renders; download the video and its QA report." },
      { name: "Meta", description: "This document." },
    ],
    paths,
    webhooks: {
      renderFinished: {
        post: {
          summary: "A render queued with your token ended",
          description: WEBHOOK_DESCRIPTION,
          parameters: [
            { name: "X-Reelfarm-Event", in: "header", required: true, schema: { type: "string", enum: ["render.succeeded", "render.failed", "render.cancelled"] } },
            { name: "X-Reelfarm-Timestamp", in: "header", required: true, schema: { type: "string" } },
            { name: "X-Reelfarm-Signature", in: "header", required: true, schema: { type: "string", pattern: "^sha256=[0-9a-f]{64}$" } },
          ],
          requestBody: { required: true, content: { "application/json": { schema: schemaRef(WebhookEvent) } } },
          responses: { "2XX": { description: "Received. Anything else is retried with backoff." } },
        },
      },
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "An API token: rf_..." } },
    },
  };
  return cached;
}
