import { headers } from "next/headers";
import { type ReactNode } from "react";
import { getSessionUser } from "~/server/auth/session";

/** Admin pages: marketers get a refusal (their procedures are refused by the server anyway). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser(await headers());
  if (user?.role !== "admin") {
    return (
      <div className="panel" role="alert">
        <h1>Admins only</h1>
        <p className="muted">This page is for administrators. Ask an admin if you need something changed.</p>
      </div>
    );
  }
  return children;
}
