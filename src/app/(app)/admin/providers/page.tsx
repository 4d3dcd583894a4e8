import { ProvidersAdmin } from "../../../_components/admin/providers";

export const metadata = { title: "Providers" };

export default function Page() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Providers</h1>
          <p className="muted">Quota breakers and daily use of every provider and model.</p>
        </div>
      </div>
      <ProvidersAdmin />
    </>
  );
}
