//! Knowledge articles on PostgreSQL: the number is taken from the `counters` row in the
//! transaction that stores the article; a change locks the article row (`FOR NO KEY UPDATE`)
//! and is conditional on its version. The generated `search` column (title weight A, body B,
//! English stemming) is searched through its GIN index with a `tsquery` of the words joined by
//! `|` (the last one also as a prefix while it is typed), ranked by `ts_rank` with the title
//! weighted 10 : 1; snippets by `ts_headline`.

use super::directory::load_user;
use super::{PgDb, Result};
use crate::domain::kb::{self, Article, ArticleFields, ArticleHit, MARK_END, MARK_START};
use crate::domain::{ArticleId, ConversationId, Timestamp, User, UserId};
use crate::storage::kb::{
    ARTICLE_SELECT, ArticleSearch, KbError, NewArticle, SNIPPET_WORDS, article_from_row,
    hit_from_row,
};

async fn load_article(db: &mut sqlx::PgConnection, id: ArticleId) -> Result<Option<Article>> {
    let row = sqlx::query(&format!("{ARTICLE_SELECT} WHERE a.id = $1"))
        .bind(id.0)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(article_from_row).transpose()
}

/// Stores a new article (the number taken in this transaction) and answers with its id.
pub(super) async fn insert_article(
    db: &mut sqlx::PgConnection,
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
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $9, $10) RETURNING id",
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

/// The `tsquery` text for `words` (letters and digits only, from [`kb::search_words`]).
fn ts_query(search: &ArticleSearch) -> String {
    let last = search.words.len().saturating_sub(1);
    search
        .words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == last && search.prefix_last {
                format!("{w}:*")
            } else {
                w.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

impl PgDb {
    /// Creates a draft (or, for a repeated client id of the same author, answers with the
    /// original and `false`).
    pub async fn create_article(
        &self,
        new: &NewArticle,
        now: Timestamp,
    ) -> Result<(Article, bool), KbError> {
        let mut tx = self.pool.begin().await?;
        let original: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM kb_articles WHERE author_id = $1 AND client_id = $2",
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
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT id FROM kb_articles WHERE id = $1 FOR NO KEY UPDATE")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(KbError::NotFound)?;
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
            "UPDATE kb_articles SET title = $1, body = $2, body_text = $3, category = $4, \
             state = $5, published_at = $6, updated_by_id = $7, updated_at = $8, \
             version = version + 1 WHERE id = $9 AND version = $10",
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
        let mut conn = self.pool.acquire().await?;
        load_article(&mut conn, id).await
    }

    pub async fn article_by_number(&self, number: &str) -> Result<Option<Article>> {
        let row = sqlx::query(&format!("{ARTICLE_SELECT} WHERE a.number = $1"))
            .bind(number)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(article_from_row).transpose()
    }

    /// Articles in the search's states: ranked by the search's words, or without words the
    /// newest updated first.
    pub async fn search_articles(&self, search: &ArticleSearch) -> Result<Vec<ArticleHit>> {
        if search.words.is_empty() {
            let rows = sqlx::query(
                "SELECT a.id, a.number, a.title, a.category, a.state, a.updated_at, \
                 a.body_text AS snippet FROM kb_articles a WHERE a.state = ANY($1) \
                 ORDER BY a.updated_at DESC, a.id DESC LIMIT $2",
            )
            .bind(search.state_names())
            .bind(search.limit)
            .fetch_all(&self.pool)
            .await?;
            return rows.iter().map(|r| hit_from_row(r, false)).collect();
        }
        let options = format!(
            "StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, \
             MinWords={}, ShortWord=2, MaxFragments=1, FragmentDelimiter=\" … \"",
            SNIPPET_WORDS / 2
        );
        let rows = sqlx::query(
            "WITH q AS (SELECT to_tsquery('english', $1) AS query) \
             SELECT a.id, a.number, a.title, a.category, a.state, a.updated_at, \
             ts_headline('english', a.body_text, q.query, $2) AS snippet \
             FROM kb_articles a, q WHERE a.search @@ q.query AND a.state = ANY($3) \
             ORDER BY ts_rank('{0.1, 0.1, 0.1, 1.0}', a.search, q.query) DESC, a.id LIMIT $4",
        )
        .bind(ts_query(search))
        .bind(options)
        .bind(search.state_names())
        .bind(search.limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| hit_from_row(r, true)).collect()
    }

    /// The comments the customer of `conv` wrote, newest first (at most `limit`).
    pub async fn customer_comments(&self, conv: ConversationId, limit: i64) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT e.body FROM entries e JOIN conversations c ON c.id = e.conversation_id \
             WHERE e.conversation_id = $1 AND e.kind = 'comment' AND e.author_id = c.customer_id \
             ORDER BY e.seq DESC LIMIT $2",
        )
        .bind(conv.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
