import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { type ReactNode } from "react";
import { getSessionUser } from "~/server/auth/session";
import { Sidebar } from "../_components/sidebar";

/** Every page in here needs a session; the server checks it before rendering anything. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser(await headers());
  if (!user) redirect("/sign-in");
  return (
    <div className="shell">
      <Sidebar user={{ name: user.name, email: user.email, role: user.role }} />
      <main className="content" id="main">
        {children}
      </main>
    </div>
  );
}
