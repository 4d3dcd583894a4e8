import { spawn } from "node:child_process";
import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeGemini, startFakeGemini } from "./fake-server";

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.clearFaults();
  fake.resetCalls();
});

const sdk = (apiVersion: string, apiKey = "k") => new GoogleGenAI({ apiKey, apiVersion, httpOptions: { baseUrl: fake.baseUrl } });
const post = (path: string, body: unknown, headers: Record<string, string> = { "x-goog-api-key": "k" }) =>
  fetch(`${fake.baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("fake Gemini API", () => {
  it.each(["v1", "v1beta"])("accepts %s and logs the call", async (v) => {
    const r = await sdk(v).models.generateContent({ model: "gemini-2.5-flash", contents: "hello" });
    expect(r.text).toMatch(/Fake answer/);
    expect(fake.calls[0]).toMatchObject({ kind: "text", apiVersion: v, model: "gemini-2.5-flash", status: 200 });
  });

  it("no key -> 403 PERMISSION_DENIED; unknown path -> 404 NOT_FOUND", async () => {
    const noKey = await post("/v1beta/models/m:generateContent", { contents: [] }, {});
    expect(noKey.status).toBe(403);
    expect(((await noKey.json()) as { error: { status: string } }).error.status).toBe("PERMISSION_DENIED");
    const missing = await post("/v1beta/models/m:doSomethingElse", {});
    expect(missing.status).toBe(404);
  });

  it("latency is per call kind", async () => {
    fake.setLatency("text", 300);
    const t = Date.now();
    await sdk("v1beta").models.generateContent({ model: "m", contents: "x" });
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
    fake.setLatency("text", 0);
  });

  it("faults can target one model and a number of calls", async () => {
    fake.setFault("text", { fault: { type: "unavailable" }, model: "busy-model", times: 2 });
    const ai = sdk("v1beta");
    await expect(ai.models.generateContent({ model: "busy-model", contents: "x" })).rejects.toMatchObject({ status: 503 });
    await expect(ai.models.generateContent({ model: "other-model", contents: "x" })).resolves.toBeTruthy();
    await expect(ai.models.generateContent({ model: "busy-model", contents: "x" })).rejects.toMatchObject({ status: 503 });
    await expect(ai.models.generateContent({ model: "busy-model", contents: "x" })).resolves.toBeTruthy();
    expect(fake.calls.map((c) => c.fault)).toEqual(["unavailable", undefined, "unavailable", undefined]);
  });

  it("Veo: validates durationSeconds like the real API; unknown operations are 404", async () => {
    const bad = await post("/v1beta/models/veo:predictLongRunning", { instances: [{ prompt: "x" }], parameters: { durationSeconds: 5 } });
    expect(bad.status).toBe(400);
    const res = await fetch(`${fake.baseUrl}/v1beta/models/veo/operations/nope`, { headers: { "x-goog-api-key": "k" } });
    expect(res.status).toBe(404);
  });

  it("Veo: the download is a 302 to the bytes; file uris point at the real host, as the SDK expects", async () => {
    fake.setLatency("video", 0);
    const start = (await (await post("/v1beta/models/veo:predictLongRunning", { instances: [{ prompt: "x" }], parameters: { durationSeconds: 4, aspectRatio: "9:16" } })).json()) as { name: string };
    const op = (await (await fetch(`${fake.baseUrl}/v1beta/${start.name}`, { headers: { "x-goog-api-key": "k" } })).json()) as {
      response: { generateVideoResponse: { generatedSamples: { video: { uri: string } }[] } };
    };
    const uri = op.response.generateVideoResponse.generatedSamples[0]!.video.uri;
    expect(uri).toMatch(/^https:\/\/generativelanguage\.googleapis\.com\/v1beta\/files\/[a-z0-9]+:download\?alt=media$/);
    const local = uri.replace("https://generativelanguage.googleapis.com", fake.baseUrl);
    const redirect = await fetch(local, { headers: { "x-goog-api-key": "k" }, redirect: "manual" });
    expect(redirect.status).toBe(302);
    const bytes = Buffer.from(await (await fetch(new URL(redirect.headers.get("location")!, fake.baseUrl))).arrayBuffer());
    expect(bytes.toString("latin1", 4, 8)).toBe("ftyp");
    fake.setLatency("video", 1000);
  });

  it("runs standalone: tsx src/plugins/google/fake-server.ts --port N", async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, ["--import", "tsx", "src/plugins/google/fake-server.ts", "--port", String(port), "--latency", "text=10"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => resolve(d.toString()));
        child.once("exit", (code) => reject(new Error(`exited ${code}`)));
      });
      expect(line).toMatch(new RegExp(`http://127\\.0\\.0\\.1:${port}`));
      const r = await new GoogleGenAI({ apiKey: "k", apiVersion: "v1beta", httpOptions: { baseUrl: `http://127.0.0.1:${port}` } }).models.generateContent({ model: "m", contents: "hi" });
      expect(r.text).toMatch(/Fake answer/);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
