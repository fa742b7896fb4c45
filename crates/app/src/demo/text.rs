//! Plausible Chinese party-building text, made from phrase tables by a small
//! seeded generator: the same seed gives the same titles and bodies on every
//! machine and every run (no network, no model).

/// SplitMix64: tiny, fast and the same everywhere (unlike a library's
/// "standard" generator, which may change between versions).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

pub const UNITS: [&str; 14] = [
    "管头镇党委",
    "昌宁镇党委",
    "西坡镇党委",
    "光华镇党委",
    "台头镇党委",
    "双鹤乡党委",
    "尉庄乡党委",
    "枣岭乡党委",
    "关王庙乡党委",
    "西交口乡党委",
    "县直机关工委",
    "县教育局党组",
    "县卫健局党组",
    "县委组织部",
];

const TOPICS: [&str; 20] = [
    "三会一课",
    "两学一做学习教育",
    "不忘初心、牢记使命主题教育",
    "组织生活会",
    "民主评议党员",
    "主题党日活动",
    "基层党组织标准化规范化建设",
    "流动党员管理服务",
    "软弱涣散基层党组织整顿",
    "发展党员工作",
    "干部作风建设",
    "村级后备干部培养",
    "党风廉政建设",
    "党史学习教育",
    "党员远程教育",
    "驻村帮扶",
    "农村党员冬春训",
    "党员积分制管理",
    "“双报到”工作",
    "基层党建述职评议",
];

const ACTIONS: [&str; 8] = [
    "召开",
    "扎实开展",
    "深入推进",
    "组织开展",
    "全面部署",
    "启动",
    "持续深化",
    "高标准推进",
];

const GOALS: [&str; 6] = [
    "加强基层党组织建设",
    "提升组织力",
    "推动党建与发展深度融合",
    "锻造过硬干部队伍",
    "筑牢基层战斗堡垒",
    "服务乡村振兴",
];

const MEASURES: [&str; 8] = [
    "采取集中学习与个人自学相结合的方式",
    "建立任务清单、责任清单和问题清单",
    "坚持每月一督导、每季一通报",
    "由班子成员分片包村、逐村指导",
    "以支部为单位逐项对照检查",
    "依托党员活动室和远程教育站点",
    "结合“三会一课”制度同步推进",
    "实行台账管理、销号落实",
];

const EFFECTS: [&str; 7] = [
    "党员干部的理想信念进一步坚定",
    "基层党组织的政治功能和组织功能明显增强",
    "为全县经济社会发展提供了坚强组织保证",
    "形成了一级抓一级、层层抓落实的工作格局",
    "群众满意度持续提升",
    "切实把党的政治优势转化为发展优势",
    "推动各项工作取得实效",
];

const PEOPLE: [&str; 8] = [
    "王建国",
    "李秀兰",
    "张卫东",
    "刘志强",
    "陈丽娟",
    "杨海军",
    "赵晓燕",
    "郭文斌",
];

const POSTS: [&str; 5] = [
    "村党支部书记",
    "大学生村官",
    "驻村第一书记",
    "乡镇组织委员",
    "返乡创业党员",
];

/// What a column publishes, which decides the shape of its titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Genre {
    News,
    Speech,
    Policy,
    Appointment,
    Talent,
    Notice,
    Download,
    Video,
    Selection,
}

/// A generated article's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub title: String,
    pub summary: String,
    /// `<p>` paragraphs (plain text inside, so sanitising keeps them).
    pub body_html: String,
    pub source: String,
}

/// A title for `genre`; `year` is the publish year.
pub fn title(rng: &mut Rng, genre: Genre, year: i32) -> String {
    let unit = rng.pick(&UNITS);
    let topic = rng.pick(&TOPICS);
    let number = rng.between(1, 30);
    match genre {
        Genre::News => match rng.below(4) {
            0 => format!("{unit}{}{topic}", rng.pick(&ACTIONS)),
            1 => format!("{unit}召开{year}年度{topic}推进会"),
            2 => format!("{unit}：以{topic}为抓手{}", rng.pick(&GOALS)),
            _ => format!("全县{topic}现场观摩会在{}举行", &unit[..unit.len() - 6]),
        },
        Genre::Speech => match rng.below(3) {
            0 => format!("在全县{topic}工作会议上的讲话"),
            1 => format!("深入学习贯彻{year}年全国组织工作会议精神"),
            _ => format!("县委书记在{topic}动员部署会上强调{}", rng.pick(&GOALS)),
        },
        Genre::Policy => match rng.below(3) {
            0 => format!("关于进一步加强{topic}的意见"),
            1 => format!("{topic}实施办法（{year}年修订）"),
            _ => format!("关于做好{year}年{topic}的通知"),
        },
        Genre::Appointment => match rng.below(2) {
            0 => format!("干部任前公示（{year}年第{number}号）"),
            _ => format!("关于{}同志拟任职务的公示", rng.pick(&PEOPLE)),
        },
        Genre::Talent => format!("{}：扎根基层的{}", rng.pick(&PEOPLE), rng.pick(&POSTS)),
        Genre::Notice => match rng.below(3) {
            0 => format!("关于开展{year}年{topic}的通知"),
            1 => format!("关于报送{topic}情况的通知"),
            _ => format!("关于召开{topic}专题会议的通知"),
        },
        Genre::Download => match rng.below(2) {
            0 => format!("{topic}登记表（{year}年版）"),
            _ => format!("{topic}学习参考资料汇编（第{number}辑）"),
        },
        Genre::Video => format!("【微党课】{topic}的实践与思考"),
        Genre::Selection => match rng.below(3) {
            0 => format!("{year}年公开选拔副科级领导干部公告"),
            1 => format!("公开选拔笔试成绩及面试人选名单公示（第{number}批）"),
            _ => format!("{year}年公开选拔工作简章"),
        },
    }
}

/// One sentence about a unit and a topic.
fn sentence(rng: &mut Rng) -> String {
    let unit = rng.pick(&UNITS);
    let topic = rng.pick(&TOPICS);
    match rng.below(4) {
        0 => format!(
            "{unit}坚持把{topic}作为{}的重要抓手，{}，{}。",
            rng.pick(&GOALS),
            rng.pick(&MEASURES),
            rng.pick(&EFFECTS)
        ),
        1 => format!(
            "会议指出，{topic}是{}的基础性工作，各级党组织要{}，确保取得实效。",
            rng.pick(&GOALS),
            rng.pick(&MEASURES)
        ),
        2 => format!(
            "截至目前，全县已累计开展{topic}{}场次，覆盖党员{}余名，{}。",
            rng.between(20, 400),
            rng.between(3, 90) * 100,
            rng.pick(&EFFECTS)
        ),
        _ => format!(
            "下一步，{unit}将{}，持续推动{topic}往深里走、往实里走。",
            rng.pick(&MEASURES)
        ),
    }
}

/// `count` paragraphs of 2–4 sentences each.
pub fn paragraphs(rng: &mut Rng, count: usize) -> Vec<String> {
    (0..count)
        .map(|_| {
            let n = rng.between(2, 4);
            (0..n).map(|_| sentence(rng)).collect::<String>()
        })
        .collect()
}

/// An article of `genre` for `year`, with `count` paragraphs.
pub fn article(rng: &mut Rng, genre: Genre, year: i32, count: usize) -> Text {
    let title = title(rng, genre, year);
    let paras = paragraphs(rng, count);
    let summary: String = paras
        .first()
        .map(|p| p.chars().take(80).collect())
        .unwrap_or_default();
    let body_html = paras
        .iter()
        .map(|p| format!("<p style=\"text-indent: 2em;\">{p}</p>"))
        .collect();
    Text {
        title,
        summary,
        body_html,
        source: rng.pick(&UNITS).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_text() {
        let make = || {
            let mut rng = Rng::new(2024);
            (0..50)
                .map(|i| article(&mut rng, [Genre::News, Genre::Notice][i % 2], 2025, 3))
                .collect::<Vec<_>>()
        };
        assert_eq!(make(), make());
        let mut other = Rng::new(2025);
        assert_ne!(article(&mut other, Genre::News, 2025, 3), make()[0]);
    }

    #[test]
    fn text_reads_as_chinese_party_building_copy() {
        let mut rng = Rng::new(7);
        let text = article(&mut rng, Genre::News, 2025, 4);
        assert!(!text.title.is_empty() && text.title.chars().count() < 60);
        assert_eq!(text.body_html.matches("<p ").count(), 4);
        assert!(text.summary.chars().count() <= 80);
        for genre in [
            Genre::Speech,
            Genre::Policy,
            Genre::Appointment,
            Genre::Talent,
            Genre::Download,
            Genre::Video,
            Genre::Selection,
        ] {
            let t = title(&mut rng, genre, 2024);
            assert!(t.chars().all(|c| !c.is_ascii_control()), "{t}");
        }
    }
}
