//! The conditions of the writes, driven directly on each backend: a decision made on facts that
//! changed before the write must store nothing. On SQLite the single writer serialises commands,
//! so only these tests reach the stale-read path; on PostgreSQL it is the everyday race of
//! concurrent writers (the facts are read and their lock released in one transaction, another
//! writer commits, then the decision is stored in a third). Each backend's test module runs
//! these scenarios through its [`Harness`].

use crate::domain::session::{
    self, Command, DeadlineKind, Decision, Event, Post, PostKind, Refusal, Viewer,
};
use crate::domain::{ConversationId, Timestamp, User};

use super::facts::{Fired, SessionFacts};
use super::{Act, Applied, CommandError, Db, StorageError};

pub const NOW: Timestamp = Timestamp(1_767_603_600_000);

/// What a backend lets these scenarios do beside the storage interface.
pub trait Harness {
    /// The database, with the demo data.
    fn db(&self) -> &Db;
    /// Facts as `actor` reads them now, in a transaction of their own (committed: nothing of
    /// it is held afterwards).
    async fn facts_now(
        &self,
        id: ConversationId,
        actor: Option<&User>,
        command: Option<&Command>,
    ) -> SessionFacts;
    /// Stores `decision` taken on `stale` in a transaction of its own (rolled back if refused).
    async fn store_now(
        &self,
        stale: &SessionFacts,
        decision: Decision,
        fired: Option<Fired>,
        now: Timestamp,
    ) -> Result<Applied, CommandError>;
}

/// The database at `url`, migrated, with the demo data.
pub async fn seeded(url: &str) -> Db {
    let db = Db::connect(url).await.expect("database");
    crate::demo::load_if_empty(&db, NOW)
        .await
        .expect("demo data");
    db
}

async fn user(db: &Db, name: &str) -> User {
    db.user_with_password(name)
        .await
        .expect("read")
        .expect("demo user")
        .0
}

async fn queued_session(db: &Db) -> ConversationId {
    let carol = user(db, "carol").await;
    let queue = db.queues().await.expect("queues")[0].id;
    let (conv, _, _) = db
        .start_session(queue, &carol, "c1", Some("The printer is on fire"), NOW)
        .await
        .expect("session");
    conv.id
}

pub async fn an_accept_decided_on_a_stale_read_does_not_overwrite_the_winner(h: &impl Harness) {
    let db = h.db();
    let id = queued_session(db).await;
    let (alice, bob) = (user(db, "alice").await, user(db, "bob").await);
    let stale = h.facts_now(id, Some(&bob), Some(&Command::Accept)).await;
    db.execute(id, Act::User(alice.clone(), Command::Accept), NOW)
        .await
        .expect("alice wins");
    let decision = session::decide(
        &stale.domain(NOW),
        &Viewer::new(&bob, true),
        Command::Accept,
    )
    .expect("on the stale read the session is still queued");
    let outcome = h.store_now(&stale, decision, None, NOW).await;
    assert!(
        matches!(outcome, Err(CommandError::Refused(Refusal::Changed))),
        "the loser's write is refused: {outcome:?}"
    );
    let conv = db.conversation(id).await.expect("read").expect("exists");
    assert_eq!(
        conv.assignee.map(|a| a.id),
        Some(alice.id),
        "the winner stays"
    );
    assert_eq!(
        conv.last_seq, 3,
        "first message, joined, greeting: nothing of bob's"
    );
}

pub async fn a_deadline_fired_on_a_stale_read_fires_once(h: &impl Harness) {
    let db = h.db();
    let id = queued_session(db).await;
    let alice = user(db, "alice").await;
    db.execute(id, Act::User(alice, Command::Accept), NOW)
        .await
        .expect("accepted");
    let warning = db
        .deadline(id)
        .await
        .expect("read")
        .expect("the greeting starts the clock");
    let due = warning.due;
    let stale = h.facts_now(id, None, None).await;
    db.execute(id, Act::Timer(warning), due)
        .await
        .expect("the first worker fires the warning");
    let decision = session::fire(&stale.domain(due), warning).expect("due on the stale read");
    let outcome = h
        .store_now(&stale, decision, Some(Fired::Inactivity(warning)), due)
        .await;
    assert!(
        matches!(outcome, Err(CommandError::Refused(Refusal::NotDue))),
        "the second worker stores nothing: {outcome:?}"
    );
    let warnings = db
        .entries_after(id, 0, 100)
        .await
        .expect("entries")
        .iter()
        .filter(|e| e.event == Some(Event::InactivityWarning))
        .count();
    assert_eq!(warnings, 1, "one warning");
    assert_eq!(
        db.deadline(id).await.expect("read").map(|d| d.kind),
        Some(DeadlineKind::Close),
        "the close deadline the first firing set is still there"
    );
}

pub async fn a_send_decided_on_a_stale_read_of_its_client_id_stores_nothing(h: &impl Harness) {
    let db = h.db();
    let id = queued_session(db).await;
    let (alice, carol) = (user(db, "alice").await, user(db, "carol").await);
    db.execute(id, Act::User(alice, Command::Accept), NOW)
        .await
        .expect("accepted");
    let send =
        |client_id: &str| Command::Post(Post::text(PostKind::Comment, "Still on fire", client_id));
    // Read before the first send of "c2" is stored: nothing sent under it yet.
    let stale = h.facts_now(id, Some(&carol), Some(&send("c2"))).await;
    let first = db
        .execute(id, Act::User(carol.clone(), send("c2")), NOW)
        .await
        .expect("the first send is stored");
    let decision = session::decide(&stale.domain(NOW), &Viewer::new(&carol, false), send("c2"))
        .expect("on the stale read the client id is new");
    // Storing it takes the next seq and then meets the unique key on the client id: the whole
    // write is refused, the seq it took included.
    let outcome = h.store_now(&stale, decision, None, NOW).await;
    assert!(
        matches!(
            outcome,
            Err(CommandError::Storage(StorageError::Duplicate("client id")))
        ),
        "the repeat is refused by the key: {outcome:?}"
    );
    let last = first.entries[0].seq;
    let conv = db.conversation(id).await.expect("read").expect("exists");
    assert_eq!(conv.last_seq, last, "no seq taken by the refused write");
    let next = db
        .execute(id, Act::User(carol, send("c3")), NOW)
        .await
        .expect("the next send is stored");
    assert_eq!(next.entries[0].seq, last + 1, "no gap");
    let entries = db.entries_after(id, 0, 100).await.expect("entries");
    let c2 = entries
        .iter()
        .filter(|e| e.client_id.as_deref() == Some("c2"))
        .count();
    assert_eq!(c2, 1, "stored once");
    let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=last + 1).collect::<Vec<_>>(), "gap-free");
}

/// A PostgreSQL database with a random name for one test, on the server
/// `SWITCHBOARD_TEST_POSTGRES` names (default `postgres://postgres@127.0.0.1:5432/postgres`),
/// dropped at the end; none (said on stderr) unless `SWITCHBOARD_TEST_BACKEND=postgres` asks for
/// the PostgreSQL run (`make postgres-test`).
pub struct ScratchPostgres {
    pub url: String,
    admin: String,
    name: String,
}

impl ScratchPostgres {
    pub async fn create() -> Option<ScratchPostgres> {
        use sqlx::Connection;
        if std::env::var("SWITCHBOARD_TEST_BACKEND").ok().as_deref() != Some("postgres") {
            eprintln!("a PostgreSQL test: run with SWITCHBOARD_TEST_BACKEND=postgres");
            return None;
        }
        let admin = std::env::var("SWITCHBOARD_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u32(std::process::id());
            format!("switchboard_unit_{}_{:x}", std::process::id(), h.finish())
        };
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin}: {e}"));
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .await
            .expect("create the test database");
        let _ = conn.close().await;
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        Some(ScratchPostgres {
            url: format!("{base}/{name}"),
            admin,
            name,
        })
    }

    /// Drops the database (every connection to it is closed first).
    pub async fn drop_now(self) {
        use sqlx::Connection;
        if let Ok(mut conn) = sqlx::PgConnection::connect(&self.admin).await {
            let _ = sqlx::query(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn)
            .await;
            let _ = conn.close().await;
        }
    }
}
