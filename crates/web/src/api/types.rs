//! The API's own request and response shapes. The app's records do not
//! describe themselves for OpenAPI, so each has a small view here that
//! converts from it. Times are Unix milliseconds in fields ending `_at`.

use std::fmt;

use dangjian_app::domain::role::{RoleInScope, Scope};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};

/// Text that may also be sent as a JSON number (ids, sort orders,
/// settings values): `"12"` and `12` mean the same.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl Text {
    pub fn into_string(self) -> String {
        self.0
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl Visitor<'_> for TextVisitor {
            type Value = Text;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Text, E> {
                Ok(Text(value.to_owned()))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Text, E> {
                Ok(Text(value.to_string()))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Text, E> {
                Ok(Text(value.to_string()))
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Text, E> {
                Ok(Text(value.to_string()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text::default())
            }
        }

        deserializer.deserialize_any(TextVisitor)
    }
}

impl utoipa::PartialSchema for Text {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::String))
            .item(ObjectBuilder::new().schema_type(Type::Integer))
            .description(Some("A string; a JSON number is accepted too."))
            .into()
    }
}

impl ToSchema for Text {}

/// An `application/problem+json` error body.
#[derive(Serialize, ToSchema)]
#[allow(dead_code, reason = "documents the body the render middleware writes")]
pub struct Problem {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The message in the reader's language (`Accept-Language`).
    pub title: String,
    pub status: u16,
    /// Message key, e.g. `error.forbidden`, `error.csrf`, `error.invalid`.
    pub code: String,
    /// Field errors of a `422`; empty otherwise.
    pub errors: Vec<ProblemField>,
}

/// One invalid field.
#[derive(Serialize, ToSchema)]
#[allow(dead_code, reason = "documents the body the render middleware writes")]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// The id of a record just created.
#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Where a role applies.
#[derive(Serialize, ToSchema)]
pub struct ScopeView {
    /// `site`, `unit` or `section`.
    pub kind: String,
    pub id: i64,
}

impl From<Scope> for ScopeView {
    fn from(scope: Scope) -> Self {
        ScopeView {
            kind: scope.kind().code().to_owned(),
            id: scope.id(),
        }
    }
}

/// A role held in a scope.
#[derive(Serialize, ToSchema)]
pub struct RoleView {
    /// Role code, e.g. `system_admin`.
    pub role: String,
    pub scope: ScopeView,
}

impl From<&RoleInScope> for RoleView {
    fn from(role: &RoleInScope) -> Self {
        RoleView {
            role: role.role.code().to_owned(),
            scope: role.scope.into(),
        }
    }
}
