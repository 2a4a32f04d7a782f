import { render } from "preact";
import "../shared/theme.css";
import "../shared/conversation.css";
import "./agent.css";
import { AgentApp, loadAgent } from "./AgentApp";

const root = document.getElementById("app");
if (root !== null) {
  render(<AgentApp />, root);
  void loadAgent();
}
