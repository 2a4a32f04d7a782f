//! Knowledge articles: their numbers (`KB0010001` …), states, and who may read, write and
//! publish them; the rules of their fields; Markdown rendered safely; the words of a search
//! and the highlighted snippet of a hit; the comment that shares an article in a chat.

use super::directory::User;
use super::ids::ArticleId;
use super::incident::FieldError;
use super::session::Person;
use super::time::Timestamp;

pub const TITLE_MAX: usize = 160;
pub const BODY_MAX: usize = 50_000;
pub const CATEGORY_MAX: usize = 60;
/// The longest search text, in characters.
pub const QUERY_MAX: usize = 200;
/// The most words a search uses (a long text, such as a customer's messages, is cut).
pub const QUERY_WORDS_MAX: usize = 12;
/// Where a snippet's matched words start and end, as the databases mark them (control
/// characters, which article text never holds: [`plain_text`] drops them).
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

const NUMBER_BASE: i64 = 10_000;

/// An article's state: written as a draft, published for everyone, retired (no longer shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleState {
    Draft,
    Published,
    Retired,
}

impl ArticleState {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleState::Draft => "draft",
            ArticleState::Published => "published",
            ArticleState::Retired => "retired",
        }
    }

    pub fn parse(s: &str) -> Option<ArticleState> {
        Some(match s {
            "draft" => ArticleState::Draft,
            "published" => ArticleState::Published,
            "retired" => ArticleState::Retired,
            _ => return None,
        })
    }
}

/// An article as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: ArticleId,
    pub number: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub category: String,
    pub state: ArticleState,
    pub author: Person,
    pub updated_by: Person,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub published_at: Option<Timestamp>,
    pub version: i64,
}

/// A part of a snippet: text, marked where it matched the search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetPart {
    pub text: String,
    pub mark: bool,
}

/// An article found by a search or listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleHit {
    pub id: ArticleId,
    pub number: String,
    pub title: String,
    pub category: String,
    pub state: ArticleState,
    pub updated_at: Timestamp,
    pub snippet: Vec<SnippetPart>,
}

/// The fields of an article that people write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleFields {
    pub title: String,
    pub body: String,
    pub category: String,
    pub state: ArticleState,
}

impl ArticleFields {
    pub fn of(article: &Article) -> ArticleFields {
        ArticleFields {
            title: article.title.clone(),
            body: article.body.clone(),
            category: article.category.clone(),
            state: article.state,
        }
    }
}

/// Why a write of an article is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KbRefusal {
    #[error(transparent)]
    Field(#[from] FieldError),
    /// The version the change was made on is not the current one.
    #[error("Changed by {by} at {at} — reload to see the change, then make yours.")]
    Changed { by: String, at: String },
    #[error("{0}")]
    Forbidden(&'static str),
}

/// The number of the `counter`-th article: `KB0010001` for the first.
pub fn number(counter: i64) -> String {
    format!("KB{:07}", NUMBER_BASE + counter)
}

/// The article number `text` is, if it is one: `KB0010001` (any case).
pub fn number_of(text: &str) -> Option<String> {
    let text = text.trim();
    let digits = text.get(..2).filter(|p| p.eq_ignore_ascii_case("KB"))?;
    let digits = &text[digits.len()..];
    (digits.len() == 7 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| format!("KB{digits}"))
}

/// Whether `user` may read an article in `state`: staff every article, everyone else (signed
/// in) the published ones. Nobody disabled reads anything.
pub fn may_read(user: &User, state: ArticleState) -> bool {
    !user.disabled && (user.roles.is_staff() || state == ArticleState::Published)
}

/// Whether `user` writes articles at all (drafts): staff.
pub fn may_write(user: &User) -> bool {
    !user.disabled && user.roles.is_staff()
}

/// Whether `user` publishes and retires articles, and edits any of them: managers and admins.
pub fn may_publish(user: &User) -> bool {
    !user.disabled && user.roles.can_manage_queues()
}

/// Whether `user` may change the text of an article in `state`: drafts any staff, the
/// others those who publish.
pub fn may_edit(user: &User, state: ArticleState) -> bool {
    may_write(user) && (state == ArticleState::Draft || may_publish(user))
}

fn field(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

fn text_field(
    value: &mut String,
    name: &'static str,
    what: &str,
    max: usize,
) -> Result<(), FieldError> {
    // The limit holds for the text as sent.
    if value.chars().count() > max {
        return Err(field(
            name,
            format!("The {what} is at most {max} characters."),
        ));
    }
    *value = value.trim().to_owned();
    if value.is_empty() {
        return Err(field(name, format!("Give a {what}.")));
    }
    Ok(())
}

/// Checks (and trims) the fields.
pub fn check_fields(fields: &mut ArticleFields) -> Result<(), FieldError> {
    text_field(&mut fields.title, "title", "title", TITLE_MAX)?;
    text_field(&mut fields.category, "category", "category", CATEGORY_MAX)?;
    if fields.body.chars().count() > BODY_MAX {
        return Err(field(
            "body",
            format!("The body is at most {BODY_MAX} characters."),
        ));
    }
    if fields.body.trim().is_empty() {
        return Err(field("body", "Write the article's body."));
    }
    Ok(())
}

/// Whether `actor` may create an article with `fields` (always a draft).
pub fn check_create(actor: &User, fields: &mut ArticleFields) -> Result<(), KbRefusal> {
    if !may_write(actor) {
        return Err(KbRefusal::Forbidden(
            "Only service desk staff write articles.",
        ));
    }
    fields.state = ArticleState::Draft;
    check_fields(fields)?;
    Ok(())
}

/// Whether `actor` may change `before`, made on `version`, into `after`.
pub fn check_change(
    actor: &User,
    before: &Article,
    version: i64,
    after: &mut ArticleFields,
) -> Result<(), KbRefusal> {
    if !may_write(actor) {
        return Err(KbRefusal::Forbidden(
            "Only service desk staff write articles.",
        ));
    }
    if version != before.version {
        return Err(KbRefusal::Changed {
            by: before.updated_by.display_name.clone(),
            at: before.updated_at.clock_utc(),
        });
    }
    if !may_edit(actor, before.state) {
        return Err(KbRefusal::Forbidden(
            "Only a manager changes a published or retired article; ask one, or write a new draft.",
        ));
    }
    if after.state != before.state && !may_publish(actor) {
        return Err(KbRefusal::Forbidden(
            "Only a manager publishes or retires an article.",
        ));
    }
    check_fields(after)?;
    Ok(())
}

/// When an article in `state` was (first) published, given when `before` was.
pub fn published_at(
    before: Option<Timestamp>,
    state: ArticleState,
    now: Timestamp,
) -> Option<Timestamp> {
    match (before, state) {
        (Some(t), _) => Some(t),
        (None, ArticleState::Published) => Some(now),
        (None, _) => None,
    }
}

fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The article's Markdown as safe HTML: rendered by a CommonMark parser, then cleaned by an
/// allow-list sanitiser. Raw HTML in the Markdown is text, never markup; no scripts, styles,
/// event handlers, frames or forms; links and images only to `http`, `https`, `mailto` (links)
/// or relative addresses; every link opens without handing over this page.
pub fn render(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    // Raw HTML is shown as the text it is; a link or an image to an address that is not allowed
    // is shown as its text (a dead link would still look like one).
    let mut refused_link = false;
    let mut refused_image = false;
    let events = Parser::new_ext(markdown, markdown_options()).filter_map(move |event| {
        Some(match event {
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            Event::Start(Tag::Link { ref dest_url, .. }) if !allowed_url(dest_url) => {
                refused_link = true;
                return None;
            }
            Event::End(TagEnd::Link) if refused_link => {
                refused_link = false;
                return None;
            }
            Event::Start(Tag::Image { ref dest_url, .. }) if !allowed_url(dest_url) => {
                refused_image = true;
                return None;
            }
            Event::End(TagEnd::Image) if refused_image => {
                refused_image = false;
                return None;
            }
            other => other,
        })
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer"))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .clean(&html)
        .to_string()
}

/// Whether a link or image address may be kept: `http`, `https`, `mailto`, or relative (no
/// scheme before the first `/`, `?` or `#`). The sanitiser checks again.
fn allowed_url(url: &str) -> bool {
    let end = url.find(['/', '?', '#']).unwrap_or(url.len());
    match url[..end].find(':') {
        None => true,
        Some(colon) => {
            let scheme = &url[..colon];
            ["http", "https", "mailto"]
                .iter()
                .any(|s| s.eq_ignore_ascii_case(scheme))
        }
    }
}

/// The article's words as plain text, for the search index and snippets: what a reader sees,
/// without Markdown's marks, one space between blocks.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut text = String::with_capacity(markdown.len());
    let space = |text: &mut String| {
        if !text.is_empty() && !text.ends_with(' ') {
            text.push(' ');
        }
    };
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak | Event::Rule => space(&mut text),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) => space(&mut text),
            _ => {}
        }
    }
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Common English words a search leaves out (they would match nearly every article). Sorted.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "before", "being", "but", "by", "can", "cannot", "cant", "could", "did",
    "do", "does", "doing", "don", "dont", "for", "from", "get", "got", "had", "has", "have",
    "having", "he", "hello", "help", "her", "hi", "him", "his", "how", "i", "if", "im", "in",
    "into", "is", "it", "its", "just", "me", "my", "need", "no", "not", "now", "of", "on", "or",
    "our", "please", "s", "she", "so", "some", "t", "thanks", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "to", "too", "up", "us", "ve", "was", "we", "were",
    "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
];

/// The words a search for `text` looks for: letters and digits, lower case, without common
/// words and repeats, at most [`QUERY_WORDS_MAX`] (the first ones). Only letters and digits
/// reach a database's query syntax.
pub fn search_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_lowercase();
        if STOP_WORDS.binary_search(&word.as_str()).is_ok() || words.contains(&word) {
            continue;
        }
        words.push(word);
        if words.len() == QUERY_WORDS_MAX {
            break;
        }
    }
    words
}

/// The shortest last word matched as a prefix: "fi" of "wi-fi" would find "file".
pub const PREFIX_MIN_CHARS: usize = 3;

/// Whether the last of `words` (from `text`) is also matched as a prefix: it may still be being
/// typed (no space or punctuation after it) and is long enough to mean something.
pub fn prefix_last(text: &str, words: &[String]) -> bool {
    text.chars().last().is_some_and(char::is_alphanumeric)
        && words
            .last()
            .is_some_and(|w| w.chars().count() >= PREFIX_MIN_CHARS)
}

/// A snippet as the database marked it ([`MARK_START`] … [`MARK_END`]) in parts.
pub fn snippet_parts(marked: &str) -> Vec<SnippetPart> {
    let mut parts: Vec<SnippetPart> = Vec::new();
    let mut mark = false;
    let mut text = String::new();
    let mut flush = |text: &mut String, mark: bool| {
        if !text.is_empty() {
            match parts.last_mut() {
                Some(last) if last.mark == mark => last.text.push_str(text),
                _ => parts.push(SnippetPart {
                    text: std::mem::take(text),
                    mark,
                }),
            }
            text.clear();
        }
    };
    for c in marked.chars() {
        match c {
            MARK_START => {
                flush(&mut text, mark);
                mark = true;
            }
            MARK_END => {
                flush(&mut text, mark);
                mark = false;
            }
            c => text.push(c),
        }
    }
    flush(&mut text, mark);
    parts
}

/// The opening of an article's text as an unmarked snippet (a list without a search).
pub fn opening(plain: &str, words: usize) -> Vec<SnippetPart> {
    let mut all = plain.split_whitespace();
    let mut text: Vec<&str> = all.by_ref().take(words).collect();
    if all.next().is_some() {
        text.push("…");
    }
    vec![SnippetPart {
        text: text.join(" "),
        mark: false,
    }]
}

/// The words of a customer's messages a suggestion searches for: newest messages first, so
/// the most recent question counts when the words are cut.
pub fn customer_words(newest_first: &[String]) -> String {
    newest_first.join(" \n ")
}

/// The comment that shares an article: its title and the address where the customer opens it.
pub fn share_body(article: &Article, origin: &str) -> String {
    format!(
        "{} — {}/kb/{}",
        article.title,
        origin.trim_end_matches('/'),
        article.number
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{RoleSet, UserId};

    fn user(roles: &[crate::domain::Role]) -> User {
        User {
            id: UserId(1),
            username: "u".into(),
            display_name: "U".into(),
            roles: RoleSet::of(roles),
            itil: false,
            disabled: false,
            created_at: Timestamp(0),
        }
    }

    #[test]
    fn stop_words_are_sorted_for_the_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn numbers() {
        assert_eq!(number(1), "KB0010001");
        assert_eq!(number_of(" kb0010002 "), Some("KB0010002".into()));
        assert_eq!(number_of("KB10002"), None);
        assert_eq!(number_of("INC0010001"), None);
        assert_eq!(number_of("KB001000x"), None);
    }

    #[test]
    fn search_words_drop_common_words_and_punctuation() {
        assert_eq!(
            search_words("How do I reset my PASSWORD? password!"),
            vec!["reset", "password"]
        );
        assert_eq!(
            search_words("'; DROP TABLE kb_articles; -- \"x\" OR *"),
            vec!["drop", "table", "kb", "articles", "x"]
        );
        assert!(search_words("   ?! the a").is_empty());
        let many = (0..30)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(search_words(&many).len(), QUERY_WORDS_MAX);
        assert_eq!(search_words("Wi-Fi"), vec!["wi", "fi"]);
        let words = |t: &str| search_words(t);
        assert!(prefix_last("pass", &words("pass")));
        assert!(!prefix_last("pass ", &words("pass ")));
        assert!(!prefix_last("wi-fi", &words("wi-fi")));
    }

    #[test]
    fn snippets_come_in_parts() {
        let parts = snippet_parts("Open the \u{2}VPN\u{3} client <b>now</b>");
        assert_eq!(
            parts,
            vec![
                SnippetPart {
                    text: "Open the ".into(),
                    mark: false
                },
                SnippetPart {
                    text: "VPN".into(),
                    mark: true
                },
                SnippetPart {
                    text: " client <b>now</b>".into(),
                    mark: false
                },
            ]
        );
        assert_eq!(snippet_parts("").len(), 0);
        assert_eq!(opening("a b c d", 2)[0].text, "a b …");
        assert_eq!(opening("a b", 2)[0].text, "a b");
    }

    #[test]
    fn plain_text_is_what_a_reader_sees() {
        let text = plain_text("## Steps\n\n1. Open **Settings**\n2. Tap `Reset`\n\n<b>x</b>\u{2}");
        assert_eq!(text, "Steps Open Settings Tap Reset <b>x</b>");
    }

    #[test]
    fn who_may_do_what() {
        use crate::domain::Role;
        let (agent, manager, customer) = (
            user(&[Role::Agent]),
            user(&[Role::Manager]),
            user(&[Role::Customer]),
        );
        assert!(may_read(&customer, ArticleState::Published));
        assert!(!may_read(&customer, ArticleState::Draft));
        assert!(!may_read(&customer, ArticleState::Retired));
        assert!(may_read(&agent, ArticleState::Retired));
        assert!(may_edit(&agent, ArticleState::Draft));
        assert!(!may_edit(&agent, ArticleState::Published));
        assert!(may_edit(&manager, ArticleState::Published));
        assert!(!may_edit(&customer, ArticleState::Draft));
        assert!(!may_publish(&agent));
        assert!(may_publish(&manager));
        let mut disabled = manager.clone();
        disabled.disabled = true;
        assert!(!may_read(&disabled, ArticleState::Published));
        assert!(!may_publish(&disabled));
    }

    fn article(state: ArticleState) -> Article {
        let bob = Person {
            id: UserId(2),
            display_name: "Bob Agent".into(),
        };
        Article {
            id: ArticleId(1),
            number: number(1),
            title: "T".into(),
            body: "B".into(),
            category: "C".into(),
            state,
            author: bob.clone(),
            updated_by: bob,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
            published_at: None,
            version: 3,
        }
    }

    #[test]
    fn changes_check_version_rights_and_fields() {
        use crate::domain::Role;
        let (agent, manager) = (user(&[Role::Agent]), user(&[Role::Manager]));
        let draft = article(ArticleState::Draft);
        let mut fields = ArticleFields::of(&draft);
        assert!(check_change(&agent, &draft, 3, &mut fields).is_ok());
        assert!(matches!(
            check_change(&agent, &draft, 2, &mut fields),
            Err(KbRefusal::Changed { .. })
        ));
        fields.state = ArticleState::Published;
        assert!(matches!(
            check_change(&agent, &draft, 3, &mut fields),
            Err(KbRefusal::Forbidden(_))
        ));
        assert!(check_change(&manager, &draft, 3, &mut fields).is_ok());
        let published = article(ArticleState::Published);
        let mut same = ArticleFields::of(&published);
        assert!(matches!(
            check_change(&agent, &published, 3, &mut same),
            Err(KbRefusal::Forbidden(_))
        ));
        same.title = "   ".into();
        assert!(matches!(
            check_change(&manager, &published, 3, &mut same),
            Err(KbRefusal::Field(FieldError { field: "title", .. }))
        ));
        let mut long = ArticleFields::of(&draft);
        long.body = "x".repeat(BODY_MAX + 1);
        assert!(matches!(
            check_change(&agent, &draft, 3, &mut long),
            Err(KbRefusal::Field(FieldError { field: "body", .. }))
        ));
        let mut created = ArticleFields::of(&published);
        check_create(&agent, &mut created).unwrap();
        assert_eq!(created.state, ArticleState::Draft);
        assert_eq!(
            published_at(None, ArticleState::Published, Timestamp(5)),
            Some(Timestamp(5))
        );
        assert_eq!(
            published_at(Some(Timestamp(1)), ArticleState::Retired, Timestamp(5)),
            Some(Timestamp(1))
        );
        assert_eq!(published_at(None, ArticleState::Draft, Timestamp(5)), None);
    }

    /// Markup that must never come out of an article as live HTML.
    const XSS: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](java\tscript:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](&#x6A;avascript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![img](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
        "![x](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "<div onmouseover=\"alert(1)\">hover</div>",
        "<svg onload=alert(1)><circle r=1 /></svg>",
        "<svg><script>alert(1)</script></svg>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<form action=https://evil.example><input name=p></form>",
        "<style>body{display:none}</style>",
        "<p style=\"background:url(javascript:alert(1))\">x</p>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;script&#62;alert(1)&#60;/script&#62;",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "[x](vbscript:msgbox(1))",
        "<object data=\"x.swf\"></object><embed src=x.swf>",
        "<base href=\"https://evil.example/\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
        "[ok](https://example.com/a?b=1&c=2 \"title\")",
        "<https://example.com/auto>",
        "`<script>alert(1)</script>`",
        "```html\n<script>alert(1)</script>\n```",
    ];

    #[test]
    fn rendering_survives_an_xss_corpus() {
        for input in XSS {
            let html = render(input);
            // Only markup can act: every tag as the browser would read it (text is escaped,
            // so a `<` in the output always opens a tag).
            let tags: Vec<String> = html
                .split('<')
                .skip(1)
                .map(|t| t.split('>').next().unwrap_or_default().to_lowercase())
                .collect();
            for tag in &tags {
                let name = tag.split_whitespace().next().unwrap_or_default();
                assert!(
                    [
                        "p", "/p", "a", "/a", "img", "code", "/code", "pre", "/pre", "strong",
                        "/strong", "em", "/em"
                    ]
                    .contains(&name),
                    "{input:?} rendered the tag {tag:?}: {html:?}"
                );
                for bad in ["javascript:", "vbscript:", "data:", "style=", "src=\"x\""] {
                    assert!(!tag.contains(bad), "{input:?} rendered {html:?}");
                }
                assert!(
                    !tag.split_whitespace().any(|attr| attr.starts_with("on")),
                    "{input:?} rendered an event handler: {html:?}"
                );
                if name == "a" {
                    assert!(
                        tag.contains("rel=\"noopener noreferrer\""),
                        "{input:?} rendered {html:?}"
                    );
                }
            }
        }
        // A refused link is its text, not a link that does nothing.
        assert_eq!(render("[click](javascript:alert(1))"), "<p>click</p>\n");
        assert_eq!(
            render("![logo](data:image/png;base64,AA==)"),
            "<p>logo</p>\n"
        );
        assert!(render("[relative](/kb/KB0010001)").contains("href=\"/kb/KB0010001\""));
        assert!(render("[mail](MAILTO:desk@example.com)").contains("<a href"));
        // Escaped text stays text, and the good parts stay.
        assert!(render("&lt;b&gt;").contains("&lt;b&gt;"));
        assert!(render("[ok](https://example.com/x)").contains("href=\"https://example.com/x\""));
        assert!(render("| a | b |\n|---|---|\n| 1 | 2 |").contains("<table>"));
        assert!(render("**bold**").contains("<strong>bold</strong>"));
    }

    #[test]
    fn share_body_names_the_article_and_its_address() {
        let a = article(ArticleState::Published);
        assert_eq!(
            share_body(&a, "https://desk.example.com/"),
            "T — https://desk.example.com/kb/KB0010001"
        );
    }
}
