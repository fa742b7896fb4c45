//! The upload ranking (上传信息排行榜) of people, sections and units over a
//! month, quarter, year or any range; the scoring rules as site settings;
//! editors' records of adoptions by higher levels and leaders' 批示.

use std::collections::BTreeMap;

use dangjian_domain::Invalid;
use dangjian_domain::account::bounded_text;
use dangjian_domain::article::{ArticleId, ArticleStatus};
use dangjian_domain::clock::{local_day, parse_local_date};
use dangjian_domain::ids::SiteId;
use dangjian_domain::role::Permission;
use dangjian_domain::scoring::{AdoptionLevel, RULE_KEYS, ScoringRules, Tally};
pub use dangjian_store::review::ranking::Recognition;
use dangjian_store::review::ranking::{self as stored, Person};
use dangjian_store::settings;

use crate::actor::Actor;
use crate::audit::Event;
use crate::site::site_scope;
use crate::{App, AppError, Result};

/// A period of the ranking: `[from, until)` in Unix ms, local days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub from: i64,
    pub until: i64,
    /// Whole months it spans (for the monthly quota).
    pub months: i64,
    /// `2026-01-01` … `2026-03-31` (inclusive, as people read it).
    pub first_day: String,
    pub last_day: String,
}

fn month_start(year: i32, month: u32) -> String {
    let (y, m) = if month > 12 {
        (year + 1, month - 12)
    } else {
        (year, month)
    };
    format!("{y:04}-{m:02}-01")
}

impl Period {
    /// Months `first..=last` of `year` (1-based).
    pub fn months_of(year: i32, first: u32, last: u32) -> Option<Period> {
        if !(1..=12).contains(&first)
            || !(first..=12).contains(&last)
            || !(2000..=2100).contains(&year)
        {
            return None;
        }
        let from = parse_local_date(&month_start(year, first))?;
        let until = parse_local_date(&month_start(year, last + 1))?;
        Some(Period {
            from,
            until,
            months: i64::from(last - first + 1),
            first_day: month_start(year, first),
            last_day: dangjian_domain::clock::format_local_date(until - 1),
        })
    }

    /// The period as local day numbers `[from, until)` (the ranking's
    /// counters are kept per local day).
    pub fn day_numbers(&self) -> (i64, i64) {
        (local_day(self.from), local_day(self.until))
    }

    pub fn month(year: i32, month: u32) -> Option<Period> {
        Self::months_of(year, month, month)
    }

    pub fn quarter(year: i32, quarter: u32) -> Option<Period> {
        (1..=4)
            .contains(&quarter)
            .then(|| Self::months_of(year, quarter * 3 - 2, quarter * 3))
            .flatten()
    }

    pub fn year(year: i32) -> Option<Period> {
        Self::months_of(year, 1, 12)
    }

    /// From one local day through another (inclusive).
    pub fn days(first: &str, last: &str) -> Option<Period> {
        let from = parse_local_date(first)?;
        let until = parse_local_date(last)? + 24 * 3_600_000;
        (until > from && until - from <= 3 * 366 * 24 * 3_600_000).then(|| Period {
            from,
            until,
            months: ((until - from) / (30 * 24 * 3_600_000)).max(1),
            first_day: first.trim().to_owned(),
            last_day: last.trim().to_owned(),
        })
    }
}

/// One line of the ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankRow {
    /// The person's, section's or unit's id.
    pub id: i64,
    pub name: String,
    /// The unit (for people and sections).
    pub context: String,
    pub tally: Tally,
    pub points: i64,
    /// Taken off for items short of the quota (units only).
    pub deduction: i64,
    pub total: i64,
}

#[derive(Debug, Clone)]
pub struct Ranking {
    pub period: Period,
    pub rules: ScoringRules,
    pub people: Vec<RankRow>,
    pub sections: Vec<RankRow>,
    pub units: Vec<RankRow>,
}

/// Who a row is about: id, name and the unit it belongs to (if any).
type Subject = (i64, String, String);

fn row(
    (id, name, context): Subject,
    tally: Tally,
    rules: &ScoringRules,
    deduction: i64,
) -> RankRow {
    let points = rules.points(&tally);
    RankRow {
        id,
        name,
        context,
        tally,
        points,
        deduction,
        total: points - deduction,
    }
}

fn ranked(mut rows: Vec<RankRow>) -> Vec<RankRow> {
    rows.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then(b.tally.published.cmp(&a.tally.published))
            .then(a.name.cmp(&b.name))
    });
    rows
}

/// Groups people's tallies into people, sections and units.
fn assemble(
    people: &[Person],
    tallies: &BTreeMap<dangjian_domain::ids::UserId, Tally>,
    rules: &ScoringRules,
    period: &Period,
) -> (Vec<RankRow>, Vec<RankRow>, Vec<RankRow>) {
    let mut persons = Vec::new();
    let mut sections: BTreeMap<i64, (String, String, Tally)> = BTreeMap::new();
    let mut units: BTreeMap<i64, (String, Tally)> = BTreeMap::new();
    for person in people {
        let tally = tallies.get(&person.id).copied().unwrap_or_default();
        units
            .entry(person.unit_id)
            .or_insert_with(|| (person.unit_name.clone(), Tally::default()))
            .1
            .add(&tally);
        if tally == Tally::default() {
            continue;
        }
        if let (Some(id), Some(name)) = (person.section_id, person.section_name.clone()) {
            sections
                .entry(id)
                .or_insert_with(|| (name, person.unit_name.clone(), Tally::default()))
                .2
                .add(&tally);
        }
        let subject = (person.id.0, person.name.clone(), person.unit_name.clone());
        persons.push(row(subject, tally, rules, 0));
    }
    let sections = sections
        .into_iter()
        .map(|(id, (name, unit, tally))| row((id, name, unit), tally, rules, 0))
        .collect();
    let units = units
        .into_iter()
        .map(|(id, (name, tally))| {
            let deduction = rules.shortfall(tally.published, period.months);
            row((id, name, String::new()), tally, rules, deduction)
        })
        .collect();
    (ranked(persons), ranked(sections), ranked(units))
}

pub(crate) fn may_see_ranking(actor: &Actor) -> bool {
    actor.can(Permission::ManageSite) || actor.can(Permission::ReviewArticles)
}

impl App {
    /// The scoring rules of a site (defaults where unset).
    pub async fn scoring_rules(&self, site: SiteId) -> Result<ScoringRules> {
        let mut conn = self.store().read().await?;
        let values = settings::all(&mut conn, &site_scope(site)).await?;
        Ok(ScoringRules::from_settings(&values))
    }

    /// Changes the scoring rules (site editor); each changed value audited.
    pub async fn update_scoring_rules(
        &self,
        actor: &Actor,
        site: SiteId,
        submitted: &BTreeMap<String, String>,
    ) -> Result<ScoringRules> {
        let scope = site_scope(site);
        self.require(
            actor,
            Permission::ManageSite,
            "scoring.update",
            scope.clone(),
        )
        .await?;
        let rules = ScoringRules::parse(submitted)?;
        let before = self.scoring_rules(site).await?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        for key in RULE_KEYS {
            let (old, new) = (before.value(key), rules.value(key));
            if old != new {
                settings::put(
                    &mut tx,
                    &scope,
                    key,
                    &new.to_string(),
                    Some(actor.user_id),
                    now,
                )
                .await?;
                let event = Event::success("scoring.update", format!("{scope}:{key}"))
                    .with_detail(format!("{old} -> {new}"));
                self.audit(&mut tx, actor.into(), event).await?;
            }
        }
        tx.commit().await?;
        Ok(rules)
    }

    /// The ranking of a period (editors and reviewers).
    pub async fn ranking(&self, actor: &Actor, site: SiteId, period: Period) -> Result<Ranking> {
        if !may_see_ranking(actor) {
            self.require(actor, Permission::ReviewArticles, "ranking.view", "ranking")
                .await?;
        }
        let rules = self.scoring_rules(site).await?;
        let mut conn = self.store().read().await?;
        let (from_day, until_day) = period.day_numbers();
        let tallies = stored::tallies(&mut conn, site, from_day, until_day).await?;
        let people = stored::people(&mut conn).await?;
        let (people, sections, units) = assemble(&people, &tallies, &rules, &period);
        Ok(Ranking {
            period,
            rules,
            people,
            sections,
            units,
        })
    }

    /// Records that a higher level adopted a published item (site editor).
    pub async fn record_adoption(
        &self,
        actor: &Actor,
        id: ArticleId,
        level: &str,
        note: &str,
    ) -> Result<()> {
        let object = format!("article:{id}");
        self.require(
            actor,
            Permission::ManageSite,
            "article.adoption",
            object.clone(),
        )
        .await?;
        let mut invalid = Invalid::default();
        let level = AdoptionLevel::from_code(level.trim());
        if level.is_none() {
            invalid.push("level", "error.ranking.level");
        }
        let note = invalid.collect(optional_text(note, "note"));
        invalid.into_result()?;
        let (Some(level), Some(note)) = (level, note) else {
            return Err(AppError::internal("adoption parsed without a level"));
        };
        let mut tx = self.store().write().await?;
        self.require_published(&mut tx, id).await?;
        stored::insert_adoption(&mut tx, id, level, &note, actor.user_id, self.now_ms()).await?;
        let event = Event::success("article.adoption", object)
            .with_detail(format!("{} {note}", level.code()));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a leader's 批示 on a published item (site editor).
    pub async fn record_instruction(
        &self,
        actor: &Actor,
        id: ArticleId,
        leader: &str,
        note: &str,
    ) -> Result<()> {
        let object = format!("article:{id}");
        self.require(
            actor,
            Permission::ManageSite,
            "article.instruction",
            object.clone(),
        )
        .await?;
        let mut invalid = Invalid::default();
        let leader = invalid.collect(bounded_text(leader, "leader", 50, "error.ranking.leader"));
        let note = invalid.collect(optional_text(note, "note"));
        invalid.into_result()?;
        let (Some(leader), Some(note)) = (leader, note) else {
            return Err(AppError::internal("instruction parsed without a leader"));
        };
        let mut tx = self.store().write().await?;
        self.require_published(&mut tx, id).await?;
        stored::insert_instruction(&mut tx, id, &leader, &note, actor.user_id, self.now_ms())
            .await?;
        let event =
            Event::success("article.instruction", object).with_detail(format!("{leader}: {note}"));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An item's recorded adoptions and 批示.
    pub async fn recognitions(&self, id: ArticleId) -> Result<Vec<Recognition>> {
        let mut conn = self.store().read().await?;
        Ok(stored::recognitions(&mut conn, id).await?)
    }

    async fn require_published(
        &self,
        conn: &mut dangjian_store::Conn,
        id: ArticleId,
    ) -> Result<()> {
        let article = dangjian_store::articles::get(conn, id).await?;
        if article.status == ArticleStatus::Published {
            Ok(())
        } else {
            Err(AppError::Conflict("error.article.not_published"))
        }
    }
}

fn optional_text(text: &str, field: &str) -> Result<String, Invalid> {
    if text.trim().is_empty() {
        Ok(String::new())
    } else {
        bounded_text(text, field, 200, "error.text.too_long")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dangjian_domain::ids::UserId;

    fn person(id: i64, name: &str, unit: (i64, &str), section: Option<(i64, &str)>) -> Person {
        Person {
            id: UserId(id),
            name: name.into(),
            unit_id: unit.0,
            unit_name: unit.1.into(),
            section_id: section.map(|s| s.0),
            section_name: section.map(|s| s.1.to_owned()),
        }
    }

    #[test]
    fn ranking_figures_match_a_hand_computed_fixture() {
        let rules = ScoringRules::default();
        let period = Period::quarter(2026, 3).expect("Q3");
        assert_eq!(period.months, 3);
        assert_eq!(
            (period.first_day.as_str(), period.last_day.as_str()),
            ("2026-07-01", "2026-09-30")
        );
        let people = vec![
            person(1, "王信息", (1, "县委组织部"), Some((10, "信息中心"))),
            person(2, "李干部", (1, "县委组织部"), Some((11, "干部科"))),
            person(3, "赵乡镇", (2, "昌宁镇"), None),
            person(4, "钱闲人", (3, "关王庙乡"), None),
        ];
        let tallies = BTreeMap::from([
            (
                UserId(1),
                Tally {
                    submitted: 8,
                    published: 6,
                    returned: 1,
                    headlines: 1,
                    city: 1,
                    ..Tally::default()
                },
            ),
            (
                UserId(2),
                Tally {
                    submitted: 3,
                    published: 2,
                    instructions: 1,
                    ..Tally::default()
                },
            ),
            (
                UserId(3),
                Tally {
                    submitted: 5,
                    published: 4,
                    returned: 2,
                    province: 1,
                    ..Tally::default()
                },
            ),
        ]);
        let (persons, sections, units) = assemble(&people, &tallies, &rules, &period);
        // 王: 6 + 3 + 1 = 10; 李: 2 + 5 = 7; 赵: 4 + 5 = 9.
        let order: Vec<(&str, i64)> = persons.iter().map(|r| (r.name.as_str(), r.total)).collect();
        assert_eq!(order, [("王信息", 10), ("赵乡镇", 9), ("李干部", 7)]);
        assert_eq!(sections.len(), 2);
        // Units: quota 2 a month × 3 = 6. 组织部 published 8 (17 points);
        // 昌宁镇 4 (9 − 2 = 7); 关王庙乡 none (0 − 6 = −6).
        let units: Vec<(&str, i64, i64)> = units
            .iter()
            .map(|r| (r.name.as_str(), r.deduction, r.total))
            .collect();
        assert_eq!(
            units,
            [("县委组织部", 0, 17), ("昌宁镇", 2, 7), ("关王庙乡", 6, -6)]
        );
    }

    #[test]
    fn periods_have_local_bounds() {
        let month = Period::month(2026, 12).expect("December");
        assert_eq!(month.last_day, "2026-12-31");
        assert_eq!(month.until - month.from, 31 * 24 * 3_600_000);
        assert!(Period::quarter(2026, 5).is_none());
        assert!(Period::month(2026, 13).is_none());
        let days = Period::days("2026-11-01", "2026-11-27").expect("a range");
        assert_eq!(days.until - days.from, 27 * 24 * 3_600_000);
        assert!(Period::days("2026-11-27", "2026-11-01").is_none());
    }
}
