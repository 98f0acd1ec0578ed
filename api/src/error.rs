//! Error codes. JSON-RPC reserves −32768…−32000; the standard ones (parse error −32700,
//! invalid request −32600, unknown method −32601, invalid params −32602, and jsonrpsee's
//! oversized request −32007 and too big batch −32010) come from the server itself. Refusals of
//! the node's own are in the implementation-defined range −32099…−32000.

use jsonrpsee::types::ErrorObjectOwned;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The transaction breaks a rule of the protocol against the committed state: `data.rule` is
/// the spec's rule id (`cargo run -- rules` lists them).
pub const RULE_BROKEN: i32 = -32020;
/// The transaction would break a bound of the mempool (`data.bound` names it); it may be
/// accepted later.
pub const MEMPOOL_BOUND: i32 = -32021;
/// A parameter parsed as JSON but is not a valid value (a bad point, an amount above 2^128):
/// invalid params, with `data.field` naming it.
pub const INVALID_PARAMS: i32 = jsonrpsee::types::error::INVALID_PARAMS_CODE;
/// The transaction's fee is below what the node asks (`zkr_estimateFee`), or is paid in a token
/// the node does not take; `data.bound` is `fee`.
pub const FEE_TOO_LOW: i32 = -32023;
/// The node could not complete the request (its store failed); nothing was accepted.
pub const NODE_UNAVAILABLE: i32 = -32022;

/// The `data` of every error the node itself raises.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct ErrorData {
    /// The spec's rule id, for a protocol refusal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The mempool bound, for a refusal by policy: `nonce_gap`, `account_full`, `pool_full`,
    /// `batch_nonce` (a batch member without its account's next nonce), `batch_would_wait` (a
    /// batch member, or one it follows, not valid yet) or `batch_too_large` (more than one block
    /// holds); `fee` for FEE_TOO_LOW.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound: Option<String>,
    /// The parameter that does not parse, as a path (`tx.signature.s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// In a batch, the index of the transaction refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
}

/// An error with `code`, `message` and `data`.
pub fn error(code: i32, message: impl Into<String>, data: ErrorData) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(code, message, Some(data))
}

/// The [`ErrorData`] of an error the node raised, if it carries one.
pub fn data_of(e: &ErrorObjectOwned) -> Option<ErrorData> {
    e.data().and_then(|d| serde_json::from_str(d.get()).ok())
}
