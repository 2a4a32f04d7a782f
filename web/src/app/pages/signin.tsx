/** The sign-in page's route (`/`), loaded by the shell: its styles and the page. */
import "../../signin/signin.css";
import { SignInPage } from "../../signin/SignInPage";

export default function SignInRoute() {
  return <SignInPage />;
}
