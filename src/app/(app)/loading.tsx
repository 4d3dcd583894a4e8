export default function LoadingPage() {
  return (
    <div className="panel" role="status" aria-label="Loading page">
      <div className="skeleton" style={{ width: "40%", height: 24 }} />
      <div className="skeleton" style={{ width: "90%" }} />
      <div className="skeleton" style={{ width: "75%" }} />
    </div>
  );
}
