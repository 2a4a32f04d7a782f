//! What both backends share about knowledge articles: the columns of an article and their
//! decoding, a search as asked, the rows of a hit, and why a write stored nothing. The search
//! itself (FTS5 on SQLite, a `tsvector` on PostgreSQL) is in each backend's `kb.rs`.

use super::rows::{Columns, decode_error, person};
use super::{Result, StorageError};
use crate::domain::kb::{self, Article, ArticleFields, ArticleHit, ArticleState, KbRefusal};
use crate::domain::{ArticleId, Timestamp, User};

/// The columns of an article, with the names of its author and last editor.
pub(super) const ARTICLE_SELECT: &str = "SELECT a.id, a.number, a.title, a.body, a.category, a.state, \
     a.author_id, au.display_name AS author_name, a.updated_by_id, ub.display_name AS updated_by_name, \
     a.created_at, a.updated_at, a.published_at, a.version \
     FROM kb_articles a JOIN users au ON au.id = a.author_id JOIN users ub ON ub.id = a.updated_by_id";

fn state(row: &impl Columns) -> Result<ArticleState> {
    let text = row.text("state")?;
    ArticleState::parse(&text).ok_or_else(|| decode_error("article state", &text))
}

/// An article from a row of [`ARTICLE_SELECT`].
pub(super) fn article_from_row(row: &impl Columns) -> Result<Article> {
    let missing = || decode_error("article person", "missing");
    Ok(Article {
        id: ArticleId(row.int("id")?),
        number: row.text("number")?,
        title: row.text("title")?,
        body: row.text("body")?,
        category: row.text("category")?,
        state: state(row)?,
        author: person(row, "author_id", "author_name")?.ok_or_else(missing)?,
        updated_by: person(row, "updated_by_id", "updated_by_name")?.ok_or_else(missing)?,
        created_at: Timestamp(row.int("created_at")?),
        updated_at: Timestamp(row.int("updated_at")?),
        published_at: row.opt_int("published_at")?.map(Timestamp),
        version: row.int("version")?,
    })
}

/// The words of an unmarked snippet (a list without a search).
pub(super) const OPENING_WORDS: usize = 30;
/// The words a search's snippet shows around what matched.
pub(super) const SNIPPET_WORDS: i64 = 24;

/// A hit from a row with `id, number, title, category, state, updated_at` and `snippet`: the
/// text marked with [`kb::MARK_START`]/[`kb::MARK_END`] by a search, or the plain body (no
/// search).
pub(super) fn hit_from_row(row: &impl Columns, searched: bool) -> Result<ArticleHit> {
    let snippet = row.text("snippet")?;
    Ok(ArticleHit {
        id: ArticleId(row.int("id")?),
        number: row.text("number")?,
        title: row.text("title")?,
        category: row.text("category")?,
        state: state(row)?,
        updated_at: Timestamp(row.int("updated_at")?),
        snippet: if searched {
            kb::snippet_parts(&snippet)
        } else {
            kb::opening(&snippet, OPENING_WORDS)
        },
    })
}

/// A search (or, without words, a list) of articles.
#[derive(Debug, Clone)]
pub struct ArticleSearch {
    /// From [`kb::search_words`]: letters and digits only. Empty: newest updated first.
    pub words: Vec<String>,
    /// The last word also as a prefix (it is being typed).
    pub prefix_last: bool,
    pub states: Vec<ArticleState>,
    pub limit: i64,
}

impl ArticleSearch {
    pub(super) fn state_names(&self) -> Vec<String> {
        self.states.iter().map(|s| s.as_str().to_owned()).collect()
    }
}

/// A new article, as asked for.
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub actor: User,
    pub client_id: String,
    pub fields: ArticleFields,
}

/// Why an article write stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    #[error(transparent)]
    Refused(#[from] KbRefusal),
    #[error("No such article.")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for KbError {
    fn from(e: sqlx::Error) -> Self {
        KbError::Storage(StorageError::Database(e))
    }
}
