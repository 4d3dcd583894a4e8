import { CacheAdmin } from "../../../_components/admin/cache";

export const metadata = { title: "Cache" };

export default function Page() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Cache</h1>
          <p className="muted">Ken Burns clips reused across renders.</p>
        </div>
      </div>
      <CacheAdmin />
    </>
  );
}
