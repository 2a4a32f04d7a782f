/** Articles for the component and unit tests, as the server sends them. */
import type { Article, ArticleHit } from "./wire";

export function article(extra: Partial<Article> = {}): Article {
  return {
    id: "a1",
    number: "KB0010001",
    title: "Connect to the VPN from home",
    body: "# Connect\n\nOpen the **VPN client**.",
    html: "<h1>Connect</h1>\n<p>Open the <strong>VPN client</strong>.</p>",
    category: "Network",
    state: "published",
    author: { id: "u-dana", display_name: "Dana Manager" },
    updated_by: { id: "u-dana", display_name: "Dana Manager" },
    created_at: "2026-11-01T09:00:00Z",
    updated_at: "2026-11-02T09:00:00Z",
    published_at: "2026-11-02T09:00:00Z",
    version: 3,
    ...extra,
  };
}

export function hit(extra: Partial<ArticleHit> = {}): ArticleHit {
  return {
    id: "a1",
    number: "KB0010001",
    title: "Connect to the VPN from home",
    category: "Network",
    state: "published",
    updated_at: "2026-11-02T09:00:00Z",
    snippet: [{ text: "Open the " }, { text: "VPN", mark: true }, { text: " client and sign in." }],
    ...extra,
  };
}
