/** Boundary helpers shared by plugins: input validation and error wrapping. */
import { type z } from "zod";
import { ProviderError, type ProviderErrorCode } from "../spec";
import { ProcessError } from "./process";

/** "scenes: Too small: expected array to have >=3 items; title: Required" */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

/** Parses `raw` or throws ProviderError(code, default invalid_request) naming the provider and the fields. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  providerId: string,
  what: string,
  code: ProviderErrorCode = "invalid_request",
): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ProviderError({
    code,
    providerId,
    message: `${providerId}: invalid ${what}: ${formatZodIssues(parsed.error)}`,
    cause: parsed.error,
  });
}

export function throwIfAborted(signal: AbortSignal, providerId: string): void {
  if (signal.aborted) throw abortedError(providerId, signal.reason);
}

/** Cancellation and deadlines share the `timeout` code: the caller's signal ended the call. */
export function abortedError(providerId: string, cause?: unknown): ProviderError {
  return new ProviderError({ code: "timeout", providerId, message: `${providerId}: aborted`, cause, cancelled: true });
}

/** Maps whatever a local plugin threw to a ProviderError. */
export function toLocalProviderError(error: unknown, providerId: string, signal: AbortSignal): ProviderError {
  if (ProviderError.isInstance(error)) return error;
  if (signal.aborted || (error instanceof ProcessError && error.aborted)) return abortedError(providerId, error);
  if (error instanceof ProcessError) {
    return new ProviderError({
      code: "unknown",
      providerId,
      retryable: false,
      message: `${providerId}: ${error.message}`,
      cause: error,
    });
  }
  return ProviderError.wrap(error, providerId);
}

/** Runs a plugin body so that only ProviderErrors escape. */
export async function guardLocal<T>(providerId: string, signal: AbortSignal, body: () => Promise<T>): Promise<T> {
  throwIfAborted(signal, providerId);
  try {
    return await body();
  } catch (e) {
    throw toLocalProviderError(e, providerId, signal);
  }
}
