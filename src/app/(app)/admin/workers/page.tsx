import { WorkersAdmin } from "../../../_components/admin/workers";

export const metadata = { title: "Worker hosts" };

export default function Page() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Worker hosts</h1>
          <p className="muted">Machines running render jobs, from their heartbeats.</p>
        </div>
      </div>
      <WorkersAdmin />
    </>
  );
}
