import Link from "next/link";
import { CampaignList } from "../../_components/campaign-list";

export const metadata = { title: "Campaigns" };

export default function CampaignsPage() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Campaigns</h1>
          <p className="muted">Briefs your team turns into vertical video ads.</p>
        </div>
        <Link className="button" href="/campaigns/new">
          New campaign
        </Link>
      </div>
      <CampaignList />
    </>
  );
}
