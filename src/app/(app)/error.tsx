"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="panel" role="alert">
      <h1>Something went wrong</h1>
      <p className="muted">{error.message || "An unexpected error occurred."}</p>
      <button onClick={reset}>Try again</button>
    </div>
  );
}
