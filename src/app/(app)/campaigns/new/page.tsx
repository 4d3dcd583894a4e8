import Link from "next/link";
import { NewCampaign } from "../../../_components/new-campaign";

export const metadata = { title: "New campaign" };

export default function NewCampaignPage() {
  return (
    <>
      <div className="crumbs">
        <Link href="/campaigns">Campaigns</Link> / New
      </div>
      <div className="page-head">
        <div>
          <h1>New campaign</h1>
          <p className="muted">The brief: what you sell, to whom, and how it should sound. Images and the script come next.</p>
        </div>
      </div>
      <section className="panel" style={{ maxWidth: 640 }} aria-label="Brief">
        <NewCampaign />
      </section>
    </>
  );
}
