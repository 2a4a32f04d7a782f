import { describe, expect, it } from "vitest";
import { pageFor } from "../../vite.config";
import { ROUTED } from "./App";
import { titleFor } from "./routes";

describe("titleFor", () => {
  const cases: [string, string | null][] = [
    ["/", "Sign in · Switchboard"],
    ["/support", "Support · Switchboard"],
    ["/support/", "Support · Switchboard"],
    ["/agent", null],
    ["/agent/workspace/12", null],
    ["/agent/manage", null],
    ["/agent/workspace/12/more", "Page not found · Switchboard"],
    ["/agent/nothing-here", "Page not found · Switchboard"],
    ["/agnet", "Page not found · Switchboard"],
    ["/kb", "Knowledge Base · Switchboard"],
    ["/kb/", "Knowledge Base · Switchboard"],
    ["/kb/KB0010001", "Knowledge Base · Switchboard"],
    ["/kb/KB0010001/edit", "Knowledge Base · Switchboard"],
    ["/kb/new", "New article · Switchboard"],
    ["/kb/KB0010001/edit/more", "Page not found · Switchboard"],
    ["/kbase", "Page not found · Switchboard"],
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
    ["/kb", "/index.html"],
    ["/kb/KB0010001", "/index.html"],
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

describe("the shell routes the Knowledge Base itself", () => {
  const cases: [string, boolean][] = [
    ["/kb", true],
    ["/kb/KB0010001", true],
    ["/kb?q=vpn", true],
    ["/agent", true],
    ["/support", true],
    ["/", false],
    ["/kbase", false],
    ["/?next=%2Fkb", false],
  ];
  it.each(cases)("%s is routed: %s", (url, routed) => {
    expect(ROUTED.test(url)).toBe(routed);
  });
});
