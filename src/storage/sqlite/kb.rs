//! Knowledge articles on SQLite: writes are one `BEGIN IMMEDIATE` transaction (the number from
//! the `counters` row, the version condition); the FTS5 index `kb_fts` is kept by triggers in
//! that transaction. A search is an FTS5 query of quoted words joined by `OR` (the last one
//! also as a prefix while it is typed), ranked by `bm25` with the title weighted 10 : 1.

use super::directory::load_user;
use super::{Result, SqliteDb};
use crate::domain::kb::{self, Article, ArticleFields, ArticleHit, MARK_END, MARK_START};
use crate::domain::{ArticleId, ConversationId, Timestamp, User, UserId};
use crate::storage::kb::{
    ARTICLE_SELECT, ArticleSearch, KbError, NewArticle, SNIPPET_WORDS, article_from_row,
    hit_from_row,
};

async fn load_article(db: &mut sqlx::SqliteConnection, id: ArticleId) -> Result<Option<Article>> {
    let row = sqlx::query(&format!("{ARTICLE_SELECT} WHERE a.id = ?1"))
        .bind(id.0)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(article_from_row).transpose()
}

/// Stores a new article (the number taken in this transaction) and answers with it.
pub(super) async fn insert_article(
    db: &mut sqlx::SqliteConnection,
    author: UserId,
    client_id: &str,
    fields: &ArticleFields,
    now: Timestamp,
) -> Result<ArticleId> {
    let counter: i64 = sqlx::query_scalar(
        "UPDATE counters SET value = value + 1 WHERE name = 'kb_article' RETURNING value",
    )
    .fetch_one(&mut *db)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO kb_articles (number, title, body, body_text, category, state, author_id, \
         updated_by_id, client_id, created_at, updated_at, published_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?9, ?10) RETURNING id",
    )
    .bind(kb::number(counter))
    .bind(&fields.title)
    .bind(&fields.body)
    .bind(kb::plain_text(&fields.body))
    .bind(&fields.category)
    .bind(fields.state.as_str())
    .bind(author.0)
    .bind(client_id)
    .bind(now.0)
    .bind(kb::published_at(None, fields.state, now).map(|t| t.0))
    .fetch_one(&mut *db)
    .await?;
    Ok(ArticleId(id))
}

/// The FTS5 query for `words` (letters and digits only, from [`kb::search_words`]).
fn fts_query(search: &ArticleSearch) -> String {
    let last = search.words.len().saturating_sub(1);
    search
        .words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == last && search.prefix_last {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

impl SqliteDb {
    /// Creates a draft (or, for a repeated client id of the same author, answers with the
    /// original and `false`).
    pub async fn create_article(
        &self,
        new: &NewArticle,
        now: Timestamp,
    ) -> Result<(Article, bool), KbError> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let original: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM kb_articles WHERE author_id = ?1 AND client_id = ?2",
        )
        .bind(new.actor.id.0)
        .bind(&new.client_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = original {
            let article = load_article(&mut tx, ArticleId(id))
                .await?
                .ok_or(KbError::NotFound)?;
            return Ok((article, false));
        }
        let actor = load_user(&mut tx, new.actor.id)
            .await?
            .ok_or(KbError::NotFound)?;
        let mut fields = new.fields.clone();
        kb::check_create(&actor, &mut fields)?;
        let id = insert_article(&mut tx, actor.id, &new.client_id, &fields, now).await?;
        let article = load_article(&mut tx, id).await?.ok_or(KbError::NotFound)?;
        tx.commit().await?;
        Ok((article, true))
    }

    /// Changes article `id` as `actor`, made on `version`.
    pub async fn update_article(
        &self,
        id: ArticleId,
        actor: &User,
        version: i64,
        fields: &ArticleFields,
        now: Timestamp,
    ) -> Result<Article, KbError> {
        let mut tx = self.write.begin_with("BEGIN IMMEDIATE").await?;
        let before = load_article(&mut tx, id).await?.ok_or(KbError::NotFound)?;
        let actor = load_user(&mut tx, actor.id)
            .await?
            .ok_or(KbError::NotFound)?;
        let mut after = fields.clone();
        kb::check_change(&actor, &before, version, &mut after)?;
        if after == ArticleFields::of(&before) {
            return Ok(before);
        }
        let done = sqlx::query(
            "UPDATE kb_articles SET title = ?1, body = ?2, body_text = ?3, category = ?4, \
             state = ?5, published_at = ?6, updated_by_id = ?7, updated_at = ?8, \
             version = version + 1 WHERE id = ?9 AND version = ?10",
        )
        .bind(&after.title)
        .bind(&after.body)
        .bind(kb::plain_text(&after.body))
        .bind(&after.category)
        .bind(after.state.as_str())
        .bind(kb::published_at(before.published_at, after.state, now).map(|t| t.0))
        .bind(actor.id.0)
        .bind(now.0)
        .bind(id.0)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(kb::KbRefusal::Changed {
                by: before.updated_by.display_name.clone(),
                at: before.updated_at.clock_utc(),
            }
            .into());
        }
        let article = load_article(&mut tx, id).await?.ok_or(KbError::NotFound)?;
        tx.commit().await?;
        Ok(article)
    }

    pub async fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        let mut conn = self.read.acquire().await?;
        load_article(&mut conn, id).await
    }

    pub async fn article_by_number(&self, number: &str) -> Result<Option<Article>> {
        let row = sqlx::query(&format!("{ARTICLE_SELECT} WHERE a.number = ?1"))
            .bind(number)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(article_from_row).transpose()
    }

    /// Articles in the search's states: ranked by the search's words, or without words the
    /// newest updated first.
    pub async fn search_articles(&self, search: &ArticleSearch) -> Result<Vec<ArticleHit>> {
        let states = serde_json::to_string(&search.state_names()).unwrap_or_default();
        if search.words.is_empty() {
            let rows = sqlx::query(
                "SELECT a.id, a.number, a.title, a.category, a.state, a.updated_at, \
                 a.body_text AS snippet FROM kb_articles a \
                 WHERE a.state IN (SELECT value FROM json_each(?1)) \
                 ORDER BY a.updated_at DESC, a.id DESC LIMIT ?2",
            )
            .bind(states)
            .bind(search.limit)
            .fetch_all(&self.read)
            .await?;
            return rows.iter().map(|r| hit_from_row(r, false)).collect();
        }
        let rows = sqlx::query(
            "SELECT a.id, a.number, a.title, a.category, a.state, a.updated_at, \
             snippet(kb_fts, 1, ?1, ?2, '…', ?3) AS snippet \
             FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.rowid \
             WHERE kb_fts MATCH ?4 AND a.state IN (SELECT value FROM json_each(?5)) \
             ORDER BY bm25(kb_fts, 10.0, 1.0), a.id LIMIT ?6",
        )
        .bind(MARK_START.to_string())
        .bind(MARK_END.to_string())
        .bind(SNIPPET_WORDS)
        .bind(fts_query(search))
        .bind(states)
        .bind(search.limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| hit_from_row(r, true)).collect()
    }

    /// The comments the customer of `conv` wrote, newest first (at most `limit`).
    pub async fn customer_comments(&self, conv: ConversationId, limit: i64) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT e.body FROM entries e JOIN conversations c ON c.id = e.conversation_id \
             WHERE e.conversation_id = ?1 AND e.kind = 'comment' AND e.author_id = c.customer_id \
             ORDER BY e.seq DESC LIMIT ?2",
        )
        .bind(conv.0)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }
}
