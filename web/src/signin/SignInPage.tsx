import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { homeFor, navigate, safeNext } from "../shared/nav";
import { asApiError, fetchMe, signIn } from "../shared/session";
import type { User } from "../shared/wire";
import { embeddedTarget, inFrame, signInForToken } from "./embed";
import { signInErrorText } from "./errorText";

/** In the widget's frame, sign-in asks for a bearer token instead of the cookie. */
const embedded = inFrame();

/** Where to go once signed in: the `?next=` path when it is safe, else the user's home. */
function goOnFor(user: User): void {
  if (embedded) {
    // Inside the shell: a token kept only in memory (storage refused) goes along.
    navigate(embeddedTarget(location.search), { replace: true });
    return;
  }
  const next = safeNext(new URLSearchParams(location.search).get("next"));
  navigate(next ?? homeFor(user), { replace: true });
}

/** The sign-in page: a centred card with the product name and the sign-in form. */
export function SignInPage() {
  useEffect(() => {
    // Already signed in: skip the form. Any failure here just leaves the form to use.
    fetchMe().then(goOnFor, () => undefined);
  }, []);

  return (
    <main class="sign-in">
      <section class="sign-in__card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title" class="sign-in__title">
          Switchboard
        </h1>
        <p class="muted sign-in__tagline">IT Service Desk live support</p>
        <SignInForm />
      </section>
    </main>
  );
}

function SignInForm() {
  const username = useSignal("");
  const password = useSignal("");
  const submitting = useSignal(false);
  const error = useSignal<string | null>(null);
  const usernameField = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    usernameField.current?.focus();
  }, []);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (submitting.value) return;
    submitting.value = true;
    error.value = null;
    try {
      const user = embedded ? await signInForToken(username.value, password.value) : await signIn(username.value, password.value);
      goOnFor(user);
    } catch (failure) {
      error.value = signInErrorText(asApiError(failure));
      submitting.value = false;
      // Where the fix usually is, so the keyboard user can retype at once.
      passwordField.current?.focus();
      passwordField.current?.select();
    }
  }

  return (
    <form class="sign-in__form" onSubmit={(event) => void submit(event)} aria-describedby={error.value === null ? undefined : "sign-in-error"}>
      {error.value !== null && (
        <p id="sign-in-error" role="alert" class="alert">
          {error.value}
        </p>
      )}
      <div class="field">
        <label for="username">Username</label>
        <input
          ref={usernameField}
          id="username"
          name="username"
          type="text"
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          autofocus
          required
          value={username.value}
          onInput={(event) => (username.value = event.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="password">Password</label>
        <input
          ref={passwordField}
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password.value}
          onInput={(event) => (password.value = event.currentTarget.value)}
        />
      </div>
      {/* Not disabled while busy: a disabled button drops the focus to <body>. */}
      <button type="submit" class="button sign-in__submit" aria-disabled={submitting.value}>
        {submitting.value ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
