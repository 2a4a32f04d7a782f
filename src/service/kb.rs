//! The Knowledge Base service: read, search, write and publish articles (who may is
//! `domain::kb`'s to say, in the store's transaction for writes), the articles a support
//! session's customer's own words suggest, and sharing an article in a session as a comment.

use super::{AppState, ServiceError};
use crate::domain::kb::{self, Article, ArticleFields, ArticleHit, ArticleState};
use crate::domain::session::{self, Command, Post, PostKind};
use crate::domain::{ArticleId, ConversationId, User};
use crate::storage::Applied;
use crate::storage::kb::{ArticleSearch, KbError, NewArticle};

/// The customer's most recent comments a suggestion reads.
const SUGGESTION_COMMENTS: i64 = 10;
/// The most articles suggested.
const SUGGESTIONS: i64 = 5;

impl From<KbError> for ServiceError {
    fn from(e: KbError) -> Self {
        match e {
            KbError::Refused(r) => ServiceError::Kb(r),
            KbError::NotFound => ServiceError::NotFound("article"),
            KbError::Storage(s) => ServiceError::Storage(s),
        }
    }
}

/// Which articles a list or search asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    One(ArticleState),
    All,
}

impl AppState {
    /// Published articles (staff may ask for other states) ranked by `text`, or without text
    /// the newest updated first.
    pub async fn search_articles(
        &self,
        user: &User,
        text: Option<&str>,
        filter: StateFilter,
        limit: i64,
    ) -> Result<Vec<ArticleHit>, ServiceError> {
        let states = match filter {
            StateFilter::One(state) => vec![state],
            StateFilter::All => vec![
                ArticleState::Draft,
                ArticleState::Published,
                ArticleState::Retired,
            ],
        };
        if states.iter().any(|s| !kb::may_read(user, *s)) {
            return Err(ServiceError::Invalid(
                "Only published articles are listed for you: leave `state` out.".into(),
            ));
        }
        let text = text.unwrap_or_default();
        let words = kb::search_words(text);
        if !text.trim().is_empty() && words.is_empty() {
            // Nothing but common words: nothing to look for.
            return Ok(Vec::new());
        }
        let search = ArticleSearch {
            prefix_last: kb::prefix_last(text, &words),
            words,
            states,
            limit,
        };
        Ok(self.db.search_articles(&search).await?)
    }

    /// The article `key` names (its id or number), if `user` may read it: anyone else is told
    /// there is none, exactly as for one that does not exist.
    pub async fn article_for(&self, user: &User, key: &str) -> Result<Article, ServiceError> {
        let found = match kb::number_of(key) {
            Some(number) => self.db.article_by_number(&number).await?,
            None => match key.parse::<i64>() {
                Ok(id) => self.db.article(ArticleId(id)).await?,
                Err(_) => None,
            },
        };
        found
            .filter(|a| kb::may_read(user, a.state))
            .ok_or(ServiceError::NotFound("article"))
    }

    /// Writes a draft as `user`. Returns it and whether it is new (false for a repeated
    /// client id).
    pub async fn create_article(
        &self,
        user: &User,
        client_id: String,
        fields: ArticleFields,
    ) -> Result<(Article, bool), ServiceError> {
        session::check_client_id(&client_id)?;
        let new = NewArticle {
            actor: user.clone(),
            client_id,
            fields,
        };
        Ok(self.db.create_article(&new, self.clock.now()).await?)
    }

    /// Changes article `id` as `user`, made on `version`: `change` edits its fields as they are.
    pub async fn update_article(
        &self,
        user: &User,
        id: ArticleId,
        version: i64,
        change: impl FnOnce(&mut ArticleFields),
    ) -> Result<Article, ServiceError> {
        let before = self
            .db
            .article(id)
            .await?
            .ok_or(ServiceError::NotFound("article"))?;
        let mut fields = ArticleFields::of(&before);
        change(&mut fields);
        Ok(self
            .db
            .update_article(id, user, version, &fields, self.clock.now())
            .await?)
    }

    /// Published articles matching what the customer of support session `id` wrote (staff who
    /// may see it).
    pub async fn kb_suggestions(
        &self,
        user: &User,
        id: ConversationId,
    ) -> Result<Vec<ArticleHit>, ServiceError> {
        let conv = self.visible_conversation(id, user).await?;
        if !kb::may_write(user) || conv.kind != session::ConversationKind::Support {
            return Err(ServiceError::NotFound("conversation"));
        }
        let comments = self.db.customer_comments(id, SUGGESTION_COMMENTS).await?;
        let words = kb::search_words(&kb::customer_words(&comments));
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let search = ArticleSearch {
            words,
            prefix_last: false,
            states: vec![ArticleState::Published],
            limit: SUGGESTIONS,
        };
        Ok(self.db.search_articles(&search).await?)
    }

    /// Shares article `key` in conversation `id` as a comment of `user` naming its title and
    /// where it is read (`origin`/kb/KB…); only a published article is shared.
    pub async fn share_article(
        &self,
        user: &User,
        id: ConversationId,
        client_id: String,
        key: &str,
        origin: &str,
    ) -> Result<Applied, ServiceError> {
        self.visible_conversation(id, user).await?;
        if !kb::may_write(user) {
            return Err(ServiceError::Forbidden(
                "Articles are shared by service desk staff.",
            ));
        }
        // An article that does not exist (or may not be read) is refused like a draft; a
        // storage error stays one.
        let found = match self.article_for(user, key).await {
            Ok(article) => Some(article),
            Err(ServiceError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        let article = found
            .filter(|a| a.state == ArticleState::Published)
            .ok_or_else(|| {
                ServiceError::Kb(kb::KbRefusal::Field(crate::domain::incident::FieldError {
                    field: "article",
                    message: "Only a published article is shared.".into(),
                }))
            })?;
        let command = Command::Post(Post::text(
            PostKind::Comment,
            kb::share_body(&article, origin),
            client_id,
        ));
        self.command(id, user, command).await
    }
}
