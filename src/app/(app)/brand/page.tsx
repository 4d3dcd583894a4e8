import { headers } from "next/headers";
import { getSessionUser } from "~/server/auth/session";
import { BrandKitPage } from "../../_components/brand-kit-page";

export const metadata = { title: "Brand kit" };

export default async function BrandPage() {
  const user = await getSessionUser(await headers());
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Brand kit</h1>
          <p className="muted">Your logo, colours and font on every ad of the team: headlines, backgrounds and the end card. A campaign can override any of it.</p>
        </div>
      </div>
      <BrandKitPage isAdmin={user?.role === "admin"} ownTeamId={user?.teamId ?? null} />
    </>
  );
}
