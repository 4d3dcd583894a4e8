/** Uploads one logo or font to a team's brand assets; the server checks it by content. */
export async function uploadBrandAsset(teamId: string, kind: "logo" | "font", file: File): Promise<{ asset: { id: string; name: string } } | { error: string; field: string }> {
  const body = new FormData();
  body.append(kind, file);
  try {
    const res = await fetch(`/api/teams/${teamId}/brand-assets`, { method: "POST", body });
    const json = (await res.json().catch(() => ({}))) as { asset?: { id: string; name: string }; error?: string; field?: string };
    if (res.ok && json.asset) return { asset: json.asset };
    return { error: json.error ?? `Upload failed (${res.status})`, field: json.field ?? kind };
  } catch {
    return { error: "Upload failed: could not reach the server", field: kind };
  }
}

/** tRPC's flattened zod errors as field messages, with the wrapper's prefix ("kit.", "override.") removed. */
export function brandFieldErrors(e: { message: string; data?: { zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null } | null }): Record<string, string> {
  const z = e.data?.zodError?.fieldErrors;
  if (!z || Object.keys(z).length === 0) return { _: e.message };
  return Object.fromEntries(Object.entries(z).map(([k, v]) => [k.replace(/^(kit|override)\./, ""), v?.[0] ?? "invalid"]));
}
