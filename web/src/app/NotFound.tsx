/** What the shell shows at an address it does not know, with a way back into the app. */

export function NotFound() {
  return (
    <main class="not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title" class="not-found__title">
        Page not found
      </h1>
      <p class="muted">There is no page at this address. The link may be old or mistyped.</p>
      <p>
        <a class="button" href="/">
          Go to the start page
        </a>
      </p>
    </main>
  );
}
