//! Black-box tests: each starts a real server on port 0 with a fresh SQLite file.

mod helpers;
mod pg;

mod attachments;
mod audit;
mod bad_input;
mod bearer;
mod bounds;
mod capacity;
mod chats;
mod cluster;
mod config_env;
mod directory;
mod guarantees;
mod guards;
mod handback;
mod history;
mod incidents;
mod kb;
mod ops;
mod origin;
mod pages;
mod protocol;
mod restart;
mod rights;
mod roles;
mod sessions;
mod signin;
mod socket;
mod timers;
mod transcripts;
mod wire_fixtures;
