/**
 * The embeddable chat widget: `<script src="https://switchboard.example/widget.js"
 * data-queue="<queue id>">` adds a round chat button at the bottom right of the host page
 * and a 380 × 600 panel holding the support page (`/support?embed=1`) in a frame.
 * Built as a classic script with a fixed name (dist/widget.js); it imports nothing.
 */
(() => {
  const script = document.currentScript;
  if (!(script instanceof HTMLScriptElement)) return;
  const origin = new URL(script.src, location.href).origin;
  const queue = script.dataset.queue ?? "";
  const title = script.dataset.title ?? "Chat with the service desk";

  const host = document.createElement("div");
  host.setAttribute("data-switchboard-widget", "");
  const root = host.attachShadow({ mode: "open" });
  // A constructed style sheet, not a <style> element: pages with a strict Content-Security-Policy
  // (Switchboard's own widget demo, and many portals) refuse inline style elements, not these.
  const css = `
  :host { all: initial; }
  .sb-button {
    position: fixed; right: 20px; bottom: 20px; z-index: 2147483646;
    width: 56px; height: 56px; border-radius: 50%; border: 0;
    background: #1d5bb8; color: #fff; cursor: pointer;
    box-shadow: 0 4px 14px rgb(16 24 40 / 30%);
    display: grid; place-items: center;
  }
  .sb-button:hover { background: #164a98; }
  .sb-button:focus-visible { outline: 3px solid #1b1f24; outline-offset: 3px; }
  .sb-button svg { width: 26px; height: 26px; fill: currentColor; }
  .sb-panel {
    position: fixed; right: 20px; bottom: 88px; z-index: 2147483647;
    width: 380px; height: 600px; max-width: calc(100vw - 24px); max-height: calc(100vh - 108px);
    display: flex; flex-direction: column;
    border: 1px solid #8c94a0; border-radius: 12px; overflow: hidden;
    background: #fff; box-shadow: 0 8px 28px rgb(16 24 40 / 28%);
    font: 14px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  }
  .sb-panel[hidden] { display: none; }
  .sb-bar { display: flex; align-items: center; justify-content: space-between; padding: 6px 8px 6px 14px; background: #1d5bb8; color: #fff; font-weight: 600; }
  .sb-close { border: 0; background: transparent; color: #fff; font-size: 18px; width: 32px; height: 32px; border-radius: 6px; cursor: pointer; }
  .sb-close:focus-visible { outline: 2px solid #fff; outline-offset: -2px; }
  .sb-frame { flex: 1; border: 0; width: 100%; }
  @media (max-width: 480px) {
    .sb-panel { right: 0; bottom: 0; width: 100vw; height: 100vh; max-width: none; max-height: none; border-radius: 0; }
  }
`;
  root.innerHTML = `
<div class="sb-panel" role="dialog" aria-label="${title.replace(/"/g, "&quot;")}" hidden>
  <div class="sb-bar"><span>${title.replace(/</g, "&lt;")}</span><button type="button" class="sb-close" aria-label="Close chat">✕</button></div>
</div>
<button type="button" class="sb-button" aria-label="${title.replace(/"/g, "&quot;")}" aria-expanded="false">
  <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>
</button>`;
  const constructable =
    typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype && "adoptedStyleSheets" in ShadowRoot.prototype;
  if (constructable) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    // Older browsers: a style element (refused where the host page's policy forbids it).
    const style = document.createElement("style");
    style.textContent = css;
    root.append(style);
  }

  const panel = root.querySelector<HTMLDivElement>(".sb-panel");
  const button = root.querySelector<HTMLButtonElement>(".sb-button");
  const close = root.querySelector<HTMLButtonElement>(".sb-close");
  if (panel === null || button === null || close === null) return;

  let frame: HTMLIFrameElement | null = null;

  function open(): void {
    if (panel === null || button === null) return;
    if (frame === null) {
      frame = document.createElement("iframe");
      frame.className = "sb-frame";
      frame.title = "Service desk chat";
      const params = new URLSearchParams({ embed: "1" });
      if (queue !== "") params.set("queue", queue);
      frame.src = `${origin}/support?${params.toString()}`;
      frame.allow = "clipboard-write";
      panel.append(frame);
    }
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    frame.focus();
  }

  function hide(): void {
    if (panel === null || button === null) return;
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }

  button.addEventListener("click", () => (panel.hidden ? open() : hide()));
  close.addEventListener("click", hide);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hide();
  });

  if (document.body === null) document.addEventListener("DOMContentLoaded", () => document.body.append(host));
  else document.body.append(host);
})();
