//! The Matrix client-server adapter: S1 and S2 against a Matrix homeserver.

use crate::report::Report;
use crate::{Args, Run};

pub async fn run(_args: &Args, _run: &Run) -> anyhow::Result<Report> {
    anyhow::bail!("the Matrix adapter is not written yet")
}
