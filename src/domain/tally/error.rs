//! Why an input could not be tallied, in Chinese (for people) and English (for logs and tools).
//!
//! A round that turns out void is not an error: it is a result. These are malformed inputs,
//! answered by `huanjie tally` with exit code 2.

use std::fmt;

/// A malformed tally input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TallyError {
    /// Not JSON, or cut short.
    Syntax {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// The parser's own words.
        detail: String,
    },
    /// JSON that does not follow the contract: an unknown field, preset, setting, setting
    /// value or round; a missing field; a wrong type; a negative number.
    Shape {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// The parser's own words.
        detail: String,
    },
    /// A post with fewer than one seat.
    SeatsBelowOne {
        /// The post.
        post: String,
    },
    /// A candidate listed twice in one post.
    DuplicateCandidate {
        /// The post.
        post: String,
        /// The candidate.
        name: String,
    },
    /// Two posts with the same name.
    DuplicatePost {
        /// The post.
        post: String,
    },
    /// More voters present than in the electorate.
    PresentExceedsElectorate {
        /// Voters present.
        present: u64,
        /// The electorate.
        electorate: u64,
    },
    /// More ballots issued than voters present.
    IssuedExceedsPresent {
        /// Ballots issued.
        issued: u64,
        /// Voters present.
        present: u64,
    },
    /// More ballots in the input than were taken from the box.
    BallotsExceedCollected {
        /// Ballots in the input.
        counted: u64,
        /// Ballots collected.
        collected: u64,
    },
    /// A ballot (not flagged invalid) marks a post that the vote does not have.
    UnknownPost {
        /// 1-based number of the ballot in the input.
        ballot: usize,
        /// The post named.
        post: String,
    },
    /// A ballot (not flagged invalid) marks `for` or `against` someone not listed in the post.
    UnknownName {
        /// 1-based number of the ballot in the input.
        ballot: usize,
        /// The post.
        post: String,
        /// The name.
        name: String,
        /// `"for"` or `"against"`.
        list: &'static str,
    },
}

impl TallyError {
    /// Builds the error for a JSON reading failure.
    pub fn from_json(e: &serde_json::Error) -> TallyError {
        let (line, column) = (e.line(), e.column());
        let full = e.to_string();
        let suffix = format!(" at line {line} column {column}");
        let detail = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        match e.classify() {
            serde_json::error::Category::Data => TallyError::Shape {
                line,
                column,
                detail,
            },
            _ => TallyError::Syntax {
                line,
                column,
                detail,
            },
        }
    }

    /// The message in Simplified Chinese.
    pub fn zh(&self) -> String {
        match self {
            TallyError::Syntax { line, column, .. } => {
                format!("输入不是完整有效的 JSON（第 {line} 行第 {column} 列）。")
            }
            TallyError::Shape {
                line,
                column,
                detail,
            } => {
                format!(
                    "输入不符合计票格式（第 {line} 行第 {column} 列）：{}。",
                    shape_zh(detail)
                )
            }
            TallyError::SeatsBelowOne { post } => format!("职位「{post}」的应选名额至少为 1。"),
            TallyError::DuplicateCandidate { post, name } => {
                format!("职位「{post}」的候选人「{name}」重复列出。")
            }
            TallyError::DuplicatePost { post } => format!("职位「{post}」重复出现。"),
            TallyError::PresentExceedsElectorate {
                present,
                electorate,
            } => format!("实到（参加投票）人数 {present} 多于应到（登记选民）人数 {electorate}。"),
            TallyError::IssuedExceedsPresent { issued, present } => {
                format!("发出选票 {issued} 张，多于实到（参加投票）人数 {present}。")
            }
            TallyError::BallotsExceedCollected { counted, collected } => {
                format!("录入的选票有 {counted} 张，多于收回的选票 {collected} 张。")
            }
            TallyError::UnknownPost { ballot, post } => {
                format!("第 {ballot} 张选票填写了本次投票没有的职位「{post}」。")
            }
            TallyError::UnknownName {
                ballot,
                post,
                name,
                list,
            } => format!(
                "第 {ballot} 张选票在职位「{post}」中对「{name}」划了{}，但此人不是该职位的候选人。",
                if *list == "for" {
                    "赞成"
                } else {
                    "不赞成"
                }
            ),
        }
    }

    /// The message in English.
    pub fn en(&self) -> String {
        match self {
            TallyError::Syntax {
                line,
                column,
                detail,
            } => {
                format!("malformed JSON at line {line} column {column}: {detail}")
            }
            TallyError::Shape {
                line,
                column,
                detail,
            } => {
                format!(
                    "input does not follow the tally contract at line {line} column {column}: {detail}"
                )
            }
            TallyError::SeatsBelowOne { post } => format!("post \"{post}\" has fewer than 1 seat"),
            TallyError::DuplicateCandidate { post, name } => {
                format!("post \"{post}\" lists candidate \"{name}\" more than once")
            }
            TallyError::DuplicatePost { post } => format!("post \"{post}\" appears more than once"),
            TallyError::PresentExceedsElectorate {
                present,
                electorate,
            } => {
                format!("present ({present}) exceeds the electorate ({electorate})")
            }
            TallyError::IssuedExceedsPresent { issued, present } => {
                format!("ballots issued ({issued}) exceed voters present ({present})")
            }
            TallyError::BallotsExceedCollected { counted, collected } => format!(
                "the input has {counted} ballots, more than the {collected} ballots collected"
            ),
            TallyError::UnknownPost { ballot, post } => {
                format!("ballot {ballot} marks post \"{post}\", which the vote does not have")
            }
            TallyError::UnknownName {
                ballot,
                post,
                name,
                list,
            } => format!(
                "ballot {ballot} marks \"{name}\" {list} in post \"{post}\", who is not a candidate of that post"
            ),
        }
    }
}

/// Puts serde's English description of a shape error into Chinese.
fn shape_zh(detail: &str) -> String {
    let quoted = |prefix: &str| -> Option<String> {
        let rest = detail.strip_prefix(prefix)?.strip_prefix('`')?;
        Some(rest.split('`').next().unwrap_or(rest).to_owned())
    };
    if let Some(name) = quoted("unknown field ") {
        return format!("未知的字段或设置项「{name}」");
    }
    if let Some(value) = quoted("unknown variant ") {
        return format!("未知的取值「{value}」（预设、轮次或设置的取值不在约定之内）");
    }
    if let Some(name) = quoted("missing field ") {
        return format!("缺少必填字段「{name}」");
    }
    if let Some(name) = quoted("duplicate field ") {
        return format!("字段「{name}」重复");
    }
    if detail.starts_with("invalid value: integer `-")
        || detail.starts_with("invalid type: floating point `-")
    {
        return "数值不能为负数".to_owned();
    }
    if let Some(rest) = detail.strip_prefix("invalid type: ") {
        let expected = rest.split(", expected ").nth(1).unwrap_or("");
        return format!("类型不符，{}", expected_zh(expected));
    }
    if detail.starts_with("invalid value: ") {
        return "数值超出范围".to_owned();
    }
    "结构不符合约定".to_owned()
}

/// What serde expected, in Chinese.
fn expected_zh(expected: &str) -> &'static str {
    if expected.contains("struct Ballot)") {
        "每张选票应为 JSON 对象"
    } else if expected.contains("struct") || expected.contains("map") {
        "此处应为 JSON 对象"
    } else if expected.contains("sequence") || expected.contains("array") {
        "此处应为数组"
    } else if expected.contains("u64") || expected.contains("integer") {
        "此处应为非负整数"
    } else if expected.contains("bool") {
        "此处应为 true 或 false"
    } else if expected.contains("string") || expected.contains("variant") {
        "此处应为字符串"
    } else {
        "此处的值类型不对"
    }
}

impl fmt::Display for TallyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for TallyError {}
