import { describe, expect, it } from "vitest";
import { pageFor } from "../../vite.config";
import { titleFor } from "./routes";

describe("titleFor", () => {
  const cases: [string, string | null][] = [
    ["/", "Sign in · Switchboard"],
    ["/support", "Support · Switchboard"],
    ["/support/", "Support · Switchboard"],
    ["/agent", null],
    ["/agent/workspace/12", null],
    ["/agent/workspace/12/more", "Page not found · Switchboard"],
    ["/agent/nothing-here", "Page not found · Switchboard"],
    ["/agnet", "Page not found · Switchboard"],
  ];
  it.each(cases)("%s has the title %j", (path, title) => {
    expect(titleFor(path)).toBe(title);
  });
});

describe("the dev server serves what the Rust server serves", () => {
  const cases: [string, string | null][] = [
    ["/", "/index.html"],
    ["/?next=%2Fagent", "/index.html"],
    ["/agent", "/index.html"],
    ["/agent/workspace/7", "/index.html"],
    ["/support?embed=1&queue=1", "/index.html"],
    ["/no-such-page", "/index.html"],
    ["/widget-demo", "/widget-demo.html"],
    ["/widget.js", "/src/widget/widget.ts"],
    ["/api/me", null],
    ["/healthz", null],
    ["/src/app/main.tsx", null],
    ["/@vite/client", null],
    ["/favicon.ico", null],
  ];
  it.each(cases)("%s is answered with %j", (url, page) => {
    expect(pageFor(url)).toBe(page);
  });
});
