"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { MAX_IMAGE_BYTES, MAX_IMAGES } from "~/shared/campaign";
import { useTRPC } from "~/trpc/react";
import { formatBytes } from "./format";
import { ImageFramer } from "./image-framer";
import { Empty, ErrorBox } from "./ui";

/** Product images: upload (checked by content on the server), then frame each one (focal point, order, scene). */
export function ImageUploader({ campaignId, sceneCount }: { campaignId: string; sceneCount: number }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [uploading, setUploading] = useState(false);
  const list = useQuery(trpc.image.list.queryOptions({ campaignId }));
  const images = list.data ?? [];
  const refresh = () => Promise.all([qc.invalidateQueries(trpc.image.list.queryFilter({ campaignId })), qc.invalidateQueries(trpc.campaign.get.queryFilter({ id: campaignId }))]);

  async function upload(files: FileList | null) {
    if (!files?.length) return;
    setError(null);
    setWarnings([]);
    const big = [...files].find((f) => f.size > MAX_IMAGE_BYTES);
    if (big) return setError(`${big.name}: over the ${formatBytes(MAX_IMAGE_BYTES)} limit`);
    const names = [...files].map((f) => f.name);
    const body = new FormData();
    for (const f of files) body.append("images", f);
    setUploading(true);
    try {
      const res = await fetch(`/api/campaigns/${campaignId}/images`, { method: "POST", body });
      const json = (await res.json().catch(() => ({}))) as { error?: string; images?: { warning: string | null }[] };
      if (!res.ok) setError(json.error ?? `Upload failed (${res.status})`);
      else {
        // The new images are the last ones, in the order sent.
        const added = (json.images ?? []).slice(-names.length);
        setWarnings(added.flatMap((img, i) => (img.warning ? [`${names[i]}: ${img.warning}`] : [])));
      }
      await refresh();
    } catch {
      setError("Upload failed: could not reach the server");
    } finally {
      setUploading(false);
      if (input.current) input.current.value = "";
    }
  }

  return (
    <section className="panel" aria-labelledby="images-h">
      <div className="panel-head">
        <h2 id="images-h">Product images</h2>
        <span className="muted">
          {images.length}/{MAX_IMAGES}
        </span>
      </div>
      <div className="dropzone" onDragOver={(e) => e.preventDefault()} onDrop={(e) => (e.preventDefault(), void upload(e.dataTransfer.files))}>
        <label htmlFor="image-upload" style={{ margin: 0 }}>
          Upload product images
        </label>
        <input ref={input} id="image-upload" type="file" accept="image/png,image/jpeg,image/webp,image/gif" multiple disabled={uploading || images.length >= MAX_IMAGES} onChange={(e) => void upload(e.target.files)} style={{ marginTop: 8 }} />
        <div className="hint">PNG, JPEG, WebP or GIF, up to {formatBytes(MAX_IMAGE_BYTES)} each. At least 1080 px on the shorter side looks sharp in a 1080x1920 video.</div>
      </div>
      {uploading ? (
        <p className="muted" role="status">
          Uploading and checking…
        </p>
      ) : null}
      <ErrorBox error={error} />
      {warnings.length ? (
        <div className="notice warn" role="status" data-testid="upload-warnings">
          {warnings.map((w) => (
            <div key={w}>{w}</div>
          ))}
        </div>
      ) : null}
      {list.error ? <ErrorBox error={list.error} retry={() => void list.refetch()} /> : null}
      {images.length === 0 && !uploading && !list.isLoading ? (
        <div style={{ marginTop: 10 }}>
          <Empty title="No images yet">Without images, scenes get generated stills.</Empty>
        </div>
      ) : (
        <ImageFramer campaignId={campaignId} images={images} sceneCount={sceneCount} onChange={refresh} />
      )}
    </section>
  );
}
