import "./globals.css";
import { type ReactNode } from "react";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: { default: "Reelfarm", template: "%s · Reelfarm" }, description: "Briefs in, vertical video ads out." };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
