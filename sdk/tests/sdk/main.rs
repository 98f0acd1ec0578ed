//! The SDK's tests, one binary (each binary is another link of the whole tree; the library's own
//! unit tests would compile it twice): amounts ([`amount`]), and against live services over
//! loopback, the node's API ([`node`]) and the L1's JSON-RPC on anvil and the development chain
//! ([`l1`]).

mod amount;
mod l1;
mod node;
