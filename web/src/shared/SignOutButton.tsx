import { useSignal } from "@preact/signals";
import { asApiError, signOut } from "./session";

/** The top bar's Sign out: ends the session, then goes to the sign-in page. */
export function SignOutButton() {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);

  async function onClick() {
    busy.value = true;
    error.value = null;
    try {
      await signOut();
      location.assign("/");
    } catch (failure) {
      error.value = asApiError(failure).message;
      busy.value = false;
    }
  }

  return (
    <span class="sign-out">
      <button type="button" class="button button--quiet" disabled={busy.value} onClick={() => void onClick()}>
        Sign out
      </button>
      {error.value !== null && (
        <span role="alert" class="sign-out__error">
          Could not sign out: {error.value}
        </span>
      )}
    </span>
  );
}
