import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getSessionUser } from "~/server/auth/session";
import { SignInForm } from "../_components/sign-in-form";

export const metadata = { title: "Sign in" };

export default async function SignInPage() {
  if (await getSessionUser(await headers())) redirect("/campaigns");
  return (
    <div className="auth-page">
      <main className="auth-card">
        <div className="brand">
          <span className="logo" aria-hidden>
            ▶
          </span>
          Reelfarm
        </div>
        <h1>Sign in</h1>
        <p className="muted">Use the account your admin created for you.</p>
        <SignInForm />
      </main>
    </div>
  );
}
