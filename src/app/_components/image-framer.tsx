"use client";
import { useMutation } from "@tanstack/react-query";
import { type MouseEvent } from "react";
import { useTRPC } from "~/trpc/react";
import { formatBytes } from "./format";
import { ErrorBox } from "./ui";

export interface FramedImage {
  id: string;
  width: number;
  height: number;
  bytes: number;
  focusX: number;
  focusY: number;
  sceneIndex: number | null;
  warning: string | null;
}

/** 0..1 of the element's box, rounded to 3 decimals (a pixel of a 1000 px photo). */
function pointIn(e: MouseEvent<HTMLElement>) {
  const r = e.currentTarget.getBoundingClientRect();
  const clamp = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
  return { focusX: clamp((e.clientX - r.left) / r.width), focusY: clamp((e.clientY - r.top) / r.height) };
}

/**
 * Each image whole (not cropped), with its focal point as a crosshair: click the photo to move
 * it. Crops and Ken Burns keep that point in frame. Images can be moved earlier or later and
 * pinned to a scene; unpinned images are used in order by the other scenes.
 */
export function ImageFramer({ campaignId, images, sceneCount, onChange }: { campaignId: string; images: FramedImage[]; sceneCount: number; onChange: () => Promise<unknown> }) {
  const trpc = useTRPC();
  const opts = { onSuccess: () => void onChange() };
  const focus = useMutation(trpc.image.setFocus.mutationOptions(opts));
  const reorder = useMutation(trpc.image.reorder.mutationOptions(opts));
  const assign = useMutation(trpc.image.assign.mutationOptions(opts));
  const remove = useMutation(trpc.campaign.removeImage.mutationOptions(opts));
  const move = (i: number, by: -1 | 1) => {
    const ids = images.map((x) => x.id);
    const [id] = ids.splice(i, 1);
    ids.splice(i + by, 0, id!);
    reorder.mutate({ campaignId, imageIds: ids });
  };
  const scenes = Math.max(sceneCount, 1, ...images.map((i) => (i.sceneIndex ?? -1) + 1));
  return (
    <>
      <ErrorBox error={focus.error ?? reorder.error ?? assign.error ?? remove.error} />
      <p className="hint" style={{ marginTop: 10 }}>
        Click a photo to set its focal point: the part that stays in frame when it is cropped to 9:16 or zoomed.
      </p>
      <ol className="framer" data-testid="thumbnails">
        {images.map((img, n) => (
          <li key={img.id} className="framer-item" data-testid={`image-${n + 1}`}>
            <button
              type="button"
              className="framer-photo"
              style={{ aspectRatio: `${img.width} / ${img.height}` }}
              aria-label={`Set the focal point of image ${n + 1} (now ${Math.round(img.focusX * 100)}% across, ${Math.round(img.focusY * 100)}% down)`}
              onClick={(e) => focus.mutate({ campaignId, imageId: img.id, ...pointIn(e) })}
            >
              <img src={`/api/images/${img.id}?size=thumb`} alt={`Product image ${n + 1} (${img.width}x${img.height})`} loading="lazy" draggable={false} />
              <span className="focal" data-testid="focal-point" data-focus={`${img.focusX},${img.focusY}`} style={{ left: `${img.focusX * 100}%`, top: `${img.focusY * 100}%` }} aria-hidden />
            </button>
            <div className="framer-side">
              <div className="muted">
                {n + 1}. {img.width}x{img.height}, {formatBytes(img.bytes)}
              </div>
              {img.warning ? (
                <div className="warn-text" role="note" data-testid="low-res">
                  ⚠ {img.warning}
                </div>
              ) : null}
              <label htmlFor={`scene-${img.id}`}>Scene</label>
              <select id={`scene-${img.id}`} value={img.sceneIndex ?? ""} onChange={(e) => assign.mutate({ campaignId, imageId: img.id, sceneIndex: e.target.value === "" ? null : Number(e.target.value) })}>
                <option value="">Any scene (in order)</option>
                {Array.from({ length: scenes }, (_, s) => (
                  <option key={s} value={s}>
                    Scene {s + 1}
                  </option>
                ))}
              </select>
              <div className="actions" style={{ marginTop: 8 }}>
                <button type="button" className="small secondary" aria-label={`Move image ${n + 1} earlier`} disabled={n === 0 || reorder.isPending} onClick={() => move(n, -1)}>
                  ↑
                </button>
                <button type="button" className="small secondary" aria-label={`Move image ${n + 1} later`} disabled={n === images.length - 1 || reorder.isPending} onClick={() => move(n, 1)}>
                  ↓
                </button>
                <button type="button" className="small danger" aria-label={`Remove image ${n + 1}`} onClick={() => remove.mutate({ campaignId, imageId: img.id })}>
                  Remove
                </button>
              </div>
            </div>
          </li>
        ))}
      </ol>
    </>
  );
}
