/**
 * A fake Gemini API on 127.0.0.1 for tests and demos. It speaks the real
 * wire protocol (v1 and v1beta): generateContent (text, JSON, image, audio),
 * predictLongRunning + operation polling + file download (302) for Veo,
 * interactions for Lyria, and GET models/{model}. Faults and latency are
 * set per call kind (and optionally per model) to rehearse quota errors,
 * overloads, filtered videos and malformed answers against the real SDK.
 *
 * Standalone: `tsx src/plugins/google/fake-server.ts --port 8787
 *   [--latency script=2000,voiceover=3000,music=5000,video=8000]
 *   [--fault video=quota_day] [--api-key KEY]`
 * then point Reelfarm at it with GEMINI_BASE_URL=http://127.0.0.1:8787.
 */
import { randomBytes } from "node:crypto";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import * as bodies from "./fake/error-bodies";
import { MediaCache } from "./fake/media";
import * as answers from "./fake/responses";
import { CALL_KINDS, type CallKind, type CallRecord, type FakeGeminiOptions, type Fault, type FaultRule, type FaultType } from "./fake/types";

export * from "./fake/types";

export interface FakeGemini {
  /** e.g. http://127.0.0.1:41234 (pass as ctx.baseUrl / GEMINI_BASE_URL). */
  baseUrl: string;
  port: number;
  /** Every request, in arrival order (live array). */
  calls: CallRecord[];
  callsOf(kind: CallKind): CallRecord[];
  setFault(kind: CallKind, fault: Fault | FaultRule | null): void;
  clearFaults(): void;
  setLatency(kind: CallKind, ms: number): void;
  resetCalls(): void;
  close(): Promise<void>;
}

interface VideoOperation {
  name: string;
  model: string;
  doneAt: number;
  filtered: boolean;
  html: boolean;
  fileId: string;
  media: Promise<Buffer>;
}

const HTTP_FAULTS: Partial<Record<FaultType, (model: string, f: Fault) => [number, { error: unknown }]>> = {
  quota_minute: (m, f) => [429, bodies.quotaPerMinuteBody(m, f.type === "quota_minute" ? (f.retryDelaySec ?? 17) : 17)],
  quota_day: (m) => [429, bodies.quotaPerDayBody(m)],
  unavailable: () => [503, bodies.unavailableBody()],
  internal: () => [500, bodies.internalBody()],
  bad_key: () => [400, bodies.badKeyBody()],
  permission_denied: () => [403, bodies.permissionDeniedBody()],
  invalid_argument: (_m, f) => [400, bodies.invalidArgumentBody(f.type === "invalid_argument" ? f.message : undefined)],
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/html; charset=utf-8" : "application/json; charset=UTF-8", ...headers });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<answers.Json> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  try {
    return JSON.parse(text) as answers.Json;
  } catch {
    return { __invalid: true };
  }
}

/** Keeps request bodies loggable: base64 media becomes "<N chars>". */
function abbreviate(value: unknown): unknown {
  if (typeof value === "string") return value.length > 4000 ? `<${value.length} chars>` : value;
  if (Array.isArray(value)) return value.map(abbreviate);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, abbreviate(v)]));
  return value;
}

function classify(body: answers.Json): CallKind {
  const config = answers.generationConfig(body);
  const modalities = ((config.responseModalities ?? []) as string[]).map((m) => m.toUpperCase());
  if (modalities.includes("IMAGE")) return "image";
  if (modalities.includes("AUDIO")) return "voiceover";
  return config.responseMimeType === "application/json" ? "script" : "text";
}

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const latency: Partial<Record<CallKind, number>> = { video: 1000, ...options.latencyMs };
  const faults = new Map<CallKind, FaultRule>();
  const calls: CallRecord[] = [];
  const operations = new Map<string, VideoOperation>();
  const files = new Map<string, VideoOperation>();
  const media = new MediaCache(options.ffmpegPath ?? "/usr/bin/ffmpeg");
  let imageSeed = 0;
  let baseUrl = "";

  const setFault = (kind: CallKind, fault: Fault | FaultRule | null) => {
    if (!fault) faults.delete(kind);
    else faults.set(kind, "fault" in fault ? { ...fault } : { fault });
  };
  for (const [kind, f] of Object.entries(options.faults ?? {})) if (f) setFault(kind as CallKind, f);

  /** The active fault for this call, consuming one use of a `times` rule. */
  const takeFault = (kind: CallKind, model: string | undefined): Fault | undefined => {
    const rule = faults.get(kind);
    if (!rule || (rule.model && rule.model !== model)) return undefined;
    if (rule.times !== undefined && --rule.times <= 0) faults.delete(kind);
    return rule.fault;
  };

  async function route(req: IncomingMessage, res: ServerResponse, rec: CallRecord): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const blob = /^\/_fake\/files\/([a-z0-9]+)$/.exec(url.pathname);
    if (blob) {
      const op = files.get(blob[1]!);
      if (!op) return send(res, 404, bodies.notFoundBody(`files/${blob[1]}`));
      if (op.html) return send(res, 200, answers.HTML_ERROR_PAGE);
      const bytes = await op.media;
      res.writeHead(200, { "content-type": "video/mp4", "content-length": String(bytes.length) });
      return void res.end(bytes);
    }
    const m = /^\/(v1|v1beta)\/(.+)$/.exec(url.pathname);
    if (!m) return send(res, 404, bodies.notFoundBody(url.pathname));
    rec.apiVersion = m[1]!;
    const path = decodeURIComponent(m[2]!);
    const body = req.method === "POST" ? await readJson(req) : {};
    if (req.method === "POST") rec.body = abbreviate(body);
    let op: VideoOperation | undefined;
    let match: RegExpExecArray | null;
    if ((match = /^models\/([^/:]+):generateContent$/.exec(path)) && req.method === "POST") {
      rec.model = match[1]!;
      rec.kind = classify(body);
    } else if ((match = /^models\/([^/:]+):predictLongRunning$/.exec(path)) && req.method === "POST") {
      rec.model = match[1]!;
      rec.kind = "video";
    } else if ((match = /^(?:models\/[^/]+\/)?operations\/([^/]+)$/.exec(path)) && req.method === "GET") {
      op = operations.get(match[1]!);
      rec.kind = "operation";
      rec.model = op?.model;
    } else if ((match = /^files\/([a-z0-9]+):download$/.exec(path)) && req.method === "GET") {
      op = files.get(match[1]!);
      rec.kind = "download";
      rec.model = op?.model;
    } else if (path === "interactions" && req.method === "POST") {
      rec.kind = "music";
      rec.model = String(body.model ?? "");
    } else if ((match = /^models\/([^/:]+)$/.exec(path)) && req.method === "GET") {
      rec.kind = "models";
      rec.model = match[1]!;
    } else {
      return send(res, 404, bodies.notFoundBody(path));
    }

    const key = req.headers["x-goog-api-key"] ?? url.searchParams.get("key");
    if (!key) return send(res, 403, bodies.permissionDeniedBody());
    if (options.apiKey && key !== options.apiKey) return send(res, 400, bodies.badKeyBody());
    if (body.__invalid) return send(res, 400, bodies.invalidArgumentBody("Invalid JSON payload received."));

    const fault = takeFault(rec.kind, rec.model);
    rec.fault = fault?.type;
    if (rec.kind !== "video") await sleep(latency[rec.kind] ?? 0);
    if (res.destroyed) return;
    const httpFault = fault && HTTP_FAULTS[fault.type];
    if (httpFault) {
      const [status, errBody] = httpFault(rec.model ?? "", fault);
      return send(res, status, errBody);
    }
    const model = rec.model ?? "";
    switch (rec.kind) {
      case "script":
      case "text":
        return send(res, 200, fault?.type === "filtered" ? answers.blockedAnswer(model, answers.promptText(body)) : answers.textAnswer(model, body, fault));
      case "image":
        return send(res, 200, fault?.type === "filtered" ? answers.blockedAnswer(model, answers.promptText(body)) : answers.imageAnswer(model, body, imageSeed++, fault));
      case "voiceover":
        return send(res, 200, fault?.type === "filtered" ? answers.blockedAnswer(model, answers.promptText(body)) : answers.audioAnswer(model, body, fault));
      case "video":
        return startVideo(res, model, body, fault);
      case "operation":
        return op ? send(res, 200, operationBody(op)) : send(res, 404, bodies.notFoundBody(path));
      case "download":
        return op ? send(res, 302, "", { location: `${baseUrl}/_fake/files/${op.fileId}` }) : send(res, 404, bodies.notFoundBody(path));
      case "music": {
        if (!body.input) return send(res, 400, bodies.invalidArgumentBody("input is required"));
        if (fault?.type === "filtered") return send(res, 400, bodies.invalidArgumentBody(answers.FILTERED_REASON));
        const mp3 = fault?.type === "empty_audio" ? Buffer.alloc(0) : await media.music();
        return send(res, 200, answers.interactionAnswer(model, mp3));
      }
      case "models":
        return send(res, 200, { name: `models/${model}`, displayName: model, supportedGenerationMethods: ["generateContent", "predictLongRunning"] });
    }
  }

  function startVideo(res: ServerResponse, model: string, body: answers.Json, fault: Fault | undefined): void {
    const instance = ((body.instances ?? []) as answers.Json[])[0];
    const params = (body.parameters ?? {}) as answers.Json;
    if (!instance?.prompt) return send(res, 400, bodies.invalidArgumentBody("instances[0].prompt is required"));
    const duration = Number(params.durationSeconds ?? 8);
    if (![4, 6, 8].includes(duration)) return send(res, 400, bodies.invalidArgumentBody("durationSeconds must be 4, 6 or 8"));
    const id = randomBytes(6).toString("hex");
    const op: VideoOperation = {
      name: `models/${model}/operations/${id}`,
      model,
      doneAt: fault?.type === "never_finish" ? Infinity : Date.now() + (latency.video ?? 0),
      filtered: fault?.type === "filtered",
      html: fault?.type === "html_video",
      fileId: randomBytes(6).toString("hex").replace(/[^a-z0-9]/g, "a"),
      media: media.video(fault?.type === "short_video" ? 1 : duration, String(params.aspectRatio ?? "16:9"), String(params.resolution ?? "720p")),
    };
    op.media.catch(() => undefined);
    operations.set(id, op);
    files.set(op.fileId, op);
    send(res, 200, { name: op.name });
  }

  function operationBody(op: VideoOperation): answers.Json {
    if (Date.now() < op.doneAt) return { name: op.name };
    const type = "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse";
    const generateVideoResponse = op.filtered
      ? { raiMediaFilteredCount: 1, raiMediaFilteredReasons: [answers.FILTERED_REASON] }
      : { generatedSamples: [{ video: { uri: `https://generativelanguage.googleapis.com/v1beta/files/${op.fileId}:download?alt=media` } }] };
    return { name: op.name, done: true, response: { "@type": type, generateVideoResponse } };
  }

  const server = createServer((req, res) => {
    const rec: CallRecord = { kind: "download", method: req.method ?? "GET", path: (req.url ?? "").split("?")[0]!, apiVersion: "", status: 0, startedAt: Date.now(), endedAt: 0 };
    const internal = rec.path.startsWith("/_fake/");
    route(req, res, rec)
      .catch((e: unknown) => {
        if (!res.headersSent) send(res, 500, { error: { code: 500, message: `fake server: ${String(e)}`, status: "INTERNAL" } });
      })
      .finally(() => {
        rec.status = res.statusCode;
        rec.endedAt = Date.now();
        if (!internal) calls.push(rec);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    port,
    calls,
    callsOf: (kind) => calls.filter((c) => c.kind === kind),
    setFault,
    clearFaults: () => faults.clear(),
    setLatency: (kind, ms) => void (latency[kind] = ms),
    resetCalls: () => void calls.splice(0, calls.length),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await media.dispose();
    },
  };
}

/** `--latency script=2000,video=8000` / `--fault video=quota_day` -> pairs. */
function pairs(arg: string | undefined): [CallKind, string][] {
  return (arg ?? "")
    .split(",")
    .filter(Boolean)
    .map((p) => p.split("=") as [CallKind, string])
    .filter(([k]) => (CALL_KINDS as readonly string[]).includes(k));
}

async function main(argv: string[]): Promise<void> {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const latencyMs = Object.fromEntries(pairs(flag("latency")).map(([k, v]) => [k, Number(v)]));
  const faults = Object.fromEntries(pairs(flag("fault")).map(([k, v]) => [k, { type: v } as Fault]));
  const fake = await startFakeGemini({
    port: Number(flag("port") ?? 8787),
    apiKey: flag("api-key"),
    latencyMs,
    faults,
    ffmpegPath: process.env.FFMPEG_PATH ?? "/usr/bin/ffmpeg",
  });
  console.log(`Fake Gemini API on ${fake.baseUrl}  (GEMINI_BASE_URL=${fake.baseUrl} GEMINI_API_KEY=${flag("api-key") ?? "any"})`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
