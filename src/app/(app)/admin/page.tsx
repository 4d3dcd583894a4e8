import { AdminOverview } from "../../_components/admin/overview";
import { RenderList } from "../../_components/render-list";

export const metadata = { title: "Overview" };

export default function Page() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Overview</h1>
          <p className="muted">The farm at a glance: queue, outcomes, providers, cache and worker hosts.</p>
        </div>
      </div>
      <AdminOverview />
      <RenderList limit={10} title="Latest renders, all teams" />
    </>
  );
}
