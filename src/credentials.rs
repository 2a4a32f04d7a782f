//! Secrets: argon2id password hashes and the random tokens of web sessions (stored hashed).

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{
    Output, ParamsString, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use sha2::{Digest, Sha256};

/// Hashes a password with argon2id and a random salt (PHC string). CPU-heavy: call it from a
/// blocking task.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches the PHC string `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The parameters of new hashes: argon2id as the crate recommends (19 MiB, 2 passes).
fn argon2id() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// [`hash_password`] in `memory` (grown as needed, kept by the caller for the next hash), so a
/// hashing thread reuses one buffer instead of allocating 19 MiB each time.
pub fn hash_password_in(
    password: &str,
    memory: &mut Vec<Block>,
) -> Result<String, argon2::password_hash::Error> {
    let argon = argon2id();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_buf)?;
    let params = argon.params().clone();
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    let blocks = &mut memory[..params.block_count()];
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        argon
            .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, &mut *blocks)
            .map_err(argon2::password_hash::Error::from)
    })?;
    Ok(PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    }
    .to_string())
}

/// [`verify_password`] in `memory` (see [`hash_password_in`]). A malformed hash never matches.
pub fn verify_password_in(password: &str, hash: &str, memory: &mut Vec<Block>) -> bool {
    let mut check = || -> Result<bool, argon2::password_hash::Error> {
        let parsed = PasswordHash::new(hash)?;
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return Ok(false);
        };
        let params = Params::try_from(&parsed)?;
        let version = parsed
            .version
            .map(Version::try_from)
            .transpose()?
            .unwrap_or_default();
        let argon = Argon2::new(
            Algorithm::try_from(parsed.algorithm)?,
            version,
            params.clone(),
        );
        let mut salt_buf = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_buf)?;
        if memory.len() < params.block_count() {
            memory.resize(params.block_count(), Block::default());
        }
        let blocks = &mut memory[..params.block_count()];
        let actual = Output::init_with(expected.len(), |out| {
            argon
                .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, &mut *blocks)
                .map_err(argon2::password_hash::Error::from)
        })?;
        // `Output` compares in constant time.
        Ok(actual == expected)
    };
    check().unwrap_or(false)
}

/// Why a password could not be hashed or checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    /// Every hasher is busy and the waiting room is full: try again in a moment.
    #[error("the password hashers are busy")]
    Busy,
    #[error("the password hashers have stopped")]
    Stopped,
}

type HashJob = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// A fixed set of threads that hash and check passwords, each with its own reused memory, and a
/// bounded waiting room. However many sign-ins arrive at once, at most `threads` hashes run (about
/// 19 MiB each, allocated once) and at most `waiting` wait; the rest are told [`HashError::Busy`]
/// at once. Memory stays flat through a burst.
#[derive(Debug, Clone)]
pub struct Hashers {
    jobs: std::sync::mpsc::SyncSender<HashJob>,
}

impl Hashers {
    pub fn new(threads: usize, waiting: usize) -> Hashers {
        let (jobs, queue) = std::sync::mpsc::sync_channel::<HashJob>(waiting);
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-hasher-{n}"))
                .spawn(move || {
                    let mut memory = Vec::new();
                    loop {
                        // A poisoned lock still holds a usable receiver.
                        let job = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        match job {
                            Ok(job) => job(&mut memory),
                            // Every sender is gone: the server is stopping.
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        Hashers { jobs }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: HashJob = Box::new(move |memory| {
            let _ = reply.send(work(memory));
        });
        self.jobs.try_send(job).map_err(|e| match e {
            std::sync::mpsc::TrySendError::Full(_) => HashError::Busy,
            std::sync::mpsc::TrySendError::Disconnected(_) => HashError::Stopped,
        })?;
        answer.await.map_err(|_| HashError::Stopped)
    }

    /// A new argon2id hash of `password`.
    pub async fn hash(
        &self,
        password: String,
    ) -> Result<Result<String, argon2::password_hash::Error>, HashError> {
        self.run(move |memory| hash_password_in(&password, memory))
            .await
    }

    /// Whether `password` matches `hash`; with no hash, checks against a decoy so that an
    /// unknown user costs the same time as a wrong password, and answers false.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, HashError> {
        self.run(move |memory| match hash {
            Some(hash) => verify_password_in(&password, &hash, memory),
            None => {
                verify_password_in(&password, decoy_hash(), memory);
                false
            }
        })
        .await
    }
}

/// A hash to verify against when the user does not exist, so an unknown username costs the
/// same time as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("switchboard decoy password").unwrap_or_default())
}

/// A new session token: 32 random bytes, hex-encoded for the cookie.
pub fn new_session_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What is stored for a token: its SHA-256, so a leaked database holds no usable cookie.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse").unwrap();
        assert!(
            hash.starts_with("$argon2id$"),
            "argon2id PHC string: {hash}"
        );
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct horsE", &hash), "case matters");
        assert!(
            !verify_password("correct horse", "not a hash"),
            "malformed hash never matches"
        );
    }

    #[test]
    fn hashes_in_reused_memory_agree_with_the_library() {
        let mut memory = Vec::new();
        let ours = hash_password_in("correct horse", &mut memory).unwrap();
        let theirs = hash_password("correct horse").unwrap();
        assert!(
            verify_password("correct horse", &ours),
            "the library reads ours"
        );
        assert!(
            verify_password_in("correct horse", &theirs, &mut memory),
            "we read the library's"
        );
        assert!(!verify_password_in("correct horsE", &ours, &mut memory));
        assert!(!verify_password_in(
            "correct horse",
            "not a hash",
            &mut memory
        ));
        assert_eq!(
            memory.len(),
            Params::default().block_count(),
            "one buffer, reused"
        );
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_session_token(), new_session_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
    }
}
