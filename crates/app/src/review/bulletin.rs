//! The quarterly bulletin (季度通报) and the annual assessment (年度考核)
//! as official documents after GB/T 9704-2012 (DOCX), and the ranking as a
//! spreadsheet (XLSX). The wording is the document's own: a 通报 is always
//! written in Chinese, whatever language the office is read in.

use dangjian_domain::ids::SiteId;
use dangjian_domain::role::Permission;
use dangjian_officedoc::{
    Block, Cell, DocumentNumber, OfficialDocument, Table, official_docx, table_xlsx,
};
use time::{Date, OffsetDateTime};

use super::honours::{self, Confirmation};
use super::ranking::{Period, RankRow, Ranking};
use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

/// People listed in a bulletin (the whole list is in the spreadsheet).
const PEOPLE_IN_BULLETIN: usize = 20;

/// What the editor chooses for a document: its number.
#[derive(Debug, Clone)]
pub struct Numbering {
    /// 机关代字, e.g. 乡组通.
    pub prefix: String,
    pub seq: u32,
}

fn headers(of_units: bool) -> Vec<String> {
    let first = if of_units { "单位" } else { "姓名" };
    [
        "名次",
        first,
        "报送",
        "采用",
        "退回",
        "上级采用",
        "批示",
        "得分",
        "扣分",
        "总分",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn table(rows: &[RankRow], of_units: bool, limit: usize) -> Table {
    let rows = rows
        .iter()
        .take(limit)
        .enumerate()
        .map(|(i, r)| {
            let t = &r.tally;
            vec![
                Cell::Integer(i64::try_from(i + 1).unwrap_or(0)),
                Cell::Text(r.name.clone()),
                Cell::Integer(t.submitted),
                Cell::Integer(t.published),
                Cell::Integer(t.returned),
                Cell::Integer(t.city + t.province + t.central),
                Cell::Integer(t.instructions),
                Cell::Integer(r.points),
                Cell::Integer(r.deduction),
                Cell::Integer(r.total),
            ]
        })
        .collect();
    Table {
        headers: headers(of_units),
        rows,
    }
}

fn today(now_ms: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(now_ms / 1000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(dangjian_domain::clock::CHINA_STANDARD_TIME)
        .date()
}

fn totals(ranking: &Ranking) -> String {
    let mut sum = dangjian_domain::scoring::Tally::default();
    for unit in &ranking.units {
        sum.add(&unit.tally);
    }
    format!(
        "共报送信息{}条，采用发布{}条，退回修改{}条；被市级采用{}条、省级采用{}条、中央级采用{}条，获领导批示{}条。",
        sum.submitted,
        sum.published,
        sum.returned,
        sum.city,
        sum.province,
        sum.central,
        sum.instructions
    )
}

/// The issuing office's facts, from the site profile.
struct Issuer {
    mark: String,
    name: String,
}

impl App {
    async fn issuer(&self, site: SiteId) -> Result<Issuer> {
        let profile = self.site_profile(site).await?;
        let name = if profile.sponsor.is_empty() {
            profile.name.clone()
        } else {
            profile.sponsor.clone()
        };
        Ok(Issuer {
            mark: format!("{name}文件"),
            name,
        })
    }

    pub(crate) async fn require_reports(&self, actor: &Actor, action: &str) -> Result<()> {
        if actor.can(Permission::ManageSite) {
            return Ok(());
        }
        self.require(actor, Permission::ManageSite, action, "ranking")
            .await
    }

    /// The quarterly bulletin as a DOCX.
    pub async fn quarterly_bulletin(
        &self,
        actor: &Actor,
        site: SiteId,
        year: i32,
        quarter: u32,
        numbering: &Numbering,
    ) -> Result<Vec<u8>> {
        self.require_reports(actor, "ranking.bulletin").await?;
        let period = Period::quarter(year, quarter).ok_or(AppError::NotFound)?;
        let ranking = self.ranking(actor, site, period).await?;
        let issuer = self.issuer(site).await?;
        let title = format!(
            "关于{year}年第{}季度网络信息报送情况的通报",
            chinese_numeral(quarter)
        );
        let intro = format!(
            "为进一步做好党建网络信息报送工作，根据网络信息审核及发布制度和考核奖惩办法，现将{year}年第{}季度（{}至{}）各单位信息报送情况通报如下。",
            chinese_numeral(quarter),
            ranking.period.first_day,
            ranking.period.last_day
        );
        let body = vec![
            Block::Paragraph(intro),
            Block::Heading1("一、总体情况".into()),
            Block::Paragraph(format!("本季度{}", totals(&ranking))),
            Block::Heading1("二、各单位报送情况".into()),
            Block::Table(table(&ranking.units, true, usize::MAX)),
            Block::Heading1("三、个人报送情况".into()),
            Block::Table(table(&ranking.people, false, PEOPLE_IN_BULLETIN)),
            Block::Heading1("四、有关要求".into()),
            Block::Paragraph("各单位要高度重视网络信息报送工作，明确专人负责，严格落实审核把关责任，确保信息报送及时、准确、规范。未完成报送任务的单位要认真分析原因，切实加以改进。".into()),
        ];
        let bytes = self.document(&issuer, numbering, year, title, body)?;
        self.audit_report(actor, "ranking.bulletin", format!("{year}Q{quarter}"))
            .await?;
        Ok(bytes)
    }

    /// The annual assessment as a DOCX: totals per unit and person, and the
    /// proposed 先进单位 and 先进个人 for the editors to confirm.
    pub async fn annual_assessment(
        &self,
        actor: &Actor,
        site: SiteId,
        year: i32,
        numbering: &Numbering,
    ) -> Result<Vec<u8>> {
        self.require_reports(actor, "ranking.assessment").await?;
        let period = Period::year(year).ok_or(AppError::NotFound)?;
        let ranking = self.ranking(actor, site, period).await?;
        let issuer = self.issuer(site).await?;
        let confirmation = self.confirmed_honours(site, year).await?;
        let mut body = vec![
            Block::Paragraph(format!(
                "根据网络信息报送考核办法，现将{year}年度全县网络信息报送考核情况通报如下。"
            )),
            Block::Heading1("一、总体情况".into()),
            Block::Paragraph(format!("全年{}", totals(&ranking))),
        ];
        body.extend(honours_blocks(&ranking, confirmation.as_ref()));
        body.extend([
            Block::Heading1("三、各单位考核得分".into()),
            Block::Table(table(&ranking.units, true, usize::MAX)),
            Block::Heading1("四、个人考核得分".into()),
            Block::Table(table(&ranking.people, false, PEOPLE_IN_BULLETIN)),
        ]);
        let title = format!("关于{year}年度网络信息报送考核情况的通报");
        let bytes = self.document(&issuer, numbering, year, title, body)?;
        self.audit_report(actor, "ranking.assessment", year.to_string())
            .await?;
        Ok(bytes)
    }

    /// The ranking of a period as an XLSX (people, or units).
    pub async fn ranking_xlsx(
        &self,
        actor: &Actor,
        site: SiteId,
        period: Period,
        of_units: bool,
    ) -> Result<Vec<u8>> {
        let ranking = self.ranking(actor, site, period).await?;
        let rows = if of_units {
            &ranking.units
        } else {
            &ranking.people
        };
        let title = format!(
            "上传信息排行榜（{}至{}）",
            ranking.period.first_day, ranking.period.last_day
        );
        table_xlsx("排行榜", &title, &table(rows, of_units, usize::MAX)).map_err(AppError::internal)
    }

    fn document(
        &self,
        issuer: &Issuer,
        numbering: &Numbering,
        year: i32,
        title: String,
        body: Vec<Block>,
    ) -> Result<Vec<u8>> {
        let date = today(self.now_ms());
        let doc = OfficialDocument {
            issuer_mark: issuer.mark.clone(),
            number: DocumentNumber {
                prefix: numbering.prefix.clone(),
                year,
                seq: numbering.seq,
            },
            title,
            recipients: "各乡镇党委，县直各单位党组织：".into(),
            body,
            signer: issuer.name.clone(),
            date,
            copy_to: None,
            printer: issuer.name.clone(),
            printed_on: date,
        };
        official_docx(&doc).map_err(AppError::internal)
    }

    async fn audit_report(&self, actor: &Actor, action: &str, what: String) -> Result<()> {
        let event = Event::success(action, "ranking").with_detail(what);
        self.audit_alone(actor.into(), event).await
    }
}

/// Section two of the assessment: the awards as the editors confirmed them,
/// or, before that, the ranking's proposal marked as such.
fn honours_blocks(ranking: &Ranking, confirmation: Option<&Confirmation>) -> Vec<Block> {
    let (heading, lead, units, people) = match confirmation {
        Some(c) => {
            let names = |kind: &str| {
                c.honours
                    .iter()
                    .filter(|h| h.kind == kind)
                    .map(|h| h.name.clone())
                    .collect::<Vec<_>>()
            };
            (
                "二、表彰名单",
                "经研究，决定对以下先进单位和先进个人予以通报表扬。",
                names(honours::UNIT),
                names(honours::PERSON),
            )
        }
        None => {
            let names = |rows: &[RankRow], n| {
                honours::proposed(rows, n)
                    .iter()
                    .map(|r| r.name.clone())
                    .collect::<Vec<_>>()
            };
            (
                "二、拟表彰名单",
                "根据考核得分，拟推荐以下先进单位和先进个人，待研究确定。",
                names(&ranking.units, honours::PROPOSED_UNITS),
                names(&ranking.people, honours::PROPOSED_PEOPLE),
            )
        }
    };
    vec![
        Block::Heading1(heading.into()),
        Block::Paragraph(lead.into()),
        Block::Heading2("（一）先进单位".into()),
        Block::Paragraph(listed(&units)),
        Block::Heading2("（二）先进个人".into()),
        Block::Paragraph(listed(&people)),
    ]
}

fn listed(names: &[String]) -> String {
    if names.is_empty() {
        "无。".into()
    } else {
        names.join("、")
    }
}

fn chinese_numeral(n: u32) -> &'static str {
    ["〇", "一", "二", "三", "四"]
        .get(n as usize)
        .copied()
        .unwrap_or("")
}
