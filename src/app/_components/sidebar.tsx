"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { SessionUser } from "~/server/auth/session";

const MAIN = [
  { href: "/campaigns", label: "Campaigns" },
  { href: "/history", label: "Render history" },
  { href: "/brand", label: "Brand kit" },
  { href: "/settings", label: "API tokens" },
];
const ADMIN = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/providers", label: "Providers" },
  { href: "/admin/cache", label: "Cache" },
  { href: "/admin/workers", label: "Worker hosts" },
];

async function signOut() {
  await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  window.location.href = "/sign-in";
}

export function Sidebar({ user }: { user: Pick<SessionUser, "name" | "email" | "role"> }) {
  const path = usePathname();
  const current = (href: string) => (href === "/admin" ? path === href : path === href || path.startsWith(`${href}/`));
  const link = (l: { href: string; label: string }) => (
    <Link key={l.href} href={l.href} aria-current={current(l.href) ? "page" : undefined}>
      {l.label}
    </Link>
  );
  return (
    <aside className="sidebar">
      <Link href="/campaigns" className="brand">
        <span className="logo" aria-hidden>
          ▶
        </span>
        Reelfarm
      </Link>
      <nav className="nav" aria-label="Main">
        <div className="nav-section">Work</div>
        {MAIN.map(link)}
        {user.role === "admin" ? (
          <>
            <div className="nav-section">Admin</div>
            {ADMIN.map(link)}
          </>
        ) : null}
      </nav>
      <div className="whoami">
        <span>
          <strong>{user.name}</strong> <span className="badge">{user.role}</span>
        </span>
        <span>{user.email}</span>
        <button type="button" className="small" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </aside>
  );
}
