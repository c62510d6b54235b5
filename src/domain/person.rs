//! People (SPEC §2): the fields, their allowed values, and parsing raw input (forms, API,
//! imports) into a checked draft with per-field Chinese errors.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::idcard::IdNumber;
use crate::error::FieldError;

/// Education levels, low to high (SPEC C-4).
pub const EDUCATION: [&str; 6] = ["小学", "初中", "高中/中专", "大专", "本科", "研究生"];

/// The rank of an education level (0 = 小学); `高中` and `中专` alone are accepted too.
pub fn education_rank(level: &str) -> Option<usize> {
    match level {
        "高中" | "中专" => Some(2),
        other => EDUCATION.iter().position(|e| *e == other),
    }
}

/// Party membership statuses: stored value and label.
pub const PARTY_STATUS: [(&str, &str); 5] = [
    ("none", "非党员"),
    ("full", "正式党员"),
    ("probationary", "预备党员"),
    ("watch", "留党察看"),
    ("suspended", "停止党籍权利"),
];

/// Where a Party member's membership belongs.
pub const PARTY_ORG: [(&str, &str); 2] =
    [("community", "本社区党组织"), ("unit", "驻区单位党组织")];

/// Relation kinds and labels; each is stored with its converse.
pub const RELATIONS: [(&str, &str); 4] = [
    ("spouse", "配偶"),
    ("parent", "父母"),
    ("child", "子女"),
    ("sibling", "兄弟姐妹"),
];

/// The converse of a relation kind (A is parent of B ⇔ B is child of A).
pub fn converse(kind: &str) -> Option<&'static str> {
    match kind {
        "spouse" => Some("spouse"),
        "parent" => Some("child"),
        "child" => Some("parent"),
        "sibling" => Some("sibling"),
        _ => None,
    }
}

/// Label of a stored party status.
pub fn party_status_label(v: &str) -> &'static str {
    PARTY_STATUS
        .iter()
        .find(|(k, _)| *k == v)
        .map(|(_, l)| *l)
        .unwrap_or("未知")
}

/// Raw person input, all text, as forms, JSON and import rows give it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawPerson {
    /// 姓名.
    pub name: String,
    /// 性别 (男/女); filled from the ID number when empty.
    pub gender: String,
    /// 出生日期 YYYY-MM-DD; filled from the ID number when empty.
    pub birth_date: String,
    /// 民族.
    pub ethnicity: String,
    /// 文化程度.
    pub education: String,
    /// 身份证号.
    pub id_number: String,
    /// 户籍社区 code.
    pub hukou_community: String,
    /// 居住社区 code.
    pub residence_community: String,
    /// 居民小组 name (in the residence community).
    pub resident_group: String,
    /// 被剥夺政治权利: 是/否.
    pub rights_removed: String,
    /// Party status: stored value or label.
    pub party_status: String,
    /// Party organisation: stored value or label.
    pub party_org: String,
    /// Name of the organisation.
    pub party_org_name: String,
    /// 入党日期.
    pub party_joined: String,
    /// 人大代表: 是/否.
    pub npc_deputy: String,
    /// 政协委员: 是/否.
    pub cppcc_member: String,
    /// 联系电话.
    pub phone: String,
    /// 户号 (household), for 户代表 voting.
    pub household_no: String,
}

/// A checked person, ready to store (community codes still to be resolved).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonDraft {
    /// 姓名.
    pub name: String,
    /// 男/女.
    pub gender: String,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// 民族.
    pub ethnicity: String,
    /// Education level (canonical label).
    pub education: Option<String>,
    /// Checked ID number.
    pub id_number: Option<String>,
    /// 户籍社区 code.
    pub hukou_community: Option<String>,
    /// 居住社区 code.
    pub residence_community: Option<String>,
    /// 居民小组 name.
    pub resident_group: Option<String>,
    /// Political rights removed.
    pub rights_removed: bool,
    /// Party status value.
    pub party_status: String,
    /// Party organisation value.
    pub party_org: Option<String>,
    /// Organisation name.
    pub party_org_name: Option<String>,
    /// Date joined.
    pub party_joined: Option<NaiveDate>,
    /// NPC deputy.
    pub npc_deputy: bool,
    /// CPPCC member.
    pub cppcc_member: bool,
    /// Phone.
    pub phone: Option<String>,
    /// Household number.
    pub household_no: Option<String>,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Parses a date in the forms people type: 2024-03-01, 2024/3/1, 2024.3.1, 20240301, 2024年3月1日.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s
        .trim()
        .replace(['年', '月', '/', '.'], "-")
        .replace('日', "");
    NaiveDate::parse_from_str(&t, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(&t, "%Y%m%d").ok())
}

/// Parses 是/否 (and true/false, 1/0, yes/no); empty is 否.
pub fn parse_yes_no(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "" | "否" | "无" | "false" | "0" | "no" | "off" => Some(false),
        "是" | "有" | "true" | "1" | "yes" | "on" => Some(true),
        _ => None,
    }
}

fn lookup(table: &[(&'static str, &'static str)], s: &str) -> Option<&'static str> {
    let t = s.trim();
    table
        .iter()
        .find(|(k, l)| *k == t || *l == t)
        .map(|(k, _)| *k)
}

/// Whether a phone number has a form in use: a mobile number (11 digits from 13…19), or a
/// landline with its area code (0 + 2–3 digits, then 7–8 digits, a "-" or space between
/// allowed) or without it (7–8 digits); an extension after "-" or "转" is allowed.
pub fn phone_ok(phone: &str) -> bool {
    let p: String = phone.chars().filter(|c| *c != ' ').collect();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let main = p.split(['转']).next().unwrap_or("");
    if digits(main) && main.len() == 11 && main.starts_with('1') {
        return matches!(main.as_bytes()[1], b'3'..=b'9');
    }
    let parts: Vec<&str> = main.split('-').collect();
    match parts.as_slice() {
        [local] if digits(local) && local.starts_with('0') => (10..=12).contains(&local.len()),
        [local] => digits(local) && (7..=8).contains(&local.len()),
        [area, local] | [area, local, _] => {
            digits(area)
                && area.starts_with('0')
                && (3..=4).contains(&area.len())
                && digits(local)
                && (7..=8).contains(&local.len())
                && parts.get(2).is_none_or(|x| digits(x) && x.len() <= 6)
        }
        _ => false,
    }
}

/// The longest text each free field of a person takes, in characters: (label, max). The forms
/// carry the same limits as `maxlength`.
pub const FIELD_MAX: [(&str, usize); 15] = [
    ("姓名", 30),
    ("性别", 2),
    ("出生日期", 20),
    ("民族", 10),
    ("文化程度", 20),
    ("身份证号", 20),
    ("户籍社区", 20),
    ("居住社区", 20),
    ("居民小组", 30),
    ("党员状态", 20),
    ("党组织关系", 20),
    ("党组织名称", 60),
    ("入党日期", 20),
    ("联系电话", 20),
    ("户号", 30),
];

/// The limit of one field by its label.
pub fn field_max(label: &str) -> usize {
    FIELD_MAX
        .iter()
        .find(|(l, _)| *l == label)
        .map(|(_, m)| *m)
        .unwrap_or(30)
}

impl RawPerson {
    /// Checks every field; returns all problems at once. Text longer than its field's limit
    /// is reported without being quoted, and the other fields are still checked.
    pub fn parse(&self) -> Result<PersonDraft, Vec<FieldError>> {
        let mut too_long = Vec::new();
        let mut rest = self.clone();
        for (label, v) in rest.texts_mut() {
            if v.trim().chars().count() > field_max(label) {
                too_long.push(FieldError {
                    field: label.into(),
                    message: format!("过长（最多 {} 字）", field_max(label)),
                });
                v.clear();
            }
        }
        if too_long.is_empty() {
            return self.parse_fields();
        }
        if let Err(more) = rest.parse_fields() {
            let said: Vec<String> = too_long.iter().map(|e| e.field.clone()).collect();
            too_long.extend(more.into_iter().filter(|e| !said.contains(&e.field)));
        }
        Err(too_long)
    }

    /// The free fields with their labels, to clear the ones that are too long.
    fn texts_mut(&mut self) -> [(&'static str, &mut String); 15] {
        [
            ("姓名", &mut self.name),
            ("性别", &mut self.gender),
            ("出生日期", &mut self.birth_date),
            ("民族", &mut self.ethnicity),
            ("文化程度", &mut self.education),
            ("身份证号", &mut self.id_number),
            ("户籍社区", &mut self.hukou_community),
            ("居住社区", &mut self.residence_community),
            ("居民小组", &mut self.resident_group),
            ("党员状态", &mut self.party_status),
            ("党组织关系", &mut self.party_org),
            ("党组织名称", &mut self.party_org_name),
            ("入党日期", &mut self.party_joined),
            ("联系电话", &mut self.phone),
            ("户号", &mut self.household_no),
        ]
    }

    /// Checks the fields once their lengths are known to be within limits.
    fn parse_fields(&self) -> Result<PersonDraft, Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut err = |field: &str, message: String| {
            errs.push(FieldError {
                field: field.into(),
                message,
            })
        };
        let name = self.name.trim().to_string();
        if name.is_empty() {
            err("姓名", "不能为空".into());
        }
        let id = match opt(&self.id_number) {
            None => None,
            Some(s) => match IdNumber::parse(&s) {
                Ok(id) => Some(id),
                Err(m) => {
                    err("身份证号", m);
                    None
                }
            },
        };
        let mut gender = self.gender.trim().to_string();
        if let Some(id) = &id {
            if gender.is_empty() {
                gender = id.gender().to_string();
            } else if gender != id.gender() {
                err(
                    "性别",
                    format!("与身份证号不符（身份证号为{}）", id.gender()),
                );
            }
        }
        if gender != "男" && gender != "女" {
            err("性别", "应为“男”或“女”".into());
        }
        let mut birth_date = None;
        if let Some(b) = opt(&self.birth_date) {
            match parse_date(&b) {
                Some(d) => birth_date = Some(d),
                None => err("出生日期", format!("“{b}”不是有效日期")),
            }
        }
        if let Some(id) = &id {
            match birth_date {
                None => birth_date = id.birth_date(),
                Some(d) if Some(d) != id.birth_date() => err("出生日期", "与身份证号不符".into()),
                Some(_) => {}
            }
        }
        let education = match opt(&self.education) {
            None => None,
            Some(e) => match education_rank(&e) {
                Some(r) => Some(EDUCATION[r].to_string()),
                None => {
                    err(
                        "文化程度",
                        format!("“{e}”不在 {} 之中", EDUCATION.join("、")),
                    );
                    None
                }
            },
        };
        let flag = |field: &str, v: &str, errs: &mut Vec<FieldError>| match parse_yes_no(v) {
            Some(b) => b,
            None => {
                errs.push(FieldError {
                    field: field.into(),
                    message: format!("应填“是”或“否”，实为“{v}”"),
                });
                false
            }
        };
        let party_status = match opt(&self.party_status) {
            None => "none",
            Some(s) => lookup(&PARTY_STATUS, &s).unwrap_or_else(|| {
                err("党员状态", format!("“{s}”无效"));
                "none"
            }),
        };
        let party_org = match opt(&self.party_org) {
            None => None,
            Some(s) => match lookup(&PARTY_ORG, &s) {
                Some(v) => Some(v.to_string()),
                None => {
                    err(
                        "党组织关系",
                        format!("“{s}”无效，应为本社区党组织或驻区单位党组织"),
                    );
                    None
                }
            },
        };
        let mut party_joined = None;
        if let Some(s) = opt(&self.party_joined) {
            match parse_date(&s) {
                Some(d) => party_joined = Some(d),
                None => err("入党日期", format!("“{s}”不是有效日期")),
            }
        }
        if let Some(p) = opt(&self.phone)
            && !phone_ok(&p)
        {
            err(
                "联系电话",
                format!("“{p}”不是有效的手机号（11 位，1 开头）或固定电话（如 0531-88886666）"),
            );
        }
        let rights_removed = flag("被剥夺政治权利", &self.rights_removed, &mut errs);
        let npc_deputy = flag("人大代表", &self.npc_deputy, &mut errs);
        let cppcc_member = flag("政协委员", &self.cppcc_member, &mut errs);
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(PersonDraft {
            name,
            gender,
            birth_date,
            ethnicity: opt(&self.ethnicity).unwrap_or_else(|| "汉族".into()),
            education,
            id_number: id.map(|i| i.as_str().to_string()),
            hukou_community: opt(&self.hukou_community),
            residence_community: opt(&self.residence_community),
            resident_group: opt(&self.resident_group),
            rights_removed,
            party_status: party_status.to_string(),
            party_org: if party_status == "none" {
                None
            } else {
                party_org
            },
            party_org_name: opt(&self.party_org_name),
            party_joined,
            npc_deputy,
            cppcc_member,
            phone: opt(&self.phone),
            household_no: opt(&self.household_no),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(name: &str, id: &str) -> RawPerson {
        RawPerson {
            name: name.into(),
            id_number: id.into(),
            ..Default::default()
        }
    }

    #[test]
    fn gender_and_birth_date_are_filled_from_the_id_number() {
        let d = raw("王芳", "11010519491231002X").parse().unwrap();
        assert_eq!(d.gender, "女");
        assert_eq!(d.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31));
    }

    #[test]
    fn phone_numbers_are_mobile_or_landline_forms() {
        for ok in [
            "13912345678",
            "139 1234 5678",
            "0531-88886666",
            "053188886666",
            "010-12345678",
            "88886666",
            "0531-88886666-123",
        ] {
            assert!(phone_ok(ok), "{ok}");
        }
        for bad in [
            "12345",
            "12912345678",
            "1391234567",
            "531-88886666",
            "0531--8888",
            "abc",
        ] {
            assert!(!phone_ok(bad), "{bad}");
        }
    }

    #[test]
    fn text_beyond_a_field_limit_is_refused_without_quoting_it() {
        let mut p = raw("张三", "");
        p.gender = "男".into();
        p.household_no = "1".repeat(31);
        p.phone = "13912345678".into();
        let errs = p.parse().unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].field, "户号");
        assert_eq!(errs[0].message, "过长（最多 30 字）");
        // The other fields are still checked in the same pass.
        p.phone = "12345".into();
        let errs = p.parse().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["户号", "联系电话"]);
        p.phone = "13912345678".into();
        p.household_no = "1".repeat(30);
        assert!(p.parse().is_ok(), "30 characters is the limit itself");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut r = raw("", "110105194912310021");
        r.education = "博士后".into();
        let errs = r.parse().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert!(
            fields.contains(&"姓名")
                && fields.contains(&"身份证号")
                && fields.contains(&"文化程度"),
            "{fields:?}"
        );
    }

    #[test]
    fn a_gender_contradicting_the_id_number_is_refused() {
        let mut r = raw("王芳", "11010519491231002X");
        r.gender = "男".into();
        assert_eq!(r.parse().unwrap_err()[0].field, "性别");
    }

    #[test]
    fn dates_are_read_in_the_usual_chinese_forms() {
        for s in [
            "2024-03-01",
            "2024/3/1",
            "2024.3.1",
            "20240301",
            "2024年3月1日",
        ] {
            assert_eq!(parse_date(s), NaiveDate::from_ymd_opt(2024, 3, 1), "{s}");
        }
    }
}
