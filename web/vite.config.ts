import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Connect, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const rustServer = "http://127.0.0.1:8080";

/** The Rust server maps these paths to the HTML entry points; the dev server does the same. */
function pageFor(url: string): string | null {
  const path = url.split("?")[0] ?? "";
  if (path === "/agent" || path.startsWith("/agent/")) return "/agent.html";
  if (path === "/support" || path === "/support/") return "/support.html";
  if (path === "/widget-demo") return "/widget-demo.html";
  if (path === "/widget.js") return "/src/widget/widget.ts";
  return null;
}

function serverRoutes(): Plugin {
  const rewrite: Connect.NextHandleFunction = (req, _res, next) => {
    const page = req.url === undefined ? null : pageFor(req.url);
    if (page !== null) {
      const query = req.url?.includes("?") === true ? req.url.slice(req.url.indexOf("?")) : "";
      req.url = page + query;
    }
    next();
  };
  return {
    name: "switchboard-server-routes",
    configureServer(server) {
      server.middlewares.use(rewrite);
    },
    configurePreviewServer(server) {
      server.middlewares.use(rewrite);
    },
  };
}

export default defineConfig({
  base: "/",
  appType: "mpa",
  plugins: [serverRoutes()],
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      input: {
        index: resolve(root, "index.html"),
        agent: resolve(root, "agent.html"),
        support: resolve(root, "support.html"),
        "widget-demo": resolve(root, "widget-demo.html"),
        // The embeddable script: a classic script at a stable address (dist/widget.js).
        widget: resolve(root, "src/widget/widget.ts"),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === "widget" ? "widget.js" : "assets/[name]-[hash].js"),
      },
    },
  },
  server: {
    proxy: {
      "/api": { target: rustServer, ws: true, changeOrigin: false },
      "/healthz": { target: rustServer },
    },
  },
});
