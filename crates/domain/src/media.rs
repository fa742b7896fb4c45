//! Media rules: the kinds of upload, the size limits a system administrator
//! sets (stored as settings; parsed and bounded here), and alt text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::invalid::Invalid;

/// An uploaded media item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MediaId(pub i64);

impl std::fmt::Display for MediaId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What an upload is, decided from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Image,
    Attachment,
    Video,
}

impl MediaKind {
    pub const ALL: [MediaKind; 3] = [MediaKind::Image, MediaKind::Attachment, MediaKind::Video];

    pub fn code(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Attachment => "attachment",
            MediaKind::Video => "video",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Message-catalog key of its name.
    pub fn label_key(self) -> String {
        format!("media.kind.{}", self.code())
    }
}

/// Per-kind upload size limits, in MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaPolicy {
    pub max_image_mb: u32,
    pub max_attachment_mb: u32,
    pub max_video_mb: u32,
}

impl Default for MediaPolicy {
    fn default() -> Self {
        Self {
            max_image_mb: 20,
            max_attachment_mb: 50,
            max_video_mb: 500,
        }
    }
}

/// The most any limit may be set to (MiB): the upload routes' body limit is
/// derived from it, before the exact per-kind check.
pub const MAX_UPLOAD_MB: u32 = 2048;

struct Knob {
    key: &'static str,
    get: fn(&MediaPolicy) -> u32,
    set: fn(&mut MediaPolicy, u32),
}

const KNOBS: [Knob; 3] = [
    Knob {
        key: "media.max_image_mb",
        get: |p| p.max_image_mb,
        set: |p, v| p.max_image_mb = v,
    },
    Knob {
        key: "media.max_attachment_mb",
        get: |p| p.max_attachment_mb,
        set: |p, v| p.max_attachment_mb = v,
    },
    Knob {
        key: "media.max_video_mb",
        get: |p| p.max_video_mb,
        set: |p, v| p.max_video_mb = v,
    },
];

impl MediaPolicy {
    /// The limit for one kind, in bytes.
    pub fn max_bytes(&self, kind: MediaKind) -> u64 {
        let mb = match kind {
            MediaKind::Image => self.max_image_mb,
            MediaKind::Attachment => self.max_attachment_mb,
            MediaKind::Video => self.max_video_mb,
        };
        u64::from(mb) * 1024 * 1024
    }

    /// The largest limit of any kind, in bytes.
    pub fn largest_bytes(&self) -> u64 {
        MediaKind::ALL
            .into_iter()
            .map(|k| self.max_bytes(k))
            .max()
            .unwrap_or_default()
    }

    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        KNOBS
            .iter()
            .map(|k| (k.key, (k.get)(self).to_string()))
            .collect()
    }

    /// Reads the policy from stored settings; absent or unreadable values
    /// keep their defaults, others are clamped to 1..=MAX_UPLOAD_MB.
    pub fn from_settings(stored: &BTreeMap<String, String>) -> Self {
        let mut policy = Self::default();
        for knob in &KNOBS {
            if let Some(value) = stored.get(knob.key).and_then(|v| v.parse::<u32>().ok()) {
                (knob.set)(&mut policy, value.clamp(1, MAX_UPLOAD_MB));
            }
        }
        policy
    }

    /// Applies submitted values (key -> text), refusing unknown keys and
    /// values out of bounds; keys of other policies are ignored.
    pub fn with_changes(&self, submitted: &BTreeMap<String, String>) -> Result<Self, Invalid> {
        let mut policy = *self;
        let mut invalid = Invalid::default();
        for (key, text) in submitted.iter().filter(|(k, _)| k.starts_with("media.")) {
            let Some(knob) = KNOBS.iter().find(|k| k.key == key) else {
                invalid.push(key, "error.settings.unknown_key");
                continue;
            };
            match text.trim().parse::<u32>() {
                Ok(v) if (1..=MAX_UPLOAD_MB).contains(&v) => (knob.set)(&mut policy, v),
                _ => invalid.push(key, "error.settings.out_of_range"),
            }
        }
        invalid.into_result().map(|()| policy)
    }
}

/// Alt text: trimmed, at most 250 characters.
pub fn parse_alt_text(text: &str) -> Result<String, Invalid> {
    let text = text.trim();
    if text.chars().count() > 250 {
        return Err(Invalid::one("alt_text", "media.error.alt_too_long"));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_round_trip_and_bounds() {
        let policy = MediaPolicy::default();
        assert_eq!(policy.max_bytes(MediaKind::Image), 20 * 1024 * 1024);
        assert_eq!(policy.largest_bytes(), 500 * 1024 * 1024);
        let stored: BTreeMap<String, String> = policy
            .to_settings()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(MediaPolicy::from_settings(&stored), policy);
        let mut change = BTreeMap::new();
        change.insert("media.max_image_mb".to_owned(), "0".to_owned());
        assert!(policy.with_changes(&change).is_err());
        change.insert("media.max_image_mb".to_owned(), "1".to_owned());
        change.insert("security.idle_timeout_minutes".to_owned(), "9".to_owned());
        assert_eq!(policy.with_changes(&change).unwrap().max_image_mb, 1);
    }

    #[test]
    fn alt_text_is_bounded() {
        assert_eq!(parse_alt_text("  党旗  ").unwrap(), "党旗");
        assert!(parse_alt_text(&"字".repeat(251)).is_err());
    }
}
