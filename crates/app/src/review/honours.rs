//! The annual assessment's awards: the ranking of the year proposes the
//! leading units (先进单位) and people (先进个人); the editors confirm, drop
//! or add before the assessment is issued, and the document then names the
//! confirmed ones. Confirmations are kept with the names and scores of
//! their time and audited.

use dangjian_domain::Invalid;
use dangjian_domain::ids::SiteId;
use dangjian_store::review::honours as stored;
pub use dangjian_store::review::honours::{Confirmation, Honour};

use super::ranking::{Period, RankRow, Ranking};
use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

/// How many units and people the assessment proposes.
pub const PROPOSED_UNITS: usize = 3;
pub const PROPOSED_PEOPLE: usize = 10;

pub const UNIT: &str = "unit";
pub const PERSON: &str = "person";

/// The leading rows with a positive score: the proposal.
pub fn proposed(rows: &[RankRow], n: usize) -> Vec<&RankRow> {
    rows.iter().filter(|r| r.total > 0).take(n).collect()
}

/// The year's ranking with what is proposed and what was confirmed.
pub struct AssessmentView {
    pub year: i32,
    pub ranking: Ranking,
    pub proposed_units: Vec<i64>,
    pub proposed_people: Vec<i64>,
    pub confirmation: Option<Confirmation>,
}

impl AssessmentView {
    /// Whether the form shows the row ticked: as confirmed when there is a
    /// confirmation, else as proposed.
    pub fn chosen(&self, kind: &str, id: i64) -> bool {
        match &self.confirmation {
            Some(c) => c
                .honours
                .iter()
                .any(|h| h.kind == kind && h.subject_id == id),
            None if kind == UNIT => self.proposed_units.contains(&id),
            None => self.proposed_people.contains(&id),
        }
    }
}

fn honour(kind: &str, row: &RankRow) -> Honour {
    Honour {
        kind: kind.to_owned(),
        subject_id: row.id,
        name: row.name.clone(),
        total: row.total,
    }
}

/// The chosen rows of one kind, in ranking order; an id not in the year's
/// ranking is refused (a form cannot honour someone it never listed).
fn chosen(kind: &str, rows: &[RankRow], ids: &[i64]) -> Result<Vec<Honour>> {
    if let Some(stray) = ids.iter().find(|id| !rows.iter().any(|r| r.id == **id)) {
        tracing::debug!(kind, stray, "an award for someone not in the ranking");
        return Err(Invalid::one("honours", "error.honours.unknown").into());
    }
    Ok(rows
        .iter()
        .filter(|r| ids.contains(&r.id))
        .map(|r| honour(kind, r))
        .collect())
}

impl App {
    /// The year's assessment as the confirmation page shows it.
    pub async fn assessment_view(
        &self,
        actor: &Actor,
        site: SiteId,
        year: i32,
    ) -> Result<AssessmentView> {
        self.require_reports(actor, "ranking.honours").await?;
        let period = Period::year(year).ok_or(AppError::NotFound)?;
        let ranking = self.ranking(actor, site, period).await?;
        let ids = |rows: &[RankRow], n| proposed(rows, n).iter().map(|r| r.id).collect();
        let proposed_units = ids(&ranking.units, PROPOSED_UNITS);
        let proposed_people = ids(&ranking.people, PROPOSED_PEOPLE);
        let confirmation = self.confirmed_honours(site, year).await?;
        Ok(AssessmentView {
            year,
            ranking,
            proposed_units,
            proposed_people,
            confirmation,
        })
    }

    /// The year's confirmed awards, if the editors confirmed them.
    pub async fn confirmed_honours(&self, site: SiteId, year: i32) -> Result<Option<Confirmation>> {
        let mut conn = self.store().read().await?;
        Ok(stored::confirmed(&mut conn, site, year).await?)
    }

    /// Confirms the year's 先进单位 and 先进个人 (replacing an earlier
    /// confirmation), with each one's name and score as of now.
    pub async fn confirm_honours(
        &self,
        actor: &Actor,
        site: SiteId,
        year: i32,
        units: &[i64],
        people: &[i64],
    ) -> Result<()> {
        self.require_reports(actor, "ranking.honours").await?;
        if units.is_empty() && people.is_empty() {
            return Err(Invalid::one("honours", "error.honours.none").into());
        }
        let period = Period::year(year).ok_or(AppError::NotFound)?;
        let ranking = self.ranking(actor, site, period).await?;
        let mut honours = chosen(UNIT, &ranking.units, units)?;
        honours.extend(chosen(PERSON, &ranking.people, people)?);
        let names: Vec<&str> = honours.iter().map(|h| h.name.as_str()).collect();
        let detail = format!("{year}: {}", names.join("、"));
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        stored::replace(&mut tx, site, year, &honours, actor.user_id, now).await?;
        let event = Event::success("ranking.honours", "ranking").with_detail(detail);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(())
    }
}
