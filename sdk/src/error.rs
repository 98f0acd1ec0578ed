//! What can go wrong, typed: a refusal by the protocol carries the spec's rule id (`cargo run
//! -- rules` lists them), a refusal by the node's policy names its bound, and an amount that
//! does not pack names its packable neighbours.

/// An SDK error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdkError {
    /// An amount or fee has no packed form: `below` and `above` are the closest that do
    /// (`above` is `None` past the largest packable value).
    #[error("{asked} is not a packable {what}: the closest packable values are {below} and {}", above.map_or("none above".to_string(), |a| a.to_string()))]
    NotPackable { what: &'static str, asked: u128, below: u128, above: Option<u128> },
    /// A decimal amount that does not read.
    #[error("not an amount: {0}")]
    BadAmount(String),
    /// A key that does not read or is not valid.
    #[error("not a key: {0}")]
    BadKey(String),
    /// The node, or the rollup contract on L1, refused the transaction by a rule of the
    /// protocol.
    #[error("refused by rule {rule}: {message}")]
    Rejected { rule: String, message: String },
    /// The node refused it by a bound of its own (mempool, fee), which may pass later.
    #[error("refused by the node's bound {bound}: {message}")]
    Refused { bound: String, message: String },
    /// The transaction was accepted, then dropped before reaching a block.
    #[error("dropped by rule {rule}: {message}")]
    Dropped { rule: String, message: String },
    /// What was awaited did not come in time.
    #[error("waited {seconds} s for {what}")]
    Timeout { what: String, seconds: u64 },
    /// The node could not be reached, or answered something else.
    #[error("the node: {0}")]
    Node(String),
    /// The L1 could not be reached, answered something else, or mined a transaction that
    /// reverted (a refusal by the contract's simulation is [`SdkError::Rejected`]).
    #[error("{0}")]
    L1(String),
    /// An L1 transaction was sent (or may have been) and its fate is not known: look `hash` up
    /// before sending it again.
    #[error("L1 transaction {hash} was sent, but {why}: look it up before sending it again")]
    Unconfirmed { hash: String, why: String },
}

impl SdkError {
    /// The rule id of a refusal or a drop by the protocol.
    pub fn rule(&self) -> Option<&str> {
        match self {
            SdkError::Rejected { rule, .. } | SdkError::Dropped { rule, .. } => Some(rule),
            _ => None,
        }
    }

    /// The error of a call to the node, typed by its code and data.
    pub(crate) fn from_client(e: zkrollup_api::ClientError) -> Self {
        use zkrollup_api::error::{data_of, RULE_BROKEN};
        match e {
            zkrollup_api::ClientError::Call(call) => {
                let data = data_of(&call).unwrap_or_default();
                let message = call.message().to_string();
                match (call.code(), data.rule, data.bound) {
                    (RULE_BROKEN, Some(rule), _) => SdkError::Rejected { rule, message },
                    (_, _, Some(bound)) => SdkError::Refused { bound, message },
                    (code, _, _) => SdkError::Node(format!("error {code}: {message}")),
                }
            }
            e => SdkError::Node(e.to_string()),
        }
    }
}
