import { HistoryTable } from "../../_components/history-table";

export const metadata = { title: "Render history" };

export default async function HistoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const campaignId = typeof sp.campaignId === "string" ? sp.campaignId : undefined;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Render history</h1>
          <p className="muted">Every render, with where its time went, what it cost and what it reused.</p>
        </div>
      </div>
      <HistoryTable initialCampaignId={campaignId} initialStatus={typeof sp.status === "string" ? sp.status : undefined} />
    </>
  );
}
