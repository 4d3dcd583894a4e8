import "./globals.css";
import { type ReactNode } from "react";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "Reelfarm", description: "Briefs in, vertical video ads out." };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>
          <header className="topbar">
            <a href="/" className="brand">
              <span className="logo" aria-hidden>▶</span> Reelfarm
            </a>
          </header>
          <main className="container">{children}</main>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
