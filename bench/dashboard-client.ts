/** The bench's browser: signs in through better-auth and calls tRPC through its route handler. */
import superjson from "superjson";
import { env } from "~/env";
import { auth } from "~/server/auth";
import * as trpcRoute from "~/app/api/trpc/[trpc]/route";

const origin = () => new URL(env().PUBLIC_URL).origin;

export async function signIn(email: string, password: string): Promise<string> {
  const res = await auth().handler(
    new Request(`${origin()}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: origin(), "x-reelfarm-client-ip": "127.0.0.1" }, body: JSON.stringify({ email, password }) }),
  );
  if (!res.ok) throw new Error(`sign-in failed: ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export async function trpcCall(pathName: string, type: "query" | "mutation", input: unknown, cookie: string) {
  const url = `${origin()}/api/trpc/${pathName}`;
  const headers = { cookie, origin: origin(), host: new URL(origin()).host, "content-type": "application/json" };
  const body = JSON.stringify(superjson.serialize(input));
  const res = type === "query" ? await trpcRoute.GET(new Request(`${url}?input=${encodeURIComponent(body)}`, { headers })) : await trpcRoute.POST(new Request(url, { method: "POST", headers, body }));
  return { status: res.status, body: await res.text() };
}
