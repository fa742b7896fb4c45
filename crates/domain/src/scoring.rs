//! 考核计分: how uploads turn into points for the ranking (上传信息排行榜),
//! the quarterly bulletin and the annual assessment. The rules are settings
//! an editor changes; the arithmetic is here, tested by hand-computed
//! figures.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Invalid;

/// Who adopted (采用) an item: the county site itself, or a higher level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdoptionLevel {
    City,
    Province,
    Central,
}

impl AdoptionLevel {
    pub const ALL: [AdoptionLevel; 3] = [
        AdoptionLevel::City,
        AdoptionLevel::Province,
        AdoptionLevel::Central,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AdoptionLevel::City => "city",
            AdoptionLevel::Province => "province",
            AdoptionLevel::Central => "central",
        }
    }

    pub fn from_code(code: &str) -> Option<AdoptionLevel> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn label_key(self) -> String {
        format!("ranking.level.{}", self.code())
    }
}

/// The scoring rules (settings `scoring.*` of the site).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ScoringRules {
    /// Points for an item published on the county site.
    pub county: i64,
    pub city: i64,
    pub province: i64,
    pub central: i64,
    /// Extra points when it ran as the headline (头条).
    pub headline_bonus: i64,
    /// Extra points for a leader's 批示 on it.
    pub instruction_bonus: i64,
    /// Items a unit is expected to have published each month (0: none).
    pub monthly_quota: i64,
    /// Points taken off per item short of the quota.
    pub shortfall_deduction: i64,
}

impl Default for ScoringRules {
    fn default() -> Self {
        ScoringRules {
            county: 1,
            city: 3,
            province: 5,
            central: 10,
            headline_bonus: 1,
            instruction_bonus: 5,
            monthly_quota: 2,
            shortfall_deduction: 1,
        }
    }
}

/// The setting keys, in form order, with the value of each.
pub const RULE_KEYS: [&str; 8] = [
    "scoring.county",
    "scoring.city",
    "scoring.province",
    "scoring.central",
    "scoring.headline_bonus",
    "scoring.instruction_bonus",
    "scoring.monthly_quota",
    "scoring.shortfall_deduction",
];

impl ScoringRules {
    pub fn value(&self, key: &str) -> i64 {
        match key {
            "scoring.county" => self.county,
            "scoring.city" => self.city,
            "scoring.province" => self.province,
            "scoring.central" => self.central,
            "scoring.headline_bonus" => self.headline_bonus,
            "scoring.instruction_bonus" => self.instruction_bonus,
            "scoring.monthly_quota" => self.monthly_quota,
            "scoring.shortfall_deduction" => self.shortfall_deduction,
            _ => 0,
        }
    }

    fn set(&mut self, key: &str, value: i64) {
        let slot = match key {
            "scoring.county" => &mut self.county,
            "scoring.city" => &mut self.city,
            "scoring.province" => &mut self.province,
            "scoring.central" => &mut self.central,
            "scoring.headline_bonus" => &mut self.headline_bonus,
            "scoring.instruction_bonus" => &mut self.instruction_bonus,
            "scoring.monthly_quota" => &mut self.monthly_quota,
            "scoring.shortfall_deduction" => &mut self.shortfall_deduction,
            _ => return,
        };
        *slot = value;
    }

    /// Rules from stored settings; missing or unreadable values keep the
    /// default.
    pub fn from_settings(values: &BTreeMap<String, String>) -> Self {
        let mut rules = ScoringRules::default();
        for key in RULE_KEYS {
            if let Some(v) = values.get(key).and_then(|v| v.trim().parse::<i64>().ok()) {
                rules.set(key, v);
            }
        }
        rules
    }

    /// Rules an editor submitted: whole numbers from 0 to 100 each.
    pub fn parse(submitted: &BTreeMap<String, String>) -> Result<Self, Invalid> {
        let mut rules = ScoringRules::default();
        let mut invalid = Invalid::default();
        for key in RULE_KEYS {
            let text = submitted.get(key).map(|v| v.trim()).unwrap_or_default();
            match text.parse::<i64>() {
                Ok(v) if (0..=100).contains(&v) => rules.set(key, v),
                _ => invalid.push(key, "error.scoring.value"),
            }
        }
        invalid.into_result()?;
        Ok(rules)
    }

    /// The points a tally earns (before any quota deduction).
    pub fn points(&self, t: &Tally) -> i64 {
        t.published * self.county
            + t.city * self.city
            + t.province * self.province
            + t.central * self.central
            + t.headlines * self.headline_bonus
            + t.instructions * self.instruction_bonus
    }

    /// Points taken off a unit that published `published` items over
    /// `months` months (the quota applies to the period as a whole).
    pub fn shortfall(&self, published: i64, months: i64) -> i64 {
        let expected = self.monthly_quota * months.max(0);
        (expected - published).max(0) * self.shortfall_deduction
    }
}

/// What one person (or section, or unit) did in a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub submitted: i64,
    pub published: i64,
    pub returned: i64,
    pub headlines: i64,
    pub city: i64,
    pub province: i64,
    pub central: i64,
    pub instructions: i64,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.submitted += other.submitted;
        self.published += other.published;
        self.returned += other.returned;
        self.headlines += other.headlines;
        self.city += other.city;
        self.province += other.province;
        self.central += other.central;
        self.instructions += other.instructions;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_follow_the_rules_by_hand() {
        let rules = ScoringRules::default();
        let tally = Tally {
            submitted: 9,
            published: 6,
            returned: 2,
            headlines: 1,
            city: 2,
            province: 1,
            central: 0,
            instructions: 1,
        };
        // 6×1 + 2×3 + 1×5 + 0×10 + 1×1 + 1×5 = 23
        assert_eq!(rules.points(&tally), 23);
        // A quarter at 2 a month expects 6: none short; 4 published is 2 short.
        assert_eq!(rules.shortfall(6, 3), 0);
        assert_eq!(rules.shortfall(4, 3), 2);
    }

    #[test]
    fn rules_are_parsed_from_settings_and_forms() {
        let stored = BTreeMap::from([
            ("scoring.city".to_owned(), "4".to_owned()),
            ("scoring.central".to_owned(), "x".to_owned()),
        ]);
        let rules = ScoringRules::from_settings(&stored);
        assert_eq!((rules.city, rules.central), (4, 10));
        let mut form: BTreeMap<String, String> = RULE_KEYS
            .iter()
            .map(|k| ((*k).to_owned(), "2".to_owned()))
            .collect();
        assert_eq!(ScoringRules::parse(&form).unwrap().central, 2);
        form.insert("scoring.central".into(), "101".into());
        let refused = ScoringRules::parse(&form).unwrap_err();
        assert_eq!(refused.errors[0].field, "scoring.central");
    }
}
