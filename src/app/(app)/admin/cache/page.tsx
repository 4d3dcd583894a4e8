import { CacheAdmin } from "../../../_components/admin/cache";

export const metadata = { title: "Cache" };

export default function Page() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Cache</h1>
          <p className="muted">Encoded segments reused across renders, and provider assets reused within a team.</p>
        </div>
      </div>
      <CacheAdmin />
    </>
  );
}
