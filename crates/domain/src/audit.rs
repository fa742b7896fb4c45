//! The tamper-evident audit trail: what a record holds, how each record's hash
//! chains to the one before, and how a chain is verified.

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

/// Hash algorithm of the chain; SM3 (国密) by default, SHA-256 selectable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum HashAlgo {
    #[default]
    Sm3,
    Sha256,
}

impl HashAlgo {
    pub fn code(self) -> &'static str {
        match self {
            HashAlgo::Sm3 => "sm3",
            HashAlgo::Sha256 => "sha256",
        }
    }

    pub fn from_code(code: &str) -> Option<HashAlgo> {
        match code {
            "sm3" => Some(HashAlgo::Sm3),
            "sha256" => Some(HashAlgo::Sha256),
            _ => None,
        }
    }

    fn digest(self, bytes: &[u8]) -> String {
        match self {
            HashAlgo::Sm3 => hex::encode(sm3::Sm3::digest(bytes)),
            HashAlgo::Sha256 => hex::encode(sha2::Sha256::digest(bytes)),
        }
    }
}

/// The `prev_hash` of the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    /// The action was attempted and failed (wrong password …).
    Failure,
    /// The action was refused for lack of permission.
    Denied,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }

    pub fn from_code(code: &str) -> Option<Outcome> {
        [Outcome::Success, Outcome::Failure, Outcome::Denied]
            .into_iter()
            .find(|o| o.code() == code)
    }
}

/// What happened: everything a record says, before it is chained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Unix time in milliseconds.
    pub at_ms: i64,
    pub actor_id: Option<i64>,
    /// Username of the actor, or the name tried in a failed login.
    pub actor_name: String,
    /// Role codes the actor held, comma-separated.
    pub actor_roles: String,
    pub client_addr: String,
    /// Dotted action code, e.g. `auth.login`, `user.create`, `grant.add`.
    pub action: String,
    /// The object acted on, e.g. `user:12`.
    pub object: String,
    pub outcome: Outcome,
    /// Free detail (field changes, reason of a refusal).
    pub detail: String,
}

/// A stored record: the entry, its place in the chain and its hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub entry: AuditEntry,
    pub algo: HashAlgo,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of record `seq` whose predecessor's hash is `prev_hash`.
/// Every field is length-prefixed so no two different records serialise alike.
pub fn chain_hash(algo: HashAlgo, seq: i64, prev_hash: &str, entry: &AuditEntry) -> String {
    let actor_id = entry.actor_id.map(|id| id.to_string()).unwrap_or_default();
    let fields: [&str; 11] = [
        &seq.to_string(),
        prev_hash,
        &entry.at_ms.to_string(),
        &actor_id,
        &entry.actor_name,
        &entry.actor_roles,
        &entry.client_addr,
        &entry.action,
        &entry.object,
        entry.outcome.code(),
        &entry.detail,
    ];
    let mut canonical = Vec::with_capacity(256);
    for field in fields {
        canonical.extend_from_slice(field.len().to_string().as_bytes());
        canonical.push(b':');
        canonical.extend_from_slice(field.as_bytes());
        canonical.push(b';');
    }
    algo.digest(&canonical)
}

/// The first thing wrong with a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum ChainFault {
    /// Record `seq` is absent (deleted, or never written).
    Missing { seq: i64 },
    /// Record `seq` does not link to its predecessor's hash.
    BrokenLink { seq: i64 },
    /// Record `seq`'s content does not match its hash (edited).
    Altered { seq: i64 },
}

impl std::fmt::Display for ChainFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainFault::Missing { seq } => write!(f, "record {seq} is missing"),
            ChainFault::BrokenLink { seq } => {
                write!(f, "record {seq} does not link to the record before it")
            }
            ChainFault::Altered { seq } => {
                write!(f, "record {seq} was altered after it was written")
            }
        }
    }
}

/// Checks records in ascending `seq` order, one at a time, so a trail of any
/// length is verified in constant memory.
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainVerifier {
    pub fn feed(&mut self, record: &AuditRecord) -> Result<(), ChainFault> {
        if record.seq != self.expected_seq {
            return Err(ChainFault::Missing {
                seq: self.expected_seq,
            });
        }
        if record.prev_hash != self.prev_hash {
            return Err(ChainFault::BrokenLink { seq: record.seq });
        }
        let recomputed = chain_hash(record.algo, record.seq, &record.prev_hash, &record.entry);
        if recomputed != record.hash {
            return Err(ChainFault::Altered { seq: record.seq });
        }
        self.expected_seq += 1;
        self.prev_hash.clone_from(&record.hash);
        Ok(())
    }

    /// Compares the end of the records seen with the chain head (the last
    /// sequence number and hash the program wrote), which catches records
    /// deleted from the end.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainFault> {
        let verified = self.expected_seq - 1;
        if head_seq > verified {
            return Err(ChainFault::Missing {
                seq: self.expected_seq,
            });
        }
        if head_seq == verified && head_seq > 0 && head_hash != self.prev_hash {
            return Err(ChainFault::Altered { seq: head_seq });
        }
        Ok(verified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str) -> AuditEntry {
        AuditEntry {
            at_ms: 1_700_000_000_000,
            actor_id: Some(1),
            actor_name: "sysadmin".into(),
            actor_roles: "system_admin".into(),
            client_addr: "127.0.0.1".into(),
            action: action.into(),
            object: "user:2".into(),
            outcome: Outcome::Success,
            detail: String::new(),
        }
    }

    fn chain(algo: HashAlgo, n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let entry = entry(&format!("action.{seq}"));
                let hash = chain_hash(algo, seq, &prev, &entry);
                let record = AuditRecord {
                    seq,
                    entry,
                    algo,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                record
            })
            .collect()
    }

    fn verify(records: &[AuditRecord], head: (i64, &str)) -> Result<i64, ChainFault> {
        let mut verifier = ChainVerifier::default();
        for record in records {
            verifier.feed(record)?;
        }
        verifier.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies_with_both_algorithms() {
        for algo in [HashAlgo::Sm3, HashAlgo::Sha256] {
            let records = chain(algo, 5);
            let last = records.last().unwrap().hash.clone();
            assert_eq!(verify(&records, (5, &last)), Ok(5));
        }
    }

    #[test]
    fn sm3_matches_the_standard_vector() {
        // GB/T 32905-2016 example 1: SM3("abc").
        assert_eq!(
            HashAlgo::Sm3.digest(b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn edits_and_deletions_are_found() {
        let records = chain(HashAlgo::Sm3, 5);
        let last = records.last().unwrap().hash.clone();

        let mut edited = records.clone();
        edited[2].entry.outcome = Outcome::Failure;
        assert_eq!(
            verify(&edited, (5, &last)),
            Err(ChainFault::Altered { seq: 3 })
        );

        let mut deleted = records.clone();
        deleted.remove(1);
        assert_eq!(
            verify(&deleted, (5, &last)),
            Err(ChainFault::Missing { seq: 2 })
        );

        let truncated = &records[..4];
        assert_eq!(
            verify(truncated, (5, &last)),
            Err(ChainFault::Missing { seq: 5 })
        );

        let mut relinked = records.clone();
        relinked[3].prev_hash = GENESIS_HASH.to_owned();
        assert_eq!(
            verify(&relinked, (5, &last)),
            Err(ChainFault::BrokenLink { seq: 4 })
        );
    }
}
