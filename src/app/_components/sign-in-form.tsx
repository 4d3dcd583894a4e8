"use client";
import { useState, type FormEvent } from "react";
import { ErrorBox } from "./ui";

export function SignInForm() {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget);
    setPending(true);
    setError(null);
    try {
      const res = await fetch("/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: f.get("email"), password: f.get("password") }),
      });
      if (res.ok) {
        window.location.href = "/campaigns";
        return;
      }
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      setError(res.status === 429 ? (body.message ?? "Too many attempts. Wait a minute and try again.") : res.status === 401 ? "Wrong email or password." : (body.message ?? `Sign-in failed (${res.status})`));
    } catch {
      setError("Could not reach the server.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label="Sign in">
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="username" required autoFocus />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required />
      <ErrorBox error={error} />
      <div style={{ marginTop: 18 }}>
        <button type="submit" disabled={pending} style={{ width: "100%", justifyContent: "center" }}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </div>
    </form>
  );
}
