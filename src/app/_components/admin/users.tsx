"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "~/trpc/react";
import { serverFieldErrors } from "../campaign-form";
import { ConfirmButton, ErrorBox, Loading, SecretValue } from "../ui";

/** Admin → Users: create accounts (password shown once), change role or team, reset, delete. */
export function UsersAdmin() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const teams = useQuery(trpc.users.teams.queryOptions());
  const [created, setCreated] = useState<{ email: string; password: string | null } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [teamChoice, setTeamChoice] = useState("");
  const refresh = async () => {
    await qc.invalidateQueries(trpc.users.list.queryFilter());
    await qc.invalidateQueries(trpc.users.teams.queryFilter());
  };
  const create = useMutation(trpc.users.create.mutationOptions({ onSuccess: async (u) => (setCreated(u), setErrors({}), await refresh()), onError: (e) => setErrors(serverFieldErrors(e)) }));
  const update = useMutation(trpc.users.update.mutationOptions({ onSuccess: refresh }));
  const reset = useMutation(trpc.users.resetPassword.mutationOptions());
  const remove = useMutation(trpc.users.delete.mutationOptions({ onSuccess: refresh }));

  function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const f = new FormData(form);
    const team = String(f.get("team") ?? "");
    create.mutate(
      {
        email: String(f.get("email") ?? ""),
        name: String(f.get("userName") ?? ""),
        role: f.get("role") === "admin" ? "admin" : "marketer",
        ...(team === "__new" ? { newTeamName: String(f.get("newTeamName") ?? "") } : team ? { teamId: team } : {}),
      },
      { onSuccess: () => form.reset() },
    );
  }
  const err = (k: string) => (errors[k] ? <div className="field-error">{errors[k]}</div> : null);

  return (
    <div className="stack">
      <section className="panel" aria-labelledby="new-user-h" style={{ maxWidth: 720 }}>
        <h2 id="new-user-h">Create a user</h2>
        <form onSubmit={submit} aria-label="Create a user">
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" required />
          {err("email")}
          <label htmlFor="userName">Name</label>
          <input id="userName" name="userName" required />
          {err("name")}
          <div className="row">
            <div>
              <label htmlFor="role">Role</label>
              <select id="role" name="role" defaultValue="marketer">
                <option value="marketer">Marketer</option>
                <option value="admin">Admin</option>
              </select>
            </div>
            <div>
              <label htmlFor="team">Team</label>
              <select id="team" name="team" value={teamChoice} onChange={(e) => setTeamChoice(e.target.value)}>
                <option value="">Choose…</option>
                {teams.data?.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
                <option value="__new">New team…</option>
              </select>
              {err("teamId")}
            </div>
          </div>
          {teamChoice === "__new" ? (
            <>
              <label htmlFor="newTeamName">New team name</label>
              <input id="newTeamName" name="newTeamName" required />
            </>
          ) : null}
          {err("_")}
          <div style={{ marginTop: 14 }}>
            <button type="submit" disabled={create.isPending}>
              {create.isPending ? "Creating…" : "Create user"}
            </button>
          </div>
        </form>
        {created?.password ? (
          <div className="notice" role="status">
            <strong>{created.email} can now sign in.</strong> Give them this password (shown once):
            <SecretValue label="Password" value={created.password} />
          </div>
        ) : null}
        {reset.data ? (
          <div className="notice warn" role="status">
            New password (shown once): <SecretValue label="Password" value={reset.data.password} />
          </div>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="users-h">
        <h2 id="users-h">Users</h2>
        {users.isLoading ? <Loading label="Loading users" /> : null}
        <ErrorBox error={users.error ?? update.error ?? remove.error} />
        <div className="table-wrap">
          <table className="table" aria-label="Users">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Team</th>
                <th scope="col">Renders</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data?.map((u) => (
                <tr key={u.id} data-testid="user-row">
                  <td>
                    <strong>{u.name}</strong>
                    <div className="muted">{u.email}</div>
                  </td>
                  <td>
                    <select aria-label={`Role of ${u.email}`} value={u.role} onChange={(e) => update.mutate({ userId: u.id, role: e.target.value as "admin" | "marketer" })}>
                      <option value="marketer">marketer</option>
                      <option value="admin">admin</option>
                    </select>
                  </td>
                  <td>
                    <select aria-label={`Team of ${u.email}`} value={u.team?.id ?? ""} onChange={(e) => update.mutate({ userId: u.id, teamId: e.target.value || null })}>
                      <option value="">No team</option>
                      {teams.data?.map((t) => (
                        <option key={t.id} value={t.id}>
                          {t.name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{u._count.renders}</td>
                  <td>
                    <div className="actions">
                      <ConfirmButton className="secondary small" title={`Reset password of ${u.email}`} body="They are signed out everywhere and get a new password, shown to you once." confirmLabel="Reset password" onConfirm={() => reset.mutate({ userId: u.id })}>
                        Reset password
                      </ConfirmButton>
                      <ConfirmButton title={`Delete ${u.email}`} body="Their campaigns and renders stay; their sessions and API tokens go." confirmLabel="Delete user" onConfirm={() => remove.mutate({ userId: u.id })}>
                        Delete
                      </ConfirmButton>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
