import { useSignal, type Signal } from "@preact/signals";
import { asApiError, signOut, type SignOutOptions } from "./session";

/** Signing out from a page: busy while the request runs, the failure's text, then the sign-in page. */
export interface SignOutState {
  busy: Signal<boolean>;
  error: Signal<string | null>;
  /** Ends the session (see `signOut`) and goes to the sign-in page; a failure is kept in `error`. */
  run: (options?: Omit<SignOutOptions, "store">) => Promise<void>;
}

export function useSignOut(): SignOutState {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  async function run(options: Omit<SignOutOptions, "store"> = {}) {
    busy.value = true;
    error.value = null;
    try {
      await signOut(options);
      location.assign("/");
    } catch (failure) {
      error.value = asApiError(failure).message;
      busy.value = false;
    }
  }
  return { busy, error, run };
}

/** What a failed sign-out says, next to the button. */
export function SignOutError({ error }: { error: string | null }) {
  if (error === null) return null;
  return (
    <span role="alert" class="sign-out__error">
      Could not sign out: {error}
    </span>
  );
}

/** The top bar's Sign out: ends the session, then goes to the sign-in page. */
export function SignOutButton() {
  const { busy, error, run } = useSignOut();
  return (
    <span class="sign-out">
      <button type="button" class="button button--quiet" disabled={busy.value} onClick={() => void run()}>
        Sign out
      </button>
      <SignOutError error={error.value} />
    </span>
  );
}
