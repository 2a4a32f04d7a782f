/** What a page shows before its content: still loading, or why it could not load. */

export function LoadingPage({ label }: { label: string }) {
  return (
    <p role="status" class="page-status">
      {label}
    </p>
  );
}

export function PageLoadFailed({ message }: { message: string }) {
  return (
    <div role="alert" class="page-status page-status--error">
      <p>This page could not load: {message}</p>
      <button type="button" class="button" onClick={() => location.reload()}>
        Try again
      </button>
    </div>
  );
}
