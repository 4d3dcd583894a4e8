import { AdminOverview } from "../../_components/admin/overview";

export const metadata = { title: "Overview" };

export default function Page() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Overview</h1>
          <p className="muted">The farm at a glance.</p>
        </div>
      </div>
      <AdminOverview />
    </>
  );
}
