//! Typed identifiers, so a unit id can never be passed where a user id is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A site (one county portal); every content row belongs to one.
    SiteId,
    /// A unit (单位): the county Organization Department, a township 党委 …
    UnitId,
    /// A section (科室) inside a unit.
    SectionId,
    /// A person's account.
    UserId,
    /// A role grant.
    GrantId,
);
