import { render } from "preact";
import "../shared/theme.css";
import "../shared/conversation.css";
import "./support.css";
import { loadSupport, SupportPage } from "./SupportPage";

const root = document.getElementById("app");
if (root !== null) {
  render(<SupportPage />, root);
  void loadSupport();
}
