//! A handful of letters in the minister's mailbox, one in each state, so
//! the inbox, a published letter and the statistics of a demo site have
//! something to show. Laid once, on the first demo run; a refresh keeps
//! the letters (they are not articles or media).

use dangjian_domain::ids::{SectionId, SiteId, UserId};
use dangjian_domain::mailbox::{self as rules, LetterStatus, MailboxPolicy};
use dangjian_store::mailbox::{self as stored, Change, NewLetter};
use dangjian_store::settings::{self as settings, GLOBAL};
use dangjian_store::{Conn, org};

use super::text::Rng;
use crate::{App, Result};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// One demo letter: writer, phone, category, subject, content, days ago,
/// consent, where it ends up, and the reply or reason.
struct Sample {
    name: &'static str,
    phone: &'static str,
    category: &'static str,
    subject: &'static str,
    content: &'static str,
    days_ago: i64,
    consent: bool,
    ends: LetterStatus,
    answer: &'static str,
}

const SAMPLES: [Sample; 5] = [
    Sample {
        name: "王明",
        phone: "13800138001",
        category: "consult",
        subject: "外出务工党员的组织关系如何转接",
        content: "我是本县流动党员，今年到省城务工，想把组织关系转到务工所在地的非公企业党组织，请问需要办理哪些手续？",
        days_ago: 40,
        consent: true,
        ends: LetterStatus::Published,
        answer: "您好！党员组织关系转接可通过全国党员管理信息系统办理：由转入地党组织出具接收意见，您所在的村党支部在系统中发起转出，乡镇党委审核后即可完成。如有疑问可拨打县委组织部组织科电话咨询。",
    },
    Sample {
        name: "李红",
        phone: "13900139002",
        category: "suggest",
        subject: "建议在村党群服务中心设立党员学习角",
        content: "建议各村党群服务中心开辟党员学习角，配备学习资料和网络设备，方便年纪大的党员就近参加学习。",
        days_ago: 20,
        consent: false,
        ends: LetterStatus::Replied,
        answer: "感谢您的建议！县委组织部已将党员学习角建设列入今年村级党群服务中心提升计划，将分批推进。",
    },
    Sample {
        name: "赵强",
        phone: "13700137003",
        category: "consult",
        subject: "关于发展党员积极分子培养期限的咨询",
        content: "请问入党积极分子的培养考察期是多久？期间需要参加哪些培训？",
        days_ago: 3,
        consent: true,
        ends: LetterStatus::Handling,
        answer: "",
    },
    Sample {
        name: "孙丽",
        phone: "13600136004",
        category: "other",
        subject: "邻里宅基地纠纷",
        content: "我家与邻居因宅基地边界发生纠纷，多次协商未果，希望组织部出面协调解决。",
        days_ago: 12,
        consent: false,
        ends: LetterStatus::Refused,
        answer: "该事项不属于组织部门职责范围，请向所在乡镇人民政府或县司法局人民调解委员会反映。",
    },
    Sample {
        name: "周平",
        phone: "13500135005",
        category: "complaint",
        subject: "村党支部未按时公开党费收缴情况",
        content: "我村党支部今年以来一直未公开党费收缴使用情况，希望上级组织督促整改。",
        days_ago: 9,
        consent: false,
        ends: LetterStatus::Received,
        answer: "",
    },
];

impl App {
    /// Lays the sample letters unless the site already has letters.
    pub(super) async fn lay_demo_letters(
        &self,
        tx: &mut Conn,
        site: SiteId,
        by: UserId,
        rng: &mut Rng,
    ) -> Result<usize> {
        if stored::count(tx, site, &stored::Filter::default()).await? > 0 {
            return Ok(0);
        }
        let Some(section) = org::sections(tx, site).await?.first().map(|s| s.id) else {
            return Ok(0);
        };
        let calendar = crate::calendar::load(tx).await?;
        let policy = MailboxPolicy::from_settings(&settings::all(tx, GLOBAL).await?);
        let workflow = self.default_workflow(tx, site).await?.id;
        let now = self.now_ms();
        for sample in &SAMPLES {
            let received = now - sample.days_ago * DAY_MS;
            let code = demo_code(received, rng);
            let password = rules::code_chars(&random_bytes::<{ rules::PASSWORD_LEN }>(rng));
            let digest = rules::password_digest(&code, &password);
            let letter = NewLetter {
                site,
                tracking_code: &code,
                query_digest: &digest,
                name: sample.name,
                phone: sample.phone,
                email: "",
                category: sample.category,
                subject: sample.subject,
                content: sample.content,
                publish_consent: sample.consent,
                origin: "portal",
                client_addr: "demo",
                received_at: received,
                due_at: policy.due_at(&calendar, received),
            };
            let id = stored::insert(tx, &letter).await?;
            stored::insert_event(tx, id, None, "receive", "", "", received).await?;
            handle(tx, id, sample, (section, workflow), by, received + DAY_MS).await?;
        }
        Ok(SAMPLES.len())
    }
}

/// Moves a demo letter to where its sample ends, a day after arrival (the
/// reply's review is recorded as approved; the demo has no reviewers).
async fn handle(
    tx: &mut Conn,
    id: i64,
    sample: &Sample,
    (section, workflow): (SectionId, i64),
    by: UserId,
    at: i64,
) -> Result<()> {
    let mut steps: Vec<(&str, Change<'_>, &str)> = Vec::new();
    match sample.ends {
        LetterStatus::Received => {}
        LetterStatus::Refused => steps.push(("received", Change::Refuse(sample.answer), "refuse")),
        _ => steps.push(("received", Change::Accept(section), "accept")),
    }
    if matches!(sample.ends, LetterStatus::Replied | LetterStatus::Published) {
        steps.push(("handling", Change::Draft(sample.answer), "draft"));
        steps.push(("handling", Change::Submit { workflow, stage: 0 }, "submit"));
        steps.push(("review", Change::Approve, "replied"));
    }
    if sample.ends == LetterStatus::Published {
        steps.push(("replied", Change::Publish, "publish"));
    }
    for (from, change, action) in &steps {
        stored::change(tx, id, from, change, by, at).await?;
        let comment = if *action == "refuse" {
            sample.answer
        } else {
            ""
        };
        stored::insert_event(tx, id, Some(by), action, comment, "", at).await?;
    }
    Ok(())
}

fn random_bytes<const N: usize>(rng: &mut Rng) -> [u8; N] {
    let mut bytes = [0u8; N];
    for b in &mut bytes {
        *b = u8::try_from(rng.below(256)).unwrap_or(0);
    }
    bytes
}

fn demo_code(received: i64, rng: &mut Rng) -> String {
    let date = dangjian_domain::clock::local_date(received);
    let day = format!(
        "{:04}{:02}{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    rules::tracking_code(&day, &random_bytes::<{ rules::CODE_RANDOM_LEN }>(rng))
}
