"use client";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";

/**
 * A warning naming the characters of `texts` that no installed font can draw (they would show as empty boxes in
 * the video), shown before anything is queued. Asks the server (its fonts are the renderer's) 400 ms after the
 * texts stop changing; shows nothing while all is drawable or the check cannot run.
 */
export function GlyphWarning({ texts }: { texts: string[] }) {
  const trpc = useTRPC();
  const key = JSON.stringify(texts);
  const [settled, setSettled] = useState(key);
  useEffect(() => {
    const t = setTimeout(() => setSettled(key), 400);
    return () => clearTimeout(t);
  }, [key]);
  const check = useQuery({ ...trpc.glyphs.check.queryOptions({ texts: JSON.parse(settled) as string[] }), staleTime: 60_000 });
  if (!check.data?.message) return null;
  return (
    <div className="notice warn" role="alert" data-testid="glyph-warning">
      These characters cannot be drawn in the video (no installed font has them) and would show as empty boxes:{" "}
      {check.data.missing.map((m) => `${m.grapheme} (${m.codePoints.join(" ")})`).join(", ")}. Replace them, or ask an
      admin to install a font that has them.
    </div>
  );
}
