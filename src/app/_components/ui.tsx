"use client";
import { useId, useRef, type ReactNode } from "react";

/** Small building blocks for consistent empty, loading and error states. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <strong>{title}</strong>
      {children}
    </div>
  );
}

export function Loading({ label = "Loading", lines = 3 }: { label?: string; lines?: number }) {
  return (
    <div role="status" aria-live="polite" aria-label={label}>
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="skeleton" style={{ width: `${90 - i * 15}%` }} />
      ))}
    </div>
  );
}

export function ErrorBox({ error, retry }: { error: { message: string } | string | null | undefined; retry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error-box" role="alert">
      {typeof error === "string" ? error : error.message}
      {retry ? (
        <div style={{ marginTop: 6 }}>
          <button className="small secondary" onClick={retry}>
            Try again
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${status}`}>{status.replaceAll("_", " ")}</span>;
}

/** A button that asks first, in an accessible modal <dialog>. */
export function ConfirmButton({
  children,
  title,
  body,
  confirmLabel,
  onConfirm,
  disabled,
  className = "danger small",
}: {
  children: ReactNode;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  return (
    <>
      <button type="button" className={className} disabled={disabled} onClick={() => ref.current?.showModal()}>
        {children}
      </button>
      <dialog ref={ref} aria-labelledby={headingId}>
        <h2 id={headingId}>{title}</h2>
        <div className="muted">{body}</div>
        <div className="actions" style={{ marginTop: 16, justifyContent: "flex-end" }}>
          <button type="button" className="secondary" onClick={() => ref.current?.close()}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              ref.current?.close();
              onConfirm();
            }}
          >
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}

/** A one-time secret (password, API token) with a copy button. */
export function SecretValue({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <div className="muted">{label}</div>
      <div className="secret">
        <code data-testid="secret-value">{value}</code>
        <button type="button" className="small secondary" onClick={() => void navigator.clipboard?.writeText(value)}>
          Copy
        </button>
      </div>
    </div>
  );
}
