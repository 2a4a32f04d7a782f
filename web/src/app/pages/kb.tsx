/**
 * The Knowledge Base's routes (`/kb`, `/kb/new`, `/kb/<number>`, `/kb/<number>/edit`), loaded
 * by the shell when first shown: who is signed in (once per page load), then the view the route
 * names.
 */
import { useEffect } from "preact/hooks";
import { ArticleEditor } from "../../kb/ArticleEditor";
import { ArticleList } from "../../kb/ArticleList";
import { ArticlePage } from "../../kb/ArticlePage";
import { KnowledgeFrame, loadKb } from "../../kb/KnowledgePage";

export type KbView = "list" | "article" | "new" | "edit";

export default function KbRoute({ view = "list", params }: { view?: KbView; params?: Record<string, string | undefined> }) {
  useEffect(() => void loadKb(), []);
  const article = params?.["article"] ?? "";
  return (
    <KnowledgeFrame atList={view === "list"}>
      {(user) =>
        view === "list" ? (
          <ArticleList user={user} />
        ) : view === "new" ? (
          <ArticleEditor key="new" user={user} id={null} />
        ) : view === "edit" ? (
          <ArticleEditor key={`edit-${article}`} user={user} id={article} />
        ) : (
          <ArticlePage key={article} user={user} id={article} />
        )
      }
    </KnowledgeFrame>
  );
}
