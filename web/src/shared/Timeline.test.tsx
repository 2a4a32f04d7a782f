// @vitest-environment jsdom
/**
 * The chat log in a DOM: pinned to the bottom only while it is there, the unread separator and
 * the jump button otherwise, day separators, safe links, and Load earlier keeping the reader's
 * place. jsdom has no layout: a small model gives each list item 50 px in a 200 px high log.
 */
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ALICE, BOB, CAROL, entry } from "./fixtures";
import { Timeline, type TimelineProps } from "./Timeline";
import type { Entry } from "./wire";

const ITEM_PX = 50;
const LOG_PX = 200;
const saved = ["scrollHeight", "clientHeight", "scrollTop"].map((name) => [name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name)] as const);

beforeAll(() => {
  const tops = new WeakMap<HTMLElement, number>();
  Object.defineProperty(HTMLElement.prototype, "scrollHeight", {
    configurable: true,
    get(this: HTMLElement) {
      return this.querySelectorAll("li").length * ITEM_PX;
    },
  });
  Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => LOG_PX });
  Object.defineProperty(HTMLElement.prototype, "scrollTop", {
    configurable: true,
    get(this: HTMLElement) {
      // Like a browser: a log that got shorter cannot stay scrolled past its end.
      return Math.max(0, Math.min(tops.get(this) ?? 0, this.scrollHeight - this.clientHeight));
    },
    set(this: HTMLElement, value: number) {
      tops.set(this, Math.max(0, Math.min(value, this.scrollHeight - this.clientHeight)));
    },
  });
});

afterAll(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor === undefined) Reflect.deleteProperty(HTMLElement.prototype, name);
    else Object.defineProperty(HTMLElement.prototype, name, descriptor);
  }
});

afterEach(cleanup);

const NOW = Date.parse("2026-11-30T15:00:00");

function lines(from: number, to: number, author = CAROL): Entry[] {
  const out: Entry[] = [];
  for (let seq = from; seq <= to; seq += 1) out.push(entry("c1", seq, author, `Line ${seq}`, "2026-11-30T09:00:00"));
  return out;
}

function props(entries: readonly Entry[], extra: Partial<TimelineProps> = {}): TimelineProps {
  return { label: "Conversation with Carol", entries, pending: [], typing: [], me: ALICE.id, online: true, now: NOW, ...extra };
}

function log(): HTMLElement {
  return screen.getByRole("log", { name: "Conversation with Carol" });
}

function distanceFromBottom(element: HTMLElement): number {
  return element.scrollHeight - element.scrollTop - element.clientHeight;
}

describe("Timeline", () => {
  it("follows_new_entries_while_at_the_bottom", () => {
    const view = render(<Timeline {...props(lines(1, 10))} />);
    expect(distanceFromBottom(log()), "opens at the newest entry").toBe(0);
    view.rerender(<Timeline {...props(lines(1, 11))} />);
    expect(distanceFromBottom(log()), "a new entry keeps the log at the bottom").toBe(0);
    expect(screen.queryByRole("button", { name: /Jump to latest/ }), "no jump button at the bottom").toBeNull();
    expect(screen.queryByRole("separator", { name: "New messages" }), "no separator while reading along").toBeNull();
  });

  it("stays_put_while_the_reader_is_up_in_the_history_and_offers_the_jump_with_a_count", () => {
    const view = render(<Timeline {...props(lines(1, 10))} />);
    const element = log();
    element.scrollTop = 0;
    fireEvent.scroll(element);
    view.rerender(<Timeline {...props(lines(1, 13))} />);
    expect(element.scrollTop, "new entries do not pull the reader away").toBe(0);
    const jump = screen.getByRole("button", { name: "Jump to latest (3 new)" });
    const separator = screen.getByRole("separator", { name: "New messages" });
    expect(separator.nextElementSibling?.querySelector("li")?.textContent, "the separator sits above the first new message").toContain("Line 11");

    fireEvent.click(jump);
    expect(distanceFromBottom(element), "the jump goes to the newest entry").toBe(0);
    expect(screen.queryByRole("button", { name: /Jump to latest/ }), "the button goes away at the bottom").toBeNull();
    expect(document.activeElement, "focus goes to the log, so the conversation is read").toBe(element);
  });

  it("marks_where_new_messages_begin_when_they_arrive_while_the_reader_is_elsewhere", () => {
    const view = render(<Timeline {...props(lines(1, 3), { attending: false })} />);
    view.rerender(<Timeline {...props(lines(1, 5), { attending: false })} />);
    expect(screen.getByRole("separator", { name: "New messages" }).nextElementSibling?.querySelector("li")?.textContent, "separator above Line 4").toContain("Line 4");
    expect(distanceFromBottom(log()), "still pinned: it was at the bottom").toBe(0);
  });

  it("puts_the_separator_above_what_was_unread_when_opened_but_not_above_everything", () => {
    render(<Timeline {...props([...lines(1, 3, ALICE), ...lines(4, 6)], { unreadAtOpen: 2 })} />);
    expect(screen.getByRole("separator", { name: "New messages" }).nextElementSibling?.querySelector("li")?.textContent).toContain("Line 5");
    cleanup();
    render(<Timeline {...props(lines(1, 2), { unreadAtOpen: 2 })} />);
    expect(screen.queryByRole("separator", { name: "New messages" }), "all unread: nothing to separate").toBeNull();
  });

  it("counts_no_withdrawn_message_as_new", () => {
    const withdrawn = (seq: number): Entry => ({ ...entry("c1", seq, BOB, "", "2026-11-30T09:00:00"), kind: "work_note", withdrawn: { by: BOB, at: "2026-11-30T09:01:00" } });
    const marker = (seq: number, withdraws: number): Entry => ({ ...entry("c1", seq, BOB, "Bob Agent withdrew a message.", "2026-11-30T09:01:00"), kind: "work_note", event: "withdrawn", withdraws });
    // The server's count (2) holds Line 4 and Line 7: neither the withdrawn note 5 nor its marker 6.
    render(<Timeline {...props([...lines(1, 3, ALICE), ...lines(4, 4), withdrawn(5), marker(6, 5), ...lines(7, 7)], { unreadAtOpen: 2 })} />);
    expect(screen.getByRole("separator", { name: "New messages" }).nextElementSibling?.querySelector("li")?.textContent, "above the first unread message, not the withdrawn one").toContain("Line 4");
    cleanup();

    const view = render(<Timeline {...props(lines(1, 10))} />);
    log().scrollTop = 0;
    fireEvent.scroll(log());
    view.rerender(<Timeline {...props([...lines(1, 10), entry("c1", 11, BOB, "Line 11", "2026-11-30T09:00:00"), ...lines(12, 12)])} />);
    expect(screen.getByRole("button", { name: "Jump to latest (2 new)" })).toBeTruthy();
    view.rerender(<Timeline {...props([...lines(1, 10), withdrawn(11), ...lines(12, 12), marker(13, 11)])} />);
    expect(screen.getByRole("button", { name: "Jump to latest (1 new)" }), "one of them was withdrawn").toBeTruthy();
    view.rerender(<Timeline {...props([...lines(1, 10), withdrawn(11), ...lines(12, 12), marker(13, 11), withdrawn(14)])} />);
    expect(screen.getByRole("button", { name: "Jump to latest (1 new)" }), "one that arrives withdrawn is no news").toBeTruthy();
  });

  it("writing_clears_the_separator_and_goes_to_the_bottom", () => {
    const view = render(<Timeline {...props(lines(1, 10))} />);
    log().scrollTop = 0;
    fireEvent.scroll(log());
    view.rerender(<Timeline {...props(lines(1, 12))} />);
    expect(screen.getByRole("separator", { name: "New messages" })).toBeTruthy();
    view.rerender(<Timeline {...props([...lines(1, 12), entry("c1", 13, ALICE, "My answer")])} />);
    expect(screen.queryByRole("separator", { name: "New messages" }), "my own message ends the unread run").toBeNull();
    expect(distanceFromBottom(log()), "and shows it").toBe(0);
  });

  it("separates_days", () => {
    const entries = [
      entry("c1", 1, CAROL, "Old question", "2026-11-20T10:00:00"),
      entry("c1", 2, CAROL, "Yesterday's", "2026-11-29T10:00:00"),
      entry("c1", 3, ALICE, "Still yesterday", "2026-11-29T11:00:00"),
      entry("c1", 4, CAROL, "Today's", "2026-11-30T08:00:00"),
    ];
    render(<Timeline {...props(entries)} />);
    const days = screen.getAllByRole("separator").map((s) => s.getAttribute("aria-label"));
    expect(days, "one separator per day, in order").toEqual(["Friday, 20 November 2026", "Yesterday", "Today"]);
  });

  it("links_only_http_and_https_and_never_renders_markup", () => {
    const body = 'See https://status.example.com/vpn. Not javascript:alert(1) nor <img src=x onerror="alert(1)"> nor ftp://files.example.com';
    render(<Timeline {...props([entry("c1", 1, CAROL, body)])} />);
    const links = screen.getAllByRole("link");
    expect(links.map((a) => a.getAttribute("href")), "one link, without the full stop").toEqual(["https://status.example.com/vpn"]);
    expect(links[0]?.getAttribute("target")).toBe("_blank");
    expect(links[0]?.getAttribute("rel")).toBe("noopener noreferrer");
    expect(log().querySelector("img"), "markup in a message stays text").toBeNull();
    expect(log().textContent).toContain('<img src=x onerror="alert(1)">');
  });

  it("load_earlier_prepends_without_moving_what_the_reader_sees", () => {
    const onLoadEarlier = vi.fn();
    const view = render(<Timeline {...props(lines(11, 20), { history: "more", onLoadEarlier })} />);
    const element = log();
    element.scrollTop = 0;
    fireEvent.scroll(element);
    fireEvent.click(screen.getByRole("button", { name: "Load earlier messages" }));
    expect(onLoadEarlier).toHaveBeenCalledTimes(1);
    view.rerender(<Timeline {...props(lines(11, 20), { history: "loading", onLoadEarlier })} />);
    expect((screen.getByRole("button", { name: "Loading earlier messages…" }) as HTMLButtonElement).disabled).toBe(true);
    view.rerender(<Timeline {...props(lines(1, 20), { history: "complete", onLoadEarlier })} />);
    expect(element.scrollTop, "the ten older entries are above the view: Line 11 stays where it was").toBe(10 * ITEM_PX);
    expect(screen.queryByRole("button", { name: /earlier messages/ }), "the start of the log: no more button").toBeNull();
  });
});
