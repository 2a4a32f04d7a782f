/** The one HTML entry of the web app (index.html): the shell, which loads each page on demand. */
import { render } from "preact";
import "../shared/theme.css";
import "./app.css";
import { App } from "./App";

const root = document.getElementById("app");
if (root !== null) render(<App />, root);
