//! Sign-in: the slow-down per account and per client address, the password check on the
//! bounded hashers, and the web session it opens. The attempt is counted as a failure before
//! the check (so parallel guesses cannot pass the slow-down) and taken back once judged
//! right, or when the server was too busy to judge it at all.

use std::net::IpAddr;

use super::{AppState, ServiceError};
use crate::credentials;
use crate::domain::{User, directory, signin};

/// A successful sign-in: the user and the new session's token (for the cookie).
pub struct SignedIn {
    pub user: User,
    pub token: String,
}

impl AppState {
    /// Checks `password` for `username` from `client` (the address the slow-down counts).
    pub async fn sign_in(
        &self,
        username: &str,
        password: String,
        client: Option<IpAddr>,
    ) -> Result<SignedIn, ServiceError> {
        // Before anything is counted or hashed: nobody has a name or password this long.
        if username.chars().count() > directory::USERNAME_MAX
            || password.chars().count() > directory::PASSWORD_MAX
        {
            return Err(ServiceError::Invalid(format!(
                "A username is at most {} characters, a password at most {}.",
                directory::USERNAME_MAX,
                directory::PASSWORD_MAX
            )));
        }
        let username = username.trim().to_lowercase();
        let keys: Vec<String> = std::iter::once(format!("account:{username}"))
            .chain(client.map(|ip| format!("address:{}", signin::address_group(ip))))
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let now = self.clock.now();
        let before = match self.db.reserve_sign_in_attempt(&keys, now).await? {
            Ok(before) => before,
            Err(until) => {
                let retry_after_secs = now.until(until).as_secs_f64().ceil() as u64;
                return Err(ServiceError::RateLimited { retry_after_secs });
            }
        };
        let reserved: Vec<(&str, _)> = keys.iter().copied().zip(before).collect();

        let (user, hash) = self.db.user_with_password(&username).await?.unzip();
        let matches = match self.hashers.verify(password, hash).await {
            Ok(matches) => matches,
            Err(e) => {
                // Too busy to judge the password: the attempt counts against no one.
                self.db.take_back_sign_in_attempt(&reserved, now).await?;
                return Err(e.into());
            }
        };
        let Some(user) = user.filter(|u| matches && !u.disabled) else {
            tracing::info!(username = %username, "sign-in failed");
            return Err(ServiceError::InvalidCredentials);
        };
        // Right: the account's failures are forgotten, the attempt is taken back elsewhere.
        self.db
            .sign_in_succeeded(keys[0], &reserved[1..], now)
            .await?;
        let token = credentials::new_session_token();
        self.db
            .create_session(&credentials::token_hash(&token), user.id, now)
            .await?;
        tracing::info!(user_id = user.id.0, "signed in");
        Ok(SignedIn { user, token })
    }
}
