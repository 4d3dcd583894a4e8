import { env } from "~/env";
import { TokensPage } from "../../_components/tokens-page";

export const metadata = { title: "API tokens" };

export default function SettingsPage() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>API tokens</h1>
          <p className="muted">Queue renders and read their status from your own tools. A token acts as you: same team, same role.</p>
        </div>
      </div>
      <TokensPage origin={env().PUBLIC_URL} />
    </>
  );
}
