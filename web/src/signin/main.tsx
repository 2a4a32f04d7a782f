import { render } from "preact";
import "../shared/theme.css";
import "./signin.css";
import { SignInPage } from "./SignInPage";

const root = document.getElementById("app");
if (root !== null) render(<SignInPage />, root);
