import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Connect, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const rustServer = "http://127.0.0.1:8080";

/**
 * The Rust server (src/http/pages.rs) serves the app shell (index.html) at `/`, `/agent…` and
 * `/support`, and at any other address that names no file (the shell then says "page not
 * found"); the dev server does the same.
 */
export function pageFor(url: string): string | null {
  const path = url.split("?")[0] ?? "";
  if (path === "/widget-demo") return "/widget-demo.html";
  if (path === "/widget.js") return "/src/widget/widget.ts";
  if (path === "/api" || path.startsWith("/api/") || path === "/healthz" || path.startsWith("/@") || path.startsWith("/__")) return null;
  const last = path.slice(path.lastIndexOf("/") + 1);
  return last.includes(".") ? null : "/index.html";
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
        // The app shell; its pages are chunks of their own, loaded on demand.
        index: resolve(root, "index.html"),
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
