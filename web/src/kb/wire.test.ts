import { describe, expect, it } from "vitest";
import articleFixture from "../../../tests/fixtures/wire/article.json";
import hitFixture from "../../../tests/fixtures/wire/article_hit.json";
import { article, hit } from "./fixtures";
import { isArticle, isArticleHit, isArticleHitList, isPreview } from "./wire";
import type { Article, ArticleHit } from "./wire";

describe("Knowledge Base guards", () => {
  it("an_article_as_the_protocol_describes_it_passes", () => {
    expect(isArticle(article())).toBe(true);
    expect(isArticle(article({ published_at: null })), "a draft has no published_at").toBe(true);
    const { published_at: _left, ...draft } = article();
    expect(isArticle(draft), "or leaves it out").toBe(true);
  });

  it("an_article_with_an_unknown_state_or_a_missing_html_is_refused", () => {
    expect(isArticle({ ...article(), state: "archived" })).toBe(false);
    const { html: _html, ...noHtml } = article();
    expect(isArticle(noHtml)).toBe(false);
  });

  it("a_hit_needs_its_snippet_parts_as_text", () => {
    expect(isArticleHit(hit())).toBe(true);
    expect(isArticleHitList([hit(), hit({ id: "a2", snippet: [] })])).toBe(true);
    expect(isArticleHit(hit({ snippet: [{ text: 3 } as unknown as { text: string }] }))).toBe(false);
    expect(isArticleHit({ ...hit(), snippet: "<mark>VPN</mark>" }), "a snippet is parts, never HTML").toBe(false);
  });

  it("the_shared_fixtures_the_server_round_trips_pass", () => {
    expect(isArticle(articleFixture)).toBe(true);
    expect(isArticleHit(hitFixture)).toBe(true);
    // Typed as the server's shape: a field renamed on either side fails the type check.
    const typed: Article = articleFixture as Article;
    const typedHit: ArticleHit = hitFixture as ArticleHit;
    expect(typed.number).toBe("KB0010003");
    expect(typedHit.snippet.some((p) => p.mark === true)).toBe(true);
  });

  it("a_preview_is_html", () => {
    expect(isPreview({ html: "<p>x</p>" })).toBe(true);
    expect(isPreview({ body: "x" })).toBe(false);
  });
});
