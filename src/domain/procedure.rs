//! The procedure as data: one row per step of SPEC §3–§7 — who closes it, what it waits for,
//! whether the street may open it early, its close conditions and what its closing freezes.
//! Titles, phases and default windows are the plan template's ([`super::plan::TEMPLATE`]);
//! this table adds the rules. `docs/PROCEDURE.md` is [`markdown`]'s output, kept in step by a
//! test. Pure: no I/O.

use super::plan::{TEMPLATE, TemplateStep};

/// A step missing from the plan (never: a test checks every row).
const EMPTY_ROW: TemplateStep = ("", "", "", (0, 0), (0, 0));

/// Which line of work a step belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pipeline {
    /// The street office's own work (S-1.x).
    Street,
    /// The Party committee's 公推直选 (P-).
    Party,
    /// The residents' committee's direct election (R-).
    Residents,
    /// Wrap-up (W-).
    WrapUp,
    /// Discipline, through every phase (D-1).
    Discipline,
}

impl Pipeline {
    /// The Chinese name.
    pub const fn zh(self) -> &'static str {
        match self {
            Pipeline::Street => "街道工作",
            Pipeline::Party => "党组织换届",
            Pipeline::Residents => "居委会换届",
            Pipeline::WrapUp => "总结完善",
            Pipeline::Discipline => "换届纪律",
        }
    }
}

/// Who closes a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closer {
    /// 街道工作组.
    Street,
    /// The community's staff (社区工作人员, the election committee).
    Community,
}

impl Closer {
    /// The Chinese name.
    pub const fn zh(self) -> &'static str {
        match self {
            Closer::Street => "街道工作组",
            Closer::Community => "社区",
        }
    }
}

/// A named close condition: a stable id and the sentence a page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Condition {
    /// Stable id, e.g. `publicity_ended`.
    pub id: &'static str,
    /// What must hold, in Chinese.
    pub zh: &'static str,
}

const fn cond(id: &'static str, zh: &'static str) -> Condition {
    Condition { id, zh }
}

/// One step of the procedure.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    /// Code (`P-2`, `R-4`, `S-1.1` …), as in the plan template.
    pub code: &'static str,
    /// Short Chinese name used in messages (`资格审查`).
    pub name: &'static str,
    /// Its line of work.
    pub pipeline: Pipeline,
    /// The module that implements it (`src/party/p6_congress`); empty while it has none yet.
    pub module: &'static str,
    /// The steps it waits for.
    pub after: &'static [&'static str],
    /// Whether the street may open it before its predecessors close (with a reason).
    pub early: bool,
    /// Who closes it.
    pub closer: Closer,
    /// Record-only: closed by a person's action once its records are present.
    pub record_only: bool,
    /// What must hold to close it.
    pub close: &'static [Condition],
    /// What can no longer change once it is closed.
    pub freezes: &'static [&'static str],
}

use Closer::{Community, Street};
use Pipeline::{Discipline, Party, Residents, WrapUp};

/// Every step, in the plan's order.
pub const STEPS: &[Step] = &[
    Step {
        code: "S-1.1",
        name: "成立工作机构",
        pipeline: Pipeline::Street,
        module: "",
        after: &[],
        early: false,
        closer: Street,
        record_only: true,
        close: &[cond(
            "leading_group",
            "领导小组组长、成员及办公室人员已登记",
        )],
        freezes: &[],
    },
    Step {
        code: "S-1.2",
        name: "制定工作方案",
        pipeline: Pipeline::Street,
        module: "",
        after: &[],
        early: false,
        closer: Street,
        record_only: true,
        close: &[cond("plan_dates", "工作方案各阶段、各步骤的日期已确定")],
        freezes: &[],
    },
    Step {
        code: "S-1.3",
        name: "动员部署与宣传",
        pipeline: Pipeline::Street,
        module: "",
        after: &["S-1.1"],
        early: false,
        closer: Street,
        record_only: true,
        close: &[cond("mobilisation", "动员部署会议及宣传资料发放已登记")],
        freezes: &[],
    },
    Step {
        code: "S-1.4",
        name: "集中培训",
        pipeline: Pipeline::Street,
        module: "",
        after: &["S-1.1"],
        early: false,
        closer: Street,
        record_only: true,
        close: &[cond("training", "培训场次及参训人员已登记")],
        freezes: &[],
    },
    Step {
        code: "P-1",
        name: "公开推荐",
        pipeline: Party,
        module: "src/party/p1_nominations",
        after: &[],
        early: false,
        closer: Community,
        record_only: false,
        close: &[
            cond("size_checked", "委员会职数符合规定或经街道批准"),
            cond("nominations", "至少有一项有效的推荐"),
        ],
        freezes: &["推荐（提名）及被推荐人的同意"],
    },
    Step {
        code: "P-2",
        name: "资格审查",
        pipeline: Party,
        module: "src/party/p2_review",
        after: &["P-1"],
        early: true,
        closer: Street,
        record_only: false,
        close: &[
            cond("decided", "每名被推荐人均有审查结论"),
            cond("publicity_ended", "公示期已满（今天晚于公示结束日）"),
            cond("objections_answered", "公示期间的每项异议均已答复"),
        ],
        freezes: &[
            "审查结论",
            "公示日期",
            "参考日期（年龄计算日，再改须写明理由）",
        ],
    },
    Step {
        code: "P-3",
        name: "全额定向民主推荐",
        pipeline: Party,
        module: "src/party/p3_recommendation",
        after: &["P-2"],
        early: true,
        closer: Street,
        record_only: false,
        close: &[
            cond("meeting_recorded", "推荐会已登记，参加人数不少于 80 人"),
            cond(
                "meeting_share",
                "人大代表、政协委员和居民代表不少于参加人数的 30%",
            ),
            cond("totals_entered", "推荐票已录入"),
        ],
        freezes: &["推荐会记录", "推荐票", "委员会职数"],
    },
    Step {
        code: "P-4",
        name: "确定初步人选并考察公示",
        pipeline: Party,
        module: "src/party/p4_preliminary",
        after: &["P-3"],
        early: true,
        closer: Street,
        record_only: false,
        close: &[
            cond("list_size", "初步人选不少于职数加 30%"),
            cond("inspected", "每名初步人选均已考察"),
            cond("publicity_ended", "考察公示不少于 3 天且已期满"),
            cond("objections_answered", "公示期间的每项异议均已答复"),
        ],
        freezes: &["初步人选名单", "考察记录", "公示日期"],
    },
    Step {
        code: "P-5",
        name: "确定候选人预备人选并报批",
        pipeline: Party,
        module: "src/party/p5_candidates",
        after: &["P-4"],
        early: true,
        closer: Street,
        record_only: false,
        close: &[
            cond("differential", "候选人预备人选差额不少于 20%"),
            cond("approved", "街道工作组已批准名单"),
        ],
        freezes: &["候选人预备人选名单"],
    },
    Step {
        code: "P-6",
        name: "党员大会选举",
        pipeline: Party,
        module: "src/party/p6_congress",
        after: &["P-5"],
        early: true,
        closer: Community,
        record_only: false,
        close: &[
            cond(
                "members_certified",
                "委员选举的计票结果已确认，名额已选足或经同意减少",
            ),
            cond("leaders_certified", "书记、副书记选举的计票结果已确认"),
        ],
        freezes: &[
            "应到会名册及签到",
            "到会人数规则",
            "党员大会选举日（再改须写明理由）",
            "已确认的投票（不能再重新开启）",
        ],
    },
    Step {
        code: "P-7",
        name: "选举结果报批",
        pipeline: Party,
        module: "src/party/p6_congress",
        after: &["P-6"],
        early: false,
        closer: Street,
        record_only: false,
        close: &[cond("decided", "委员均已备案，书记、副书记均已批准")],
        freezes: &["备案与批准"],
    },
    Step {
        code: "R-1",
        name: "推选居民代表",
        pipeline: Residents,
        module: "src/residents/setup.rs",
        after: &[],
        early: false,
        closer: Community,
        record_only: false,
        close: &[cond("groups", "每个居民小组推选 2–3 名居民代表")],
        freezes: &["居民代表名单"],
    },
    Step {
        code: "R-2",
        name: "居民选举委员会",
        pipeline: Residents,
        module: "src/residents/setup.rs",
        after: &["R-1"],
        early: true,
        closer: Community,
        record_only: false,
        close: &[cond(
            "committee",
            "选举委员会 5–9 人，设主任 1 名，候补委员已确定",
        )],
        freezes: &["选举委员会组成（被提名为候选人者仍须退出）"],
    },
    Step {
        code: "R-3",
        name: "选举办法",
        pipeline: Residents,
        module: "src/residents/r3_rules",
        after: &["R-2"],
        early: true,
        closer: Community,
        record_only: false,
        close: &[
            cond("seats", "职数符合规定"),
            cond(
                "adopted",
                "居民代表会议通过选举办法（到会人数过半，赞成票过到会人数半数）",
            ),
        ],
        freezes: &["选举办法文本及计票设置", "职数"],
    },
    Step {
        code: "R-4",
        name: "选民登记",
        pipeline: Residents,
        module: "src/residents/r4_voters",
        after: &["R-3"],
        early: true,
        closer: Community,
        record_only: false,
        close: &[
            cond("election_day", "选举日已确定"),
            cond(
                "list_published",
                "选民名单已公布，距选举日不少于规定天数（默认 20 天）",
            ),
        ],
        freezes: &["选民登记", "选举日（再改须写明理由）", "投票方式"],
    },
    Step {
        code: "R-5",
        name: "候选人提名",
        pipeline: Residents,
        module: "src/residents/r5_nominees",
        after: &["R-4"],
        early: true,
        closer: Community,
        record_only: false,
        close: &[
            cond("reviewed", "每名正式候选人均通过四项审查"),
            cond(
                "margin",
                "正式候选人总数比职数多 1–2 人，每个职位不少于应选名额",
            ),
            cond("rules_adopted", "选举办法已通过"),
        ],
        freezes: &[
            "提名及审查",
            "正式候选人名单",
            "参考日期（年龄计算日，再改须写明理由）",
        ],
    },
    Step {
        code: "R-6",
        name: "宣传介绍",
        pipeline: Residents,
        module: "src/residents/r6_introductions",
        after: &["R-5"],
        early: true,
        closer: Community,
        record_only: false,
        close: &[cond("introductions", "每名正式候选人均有介绍")],
        freezes: &["候选人介绍"],
    },
    Step {
        code: "R-7",
        name: "正式投票",
        pipeline: Residents,
        module: "src/residents/r7_election",
        after: &["R-6"],
        early: true,
        closer: Community,
        record_only: false,
        close: &[
            cond("certified", "最后一轮计票结果已确认，不需再投票"),
            cond("writeins_decided", "另选他人的当选资格均已认定"),
            cond("no_vacancy", "没有待另行选举的空缺"),
        ],
        freezes: &[
            "参加投票记录",
            "委托投票",
            "流动票箱",
            "已确认的投票（不能再重新开启）",
        ],
    },
    Step {
        code: "R-8",
        name: "公布结果",
        pipeline: Residents,
        module: "src/residents/r8_results",
        after: &["R-7"],
        early: true,
        closer: Community,
        record_only: false,
        close: &[
            cond("notice", "选举结果公告已发布"),
            cond("reported", "已报街道和区民政局备案"),
        ],
        freezes: &["公告及备案日期", "当选证书编号"],
    },
    Step {
        code: "W-1",
        name: "新老班子交接",
        pipeline: WrapUp,
        module: "src/wrapup/handover",
        after: &["P-7", "R-8"],
        early: false,
        closer: Community,
        record_only: false,
        close: &[
            cond("within_ten_days", "新班子产生后 10 日内召开交接会"),
            cond("checklist", "交接清单每项经双方确认"),
        ],
        freezes: &["交接清单"],
    },
    Step {
        code: "W-2",
        name: "健全组织体系",
        pipeline: WrapUp,
        module: "src/wrapup/organisation",
        after: &["P-7", "R-8"],
        early: false,
        closer: Community,
        record_only: true,
        close: &[cond(
            "organisation",
            "分工、下属委员会、民主理财小组和居务公开小组已登记",
        )],
        freezes: &[],
    },
    Step {
        code: "W-3",
        name: "完善自治章程、居民公约及制度",
        pipeline: WrapUp,
        module: "src/wrapup/charter",
        after: &["R-8"],
        early: false,
        closer: Community,
        record_only: true,
        close: &[cond("charter", "自治章程、居民公约及会议制度已登记")],
        freezes: &[],
    },
    Step {
        code: "W-4",
        name: "总结验收与归档",
        pipeline: WrapUp,
        module: "",
        after: &["W-1", "W-2", "W-3"],
        early: false,
        closer: Street,
        record_only: false,
        close: &[
            cond("statistics", "统计报表已生成"),
            cond("summary", "换届工作总结已提交"),
            cond("archived", "全部文书已归档，街道已验收"),
        ],
        freezes: &["统计报表", "归档清单"],
    },
    Step {
        code: "D-1",
        name: "换届纪律",
        pipeline: Discipline,
        module: "",
        after: &[],
        early: false,
        closer: Street,
        record_only: true,
        close: &[cond(
            "reports_handled",
            "承诺书、集体谈话已登记，每项违纪举报均已处理",
        )],
        freezes: &[],
    },
];

/// The step with this code.
pub fn step(code: &str) -> Option<&'static Step> {
    STEPS.iter().find(|s| s.code == code)
}

/// A step's row of the plan template: code, phase, title and default window (month, day).
pub fn plan_row(code: &str) -> Option<&'static TemplateStep> {
    TEMPLATE.iter().find(|t| t.0 == code)
}

/// The steps `code` waits for directly: its predecessors.
pub fn after(code: &str) -> &'static [&'static str] {
    step(code).map_or(&[], |s| s.after)
}

/// Every step that waits for `code`, directly or through others, in table order.
pub fn dependents(code: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let mut frontier = vec![code];
    while let Some(c) = frontier.pop() {
        for s in STEPS.iter().filter(|s| s.after.contains(&c)) {
            if !out.contains(&s.code) {
                out.push(s.code);
                frontier.push(s.code);
            }
        }
    }
    out.sort_by_key(|c| STEPS.iter().position(|s| s.code == *c));
    out
}

/// The steps of a pipeline the street may open before their predecessors close.
pub fn openable_early(pipeline: Pipeline) -> Vec<&'static Step> {
    STEPS
        .iter()
        .filter(|s| s.pipeline == pipeline && s.early)
        .collect()
}

/// "R-4 选民登记": the code and the short name, as messages write a step.
pub fn label(code: &str) -> String {
    step(code).map_or_else(|| code.to_owned(), |s| format!("{} {}", s.code, s.name))
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "—".to_owned()
    } else {
        items.join("；")
    }
}

/// The table as `docs/PROCEDURE.md`: Chinese, then English.
pub fn markdown() -> String {
    let mut out = String::from(
        "# 换届程序表 · The procedure table\n\n\
         本文件由 `src/domain/procedure.rs` 的步骤表生成，测试保证二者一致。\n\
         This file is generated from the step table in `src/domain/procedure.rs`; a test keeps \
         the two in step.\n\n\
         ## 中文\n\n\
         | 步骤 | 名称 | 所属 | 阶段 | 默认时间 | 等待 | 街道可提前开启 | 由谁完成 | 完成条件 | 完成后冻结 |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
    );
    for s in STEPS {
        let (_, phase, title, start, end) = plan_row(s.code).copied().unwrap_or(EMPTY_ROW);
        let close: Vec<&str> = s.close.iter().map(|c| c.zh).collect();
        let closer = if s.record_only {
            format!("{}（登记齐全后确认）", s.closer.zh())
        } else {
            s.closer.zh().to_owned()
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {}/{}–{}/{} | {} | {} | {} | {} | {} |\n",
            s.code,
            title,
            s.pipeline.zh(),
            phase,
            start.0,
            start.1,
            end.0,
            end.1,
            list(s.after),
            if s.early {
                "可以（须说明理由）"
            } else {
                "否"
            },
            closer,
            list(&close),
            list(s.freezes),
        ));
    }
    out.push_str(
        "\n已完成的步骤只能由街道工作组说明理由后重新开启，且依赖它的后续步骤均未完成；\
         否则须先重新开启这些后续步骤。\n\n\
         ## English\n\n\
         | step | module | waits for | street may open early | closed by | record-only | close conditions (ids) |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for s in STEPS {
        let ids: Vec<&str> = s.close.iter().map(|c| c.id).collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            s.code,
            if s.module.is_empty() {
                "— (not built yet)".to_owned()
            } else {
                format!("`{}`", s.module)
            },
            list(s.after),
            if s.early { "yes, with a reason" } else { "no" },
            match s.closer {
                Closer::Street => "street",
                Closer::Community => "community",
            },
            if s.record_only { "yes" } else { "no" },
            ids.join(", "),
        ));
    }
    out.push_str(
        "\nA closed step reopens only by the street, with a reason, and only while no later step \
         that depends on it has closed; otherwise those later steps reopen first.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plan_step_has_a_row_and_every_row_a_plan_step() {
        for t in TEMPLATE {
            let phase = matches!(t.0, "S-1" | "S-2" | "S-3");
            assert_eq!(step(t.0).is_some(), !phase, "{}", t.0);
        }
        for s in STEPS {
            assert!(plan_row(s.code).is_some(), "{} is not in the plan", s.code);
        }
    }

    #[test]
    fn every_steps_module_exists_and_every_step_of_both_pipelines_has_one() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for s in STEPS {
            if matches!(s.pipeline, Pipeline::Party | Pipeline::Residents) {
                assert!(!s.module.is_empty(), "{} has no module", s.code);
            }
            if !s.module.is_empty() {
                assert!(root.join(s.module).exists(), "{}: {}", s.code, s.module);
            }
        }
    }

    #[test]
    fn predecessors_are_steps_of_the_table_and_come_earlier_in_it() {
        for (i, s) in STEPS.iter().enumerate() {
            for a in s.after {
                let j = STEPS.iter().position(|x| x.code == *a);
                assert!(j.is_some_and(|j| j < i), "{} waits for {a}", s.code);
            }
        }
    }

    #[test]
    fn every_step_names_at_least_one_close_condition_with_a_unique_id() {
        for s in STEPS {
            assert!(!s.close.is_empty(), "{}", s.code);
            let mut ids: Vec<&str> = s.close.iter().map(|c| c.id).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), s.close.len(), "{}", s.code);
        }
    }

    #[test]
    fn the_residents_steps_wait_in_order_and_r4_waits_for_the_adopted_rules() {
        assert_eq!(after("R-1"), &[] as &[&str]);
        for (a, b) in [
            ("R-1", "R-2"),
            ("R-2", "R-3"),
            ("R-3", "R-4"),
            ("R-4", "R-5"),
            ("R-5", "R-6"),
            ("R-6", "R-7"),
            ("R-7", "R-8"),
        ] {
            assert_eq!(after(b), &[a], "{b}");
        }
    }

    #[test]
    fn docs_procedure_md_is_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/PROCEDURE.md");
        if std::env::var_os("HUANJIE_WRITE_DOCS").is_some() {
            std::fs::write(path, markdown()).expect("docs/PROCEDURE.md is writable");
        }
        let doc = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            doc == markdown(),
            "docs/PROCEDURE.md differs from the step table: run \
             `HUANJIE_WRITE_DOCS=1 cargo test --lib procedure` and commit the file"
        );
    }

    #[test]
    fn the_steps_depending_on_p2_are_the_rest_of_the_party_pipeline_and_the_wrap_up() {
        assert_eq!(
            dependents("P-2"),
            vec!["P-3", "P-4", "P-5", "P-6", "P-7", "W-1", "W-2", "W-4"]
        );
        assert_eq!(dependents("W-4"), Vec::<&str>::new());
        assert_eq!(label("P-2"), "P-2 资格审查");
        let codes: Vec<&str> = openable_early(Residents).iter().map(|s| s.code).collect();
        assert_eq!(codes, ["R-2", "R-3", "R-4", "R-5", "R-6", "R-7", "R-8"]);
    }
}
