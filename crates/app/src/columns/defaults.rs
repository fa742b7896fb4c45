//! The default column tree `init` lays out, modelled on the seed site
//! (乡宁党建网: 14 main columns, 33 sub-columns, each assigned to a section
//! that maintains it), and the department's sections that own them.

use dangjian_domain::column::{ColumnKind, SORT_STEP};
use dangjian_domain::ids::{SectionId, SiteId, UnitId};
use dangjian_store::Conn;
use dangjian_store::columns::{self as stored, ColumnFields};
use dangjian_store::org;

use crate::App;
use crate::Result;
use crate::actor::Client;
use crate::audit::Event;
use crate::auth::console_subject;

/// The sections (科室) of the county Organization Department, in order.
pub const DEFAULT_SECTIONS: [&str; 10] = [
    "办公室",
    "组织科",
    "干部科",
    "干部监督科",
    "人才工作科",
    "电化教育中心",
    "公务员管理科",
    "老干部科",
    "信息中心",
    "研究室",
];

// Indexes into DEFAULT_SECTIONS, so the table below reads as prose.
const OFFICE: usize = 0;
const ORGANISATION: usize = 1;
const CADRES: usize = 2;
const SUPERVISION: usize = 3;
const TALENT: usize = 4;
const EDUCATION: usize = 5;
const CIVIL_SERVICE: usize = 6;
const VETERANS: usize = 7;
const INFORMATION: usize = 8;
const RESEARCH: usize = 9;

/// One column of the default tree: name, slug, kind, owning section (index
/// into `DEFAULT_SECTIONS`), expected update period in days (7 for news,
/// 30 for documents and policy, 0 for static pages) and sub-columns.
#[derive(Debug, Clone, Copy)]
pub struct DefaultColumn {
    pub name: &'static str,
    pub slug: &'static str,
    pub kind: ColumnKind,
    pub section: usize,
    pub period: i64,
    pub subs: &'static [DefaultColumn],
}

const fn col(
    name: &'static str,
    slug: &'static str,
    kind: ColumnKind,
    section: usize,
    period: i64,
    subs: &'static [DefaultColumn],
) -> DefaultColumn {
    DefaultColumn {
        name,
        slug,
        kind,
        section,
        period,
        subs,
    }
}

const fn list(
    name: &'static str,
    slug: &'static str,
    section: usize,
    period: i64,
) -> DefaultColumn {
    col(name, slug, ColumnKind::ArticleList, section, period, &[])
}

use ColumnKind::{DownloadList, NoticeBoard, SinglePage, SpecialTopic, VideoList};

/// The default tree.
pub const DEFAULT_TREE: [DefaultColumn; 14] = [
    col(
        "党建动态",
        "dangjian-dongtai",
        ColumnKind::ArticleList,
        INFORMATION,
        7,
        &[
            list("工作要闻", "gongzuo-yaowen", INFORMATION, 7),
            list("乡镇动态", "xiangzhen-dongtai", INFORMATION, 7),
            list("部门动态", "bumen-dongtai", INFORMATION, 7),
        ],
    ),
    col(
        "重要讲话",
        "zhongyao-jianghua",
        ColumnKind::ArticleList,
        RESEARCH,
        30,
        &[
            list("中央精神", "zhongyang-jingshen", RESEARCH, 30),
            list("省市部署", "shengshi-bushu", RESEARCH, 30),
        ],
    ),
    col(
        "政策条例",
        "zhengce-tiaoli",
        ColumnKind::ArticleList,
        RESEARCH,
        30,
        &[
            list("党内法规", "dangnei-fagui", RESEARCH, 30),
            list("组工制度", "zugong-zhidu", OFFICE, 30),
        ],
    ),
    col(
        "干部管理",
        "ganbu-guanli",
        ColumnKind::ArticleList,
        CADRES,
        14,
        &[
            list("干部任免", "ganbu-renmian", CADRES, 14),
            list("干部监督", "ganbu-jiandu", SUPERVISION, 14),
            list("干部培训", "ganbu-peixun", CADRES, 30),
            list("公务员管理", "gongwuyuan-guanli", CIVIL_SERVICE, 30),
        ],
    ),
    col(
        "组织建设",
        "zuzhi-jianshe",
        ColumnKind::ArticleList,
        ORGANISATION,
        7,
        &[
            list("基层党建", "jiceng-dangjian", ORGANISATION, 7),
            list("党员管理", "dangyuan-guanli", ORGANISATION, 14),
            list("组织生活", "zuzhi-shenghuo", ORGANISATION, 14),
        ],
    ),
    col(
        "人才天地",
        "rencai-tiandi",
        ColumnKind::ArticleList,
        TALENT,
        14,
        &[
            list("人才政策", "rencai-zhengce", TALENT, 30),
            list("人才风采", "rencai-fengcai", TALENT, 14),
            list("大学生村官", "daxuesheng-cunguan", TALENT, 14),
        ],
    ),
    // Opened during a selection; it falls quiet afterwards, so no period.
    col(
        "公开选拔",
        "gongkai-xuanba",
        SpecialTopic,
        CADRES,
        0,
        &[
            col("选拔公告", "xuanba-gonggao", NoticeBoard, CADRES, 0, &[]),
            list("工作简章", "xuanba-jianzhang", CADRES, 0),
            list("选拔动态", "xuanba-dongtai", CADRES, 0),
        ],
    ),
    // The seed's learning columns (上级文件、领导讲话、视频在线、它山之石).
    col(
        "在线学习",
        "zaixian-xuexi",
        ColumnKind::ArticleList,
        EDUCATION,
        30,
        &[
            list("上级文件", "shangji-wenjian", OFFICE, 30),
            list("领导讲话", "lingdao-jianghua", RESEARCH, 30),
            col("视频在线", "shipin-zaixian", VideoList, EDUCATION, 30, &[]),
            list("它山之石", "tashan-zhishi", INFORMATION, 14),
        ],
    ),
    col(
        "公告公示",
        "gonggao-gongshi",
        NoticeBoard,
        CADRES,
        30,
        &[
            col(
                "干部任前公示",
                "renqian-gongshi",
                NoticeBoard,
                CADRES,
                0,
                &[],
            ),
            col("通知公告", "tongzhi-gonggao", NoticeBoard, OFFICE, 30, &[]),
        ],
    ),
    // The mailbox itself comes later; until then this is its page.
    col("部长信箱", "buzhang-xinxiang", SinglePage, OFFICE, 0, &[]),
    col(
        "资料下载",
        "ziliao-xiazai",
        DownloadList,
        OFFICE,
        30,
        &[
            col("资料表格", "ziliao-biaoge", DownloadList, OFFICE, 30, &[]),
            col("学习资料", "xuexi-ziliao", DownloadList, EDUCATION, 30, &[]),
        ],
    ),
    col(
        "流动党员",
        "liudong-dangyuan",
        ColumnKind::ArticleList,
        ORGANISATION,
        30,
        &[
            list("流动党员动态", "liudong-dongtai", ORGANISATION, 30),
            col("联系服务", "liudong-fuwu", SinglePage, ORGANISATION, 0, &[]),
        ],
    ),
    col(
        "便民服务",
        "bianmin-fuwu",
        ColumnKind::ArticleList,
        OFFICE,
        30,
        &[
            col("办事指南", "banshi-zhinan", SinglePage, OFFICE, 0, &[]),
            list("疑难解答", "yinan-jieda", OFFICE, 30),
        ],
    ),
    col(
        "老干部工作",
        "laoganbu-gongzuo",
        ColumnKind::ArticleList,
        VETERANS,
        30,
        &[list("老干部动态", "laoganbu-dongtai", VETERANS, 30)],
    ),
];

/// The default homepage shows a block for each main column that lists
/// articles, in tree order; the editor changes that per column.
fn default_home_order(column: &DefaultColumn, place: i64) -> i64 {
    match column.kind {
        ColumnKind::SinglePage | ColumnKind::ExternalLink => 0,
        _ => place,
    }
}

fn default_fields(column: &DefaultColumn, sections: &[SectionId]) -> ColumnFields {
    ColumnFields {
        name: column.name.to_owned(),
        slug: column.slug.to_owned(),
        kind: column.kind.code().to_owned(),
        owner_section_id: sections.get(column.section).copied(),
        update_period_days: column.period,
        external_url: None,
        description: String::new(),
        home_order: 0,
        banner_media_id: None,
        workflow_id: None,
    }
}

impl App {
    /// Creates the department's sections in `unit` and the default column
    /// tree of `site`, inside the caller's (`init`'s) transaction, with one
    /// audit record for each (not one per row: it is one act of `init`).
    pub(crate) async fn lay_default_tree(
        &self,
        conn: &mut Conn,
        site: SiteId,
        unit: UnitId,
        client: &Client,
    ) -> Result<()> {
        let now = self.now_ms();
        let mut sections = Vec::with_capacity(DEFAULT_SECTIONS.len());
        for (i, name) in (1..).zip(DEFAULT_SECTIONS) {
            sections.push(org::insert_section(conn, unit, name, i * SORT_STEP, now).await?);
        }
        let event = Event::success("section.create", format!("unit:{unit}"))
            .with_detail(format!("default sections: {}", sections.len()));
        self.audit(conn, console_subject(client), event).await?;

        let (mut main, mut sub) = (0, 0);
        for (i, column) in (1..).zip(DEFAULT_TREE.iter()) {
            let fields = ColumnFields {
                home_order: default_home_order(column, i),
                ..default_fields(column, &sections)
            };
            let parent = stored::insert(conn, site, None, i * SORT_STEP, &fields, now).await?;
            main += 1;
            for (j, child) in (1..).zip(column.subs) {
                let fields = default_fields(child, &sections);
                stored::insert(conn, site, Some(parent), j * SORT_STEP, &fields, now).await?;
                sub += 1;
            }
        }
        let event = Event::success("column.create", format!("site:{site}"))
            .with_detail(format!("default tree: {main} main, {sub} sub"));
        self.audit(conn, console_subject(client), event).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use dangjian_domain::column::{parse_column_name, parse_slug};

    use super::*;

    fn all() -> Vec<&'static DefaultColumn> {
        DEFAULT_TREE
            .iter()
            .flat_map(|c| std::iter::once(c).chain(c.subs.iter()))
            .collect()
    }

    #[test]
    fn the_default_tree_has_the_seed_shape() {
        let subs: usize = DEFAULT_TREE.iter().map(|c| c.subs.len()).sum();
        assert_eq!((DEFAULT_TREE.len(), subs), (14, 33));
        // Two levels: sub-columns have none of their own.
        let grandchildren = DEFAULT_TREE
            .iter()
            .flat_map(|c| c.subs)
            .map(|c| c.subs.len());
        assert_eq!(grandchildren.sum::<usize>(), 0);
    }

    #[test]
    fn default_columns_pass_the_rules_an_editor_faces() {
        let mut slugs = HashSet::new();
        for column in all() {
            assert_eq!(parse_column_name(column.name).as_deref(), Ok(column.name));
            assert_eq!(parse_slug(column.slug).as_deref(), Ok(column.slug));
            assert!(slugs.insert(column.slug), "slug {} twice", column.slug);
            assert!(column.section < DEFAULT_SECTIONS.len(), "{}", column.name);
            assert!((0..=365).contains(&column.period), "{}", column.name);
            assert!(!column.kind.needs_url(), "no default column links out");
        }
    }
}
