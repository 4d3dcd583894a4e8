import { CampaignForm } from "./_components/campaign-form";
import { CampaignsAndRenders } from "./_components/renders";

export const dynamic = "force-dynamic";

export default function Home() {
  return (
    <div className="grid">
      <section className="panel" aria-labelledby="new-h">
        <h2 id="new-h">New campaign</h2>
        <CampaignForm />
      </section>
      <CampaignsAndRenders />
    </div>
  );
}
