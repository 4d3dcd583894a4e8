"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { MAX_IMAGE_BYTES, MAX_IMAGES } from "~/shared/campaign";
import { useTRPC } from "~/trpc/react";
import { formatBytes } from "./format";
import { Empty, ErrorBox } from "./ui";

interface Img {
  id: string;
  width: number;
  height: number;
  bytes: number;
}

/** Product images: upload (checked by content on the server), thumbnails, remove. */
export function ImageUploader({ campaignId, images }: { campaignId: string; images: Img[] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const refresh = () => qc.invalidateQueries(trpc.campaign.get.queryFilter({ id: campaignId }));
  const remove = useMutation(trpc.campaign.removeImage.mutationOptions({ onSuccess: refresh }));

  async function upload(files: FileList | null) {
    if (!files?.length) return;
    setError(null);
    const big = [...files].find((f) => f.size > MAX_IMAGE_BYTES);
    if (big) return setError(`${big.name}: over the ${formatBytes(MAX_IMAGE_BYTES)} limit`);
    const body = new FormData();
    for (const f of files) body.append("images", f);
    setUploading(true);
    try {
      const res = await fetch(`/api/campaigns/${campaignId}/images`, { method: "POST", body });
      if (!res.ok) setError(((await res.json().catch(() => ({}))) as { error?: string }).error ?? `Upload failed (${res.status})`);
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
        <div className="hint">PNG, JPEG, WebP or GIF, up to {formatBytes(MAX_IMAGE_BYTES)} each. Used as the scenes&apos; stills.</div>
      </div>
      {uploading ? (
        <p className="muted" role="status">
          Uploading and checking…
        </p>
      ) : null}
      <ErrorBox error={error} />
      {images.length === 0 && !uploading ? (
        <div style={{ marginTop: 10 }}>
          <Empty title="No images yet">Without images, scenes get generated stills.</Empty>
        </div>
      ) : (
        <div className="thumbs" data-testid="thumbnails">
          {images.map((i, n) => (
            <div className="thumb" key={i.id} title={`${i.width}x${i.height}, ${formatBytes(i.bytes)}`}>
              <img src={`/api/images/${i.id}?size=thumb`} alt={`Product image ${n + 1} (${i.width}x${i.height})`} loading="lazy" />
              <button type="button" aria-label={`Remove image ${n + 1}`} onClick={() => remove.mutate({ campaignId, imageId: i.id })}>
                ✕
              </button>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
