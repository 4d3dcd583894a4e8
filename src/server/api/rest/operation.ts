/**
 * What one REST API v1 operation is: method, path template, zod schemas for its query, body and
 * answers, the error classes it may add, and its handler. The dispatcher (./dispatch.ts) runs every
 * operation the same way (token, query, body, Idempotency-Key, problem+json errors), and the OpenAPI
 * document (./openapi.ts) is generated from the same list, so the two cannot disagree.
 */
import { type z } from "zod";
import { type SessionUser } from "~/server/auth/session";
import { type ProblemType } from "./problem";

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export type BodySpec =
  | { kind: "json"; schema: z.ZodType; maxBytes?: number }
  /** multipart/form-data with files in `field`. */
  | { kind: "multipart"; field: string; maxBytes: number; description: string };

export interface AnswerSpec {
  description: string;
  /** JSON body schema (registered in ./schemas), or a media type for a byte stream, or nothing (204). */
  schema?: z.ZodType;
  media?: string;
}

export interface HandlerContext<Q = Record<string, unknown>, B = unknown> {
  req: Request;
  user: SessionUser;
  tokenId: string;
  params: Record<string, string>;
  query: Q;
  body: B;
  files: File[];
}

/** A handler's answer: a JSON body (checked against `responses[status].schema`) or a raw Response (streams). */
export type Answer = { status: number; body?: unknown; location?: string } | Response;

export interface Operation {
  method: Method;
  /** OpenAPI path template under /api/v1, e.g. "/campaigns/{id}". */
  path: string;
  operationId: string;
  tag: "Campaigns" | "Images" | "Renders" | "Meta";
  summary: string;
  description?: string;
  /** No token needed (the OpenAPI document itself). */
  public?: boolean;
  query?: z.ZodObject;
  body?: BodySpec;
  responses: Record<number, AnswerSpec>;
  /** Error classes this operation adds to the ones the dispatcher may always answer. */
  errors?: ProblemType[];
  handle(ctx: HandlerContext<never, never>): Promise<Answer>;
}

/** Typed helper: the handler sees the parsed query and body types. */
export function op<Q extends z.ZodObject | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  o: Omit<Operation, "handle" | "query" | "body"> & {
    query?: Q;
    body?: B extends z.ZodType ? { kind: "json"; schema: B; maxBytes?: number } : Extract<BodySpec, { kind: "multipart" }>;
    handle(ctx: HandlerContext<Q extends z.ZodObject ? z.output<Q> : Record<string, never>, B extends z.ZodType ? z.output<B> : undefined>): Promise<Answer>;
  },
): Operation {
  return o as unknown as Operation;
}
