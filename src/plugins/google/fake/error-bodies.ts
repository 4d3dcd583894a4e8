/**
 * Google error bodies as the real API sends them (see
 * /work/shared/reference/google-genai.md). The fake server answers with
 * these and errors.test.ts maps them, so both agree with production.
 */
import { type GoogleErrorBody } from "../errors";

type Wrapped = { error: GoogleErrorBody };

const HELP = {
  "@type": "type.googleapis.com/google.rpc.Help",
  links: [{ description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" }],
};

function quota(model: string, quotaId: string, quotaMetric: string, quotaValue: string, retryDelaySec: number): Wrapped {
  return {
    error: {
      code: 429,
      message: `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n* Quota exceeded for metric: ${quotaMetric}, limit: ${quotaValue}, model: ${model}\nPlease retry in ${retryDelaySec}.96s.`,
      status: "RESOURCE_EXHAUSTED",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [{ quotaMetric, quotaId, quotaDimensions: { location: "global", model }, quotaValue }],
        },
        HELP,
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${retryDelaySec}s` },
      ],
    },
  };
}

/** Daily quota: note the short, misleading retryDelay it still carries. */
export function quotaPerDayBody(model: string, retryDelaySec = 38): Wrapped {
  return quota(model, "GenerateRequestsPerDayPerProjectPerModel-FreeTier", "generativelanguage.googleapis.com/generate_content_free_tier_requests", "20", retryDelaySec);
}

export function quotaPerMinuteBody(model: string, retryDelaySec = 17): Wrapped {
  return quota(model, "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "generativelanguage.googleapis.com/generate_content_free_tier_requests", "10", retryDelaySec);
}

export function unavailableBody(): Wrapped {
  return { error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" } };
}

export function internalBody(): Wrapped {
  return { error: { code: 500, message: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting", status: "INTERNAL" } };
}

export function badKeyBody(): Wrapped {
  const message = "API key not valid. Please pass a valid API key.";
  return {
    error: {
      code: 400,
      message,
      status: "INVALID_ARGUMENT",
      details: [
        { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } },
        { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message },
      ],
    },
  };
}

/** What Google answers a request without any key (exact 403 bodies vary; unconfirmed here). */
export function permissionDeniedBody(): Wrapped {
  return {
    error: {
      code: 403,
      message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      status: "PERMISSION_DENIED",
    },
  };
}

export function invalidArgumentBody(message = "* GenerateContentRequest.contents: contents is not specified\n"): Wrapped {
  return { error: { code: 400, message, status: "INVALID_ARGUMENT" } };
}

export function notFoundBody(what: string): Wrapped {
  return { error: { code: 404, message: `${what} is not found for API version v1beta, or is not supported for this method.`, status: "NOT_FOUND" } };
}
