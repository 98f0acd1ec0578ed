//! The case builders, one module per vector kind. Users, keys and states come from the spec's
//! test kit, so every case is deterministic.

mod block;
mod codec;
mod l1;
pub mod l1_order;
pub mod order;
mod primitives;
mod transition;

use super::Case;
use crate::wire::Kind;

/// Every case, grouped into files: (kind, group, cases).
pub fn all() -> Vec<(Kind, &'static str, Vec<Case>)> {
    let mut out = Vec::new();
    out.extend(primitives::groups().into_iter().map(|(g, c)| (Kind::Primitives, g, c)));
    out.extend(codec::groups().into_iter().map(|(g, c)| (Kind::Codec, g, c)));
    out.extend(transition::groups().into_iter().map(|(g, c)| (Kind::Transition, g, c)));
    out.extend(order::transition_groups().into_iter().map(|(g, c)| (Kind::Transition, g, c)));
    out.extend(block::groups().into_iter().map(|(g, c)| (Kind::Block, g, c)));
    out.extend(order::block_groups().into_iter().map(|(g, c)| (Kind::Block, g, c)));
    out.extend(l1::groups().into_iter().map(|(g, c)| (Kind::L1, g, c)));
    out.extend(l1_order::groups().into_iter().map(|(g, c)| (Kind::L1, g, c)));
    out
}
