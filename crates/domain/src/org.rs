//! The organisation: sites, units (单位) and sections (科室).

use serde::{Deserialize, Serialize};

use crate::account::bounded_text;
use crate::invalid::Invalid;

/// What kind of unit this is; the county department sits above townships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 县委组织部 and other county-level organs.
    County,
    /// 乡镇党委.
    Township,
    /// Any other unit (bureau party group, enterprise, school …).
    Other,
}

impl UnitKind {
    pub const ALL: [UnitKind; 3] = [UnitKind::County, UnitKind::Township, UnitKind::Other];

    pub fn code(self) -> &'static str {
        match self {
            UnitKind::County => "county",
            UnitKind::Township => "township",
            UnitKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> String {
        format!("unit_kind.{}", self.code())
    }
}

/// A unit or section name, 1–60 characters.
pub fn parse_org_name(input: &str) -> Result<String, Invalid> {
    bounded_text(input, "name", 60, "error.name.required")
}

/// A site code: 2–32 lowercase letters, digits or `-`, used in URLs and
/// configuration (e.g. `xiangning`).
pub fn parse_site_code(input: &str) -> Result<String, Invalid> {
    let value = input.trim().to_lowercase();
    let ok = (2..=32).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(value)
    } else {
        Err(Invalid::one("code", "error.site_code.format"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes() {
        assert_eq!(parse_org_name("  组织科 ").unwrap(), "组织科");
        assert!(parse_org_name("   ").is_err());
        assert!(parse_org_name(&"长".repeat(61)).is_err());
        assert_eq!(parse_site_code("XiangNing").unwrap(), "xiangning");
        assert!(parse_site_code("乡宁").is_err());
    }
}
