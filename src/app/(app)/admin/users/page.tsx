import { UsersAdmin } from "../../../_components/admin/users";

export const metadata = { title: "Users" };

export default function Page() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Users</h1>
          <p className="muted">Accounts and teams. Marketers see their own team's campaigns and renders only.</p>
        </div>
      </div>
      <UsersAdmin />
    </>
  );
}
