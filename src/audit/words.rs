//! The audit log in words: actions, objects and fields as Chinese phrases, and a change as a
//! field-by-field difference, so that the audit page shows no internal code or raw JSON.

use serde_json::Value;

/// Actions as people read them (stored code, phrase).
pub const ACTIONS: [(&str, &str); 36] = [
    ("add", "添加"),
    ("adopt", "登记通过"),
    ("approved", "批准"),
    ("attach", "上传文件"),
    ("certify", "确认计票结果"),
    ("check", "核对规则"),
    ("check_in", "签到"),
    ("close", "办结"),
    ("close_polls", "结束投票"),
    ("create", "新增"),
    ("decide", "作出决定"),
    ("delete", "删除"),
    ("done", "完成步骤"),
    ("download", "下载"),
    ("enter", "录入选票"),
    ("handle", "登记办理情况"),
    ("inspect", "审查"),
    ("introduce", "登记介绍材料"),
    ("login", "登录"),
    ("logout", "退出登录"),
    ("nominate", "提名"),
    ("override", "经批准放宽"),
    ("publish", "公布"),
    ("regenerate", "重新生成"),
    ("reopen", "重新开启"),
    ("report", "报告"),
    ("review", "审查"),
    ("seats", "设定职数"),
    ("set", "设定"),
    ("set_password", "设置密码"),
    ("sign", "签署"),
    ("state", "改变状态"),
    ("submitted", "提交"),
    ("unlock", "解除登录锁定"),
    ("update", "修改"),
    ("withdraw", "撤回"),
];

/// Objects as people read them (stored code, phrase).
pub const ENTITIES: [(&str, &str); 49] = [
    ("ballot", "选票"),
    ("campaign", "换届工作"),
    ("campaign_step", "工作步骤"),
    ("commitment_text", "承诺书内容"),
    ("community", "社区"),
    ("discipline_commitment", "换届我承诺签订"),
    ("discipline_report", "违纪举报"),
    ("discipline_talk", "集体谈话"),
    ("incumbency", "任职经历"),
    ("meeting", "会议"),
    ("meeting_staff", "会议工作人员"),
    ("party_approval", "党组织书记审批"),
    ("party_congress", "党员大会"),
    ("party_introduction", "书面介绍材料"),
    ("party_list", "候选人名单"),
    ("party_list_entry", "候选人名单人选"),
    ("party_nomination", "党组织提名"),
    ("party_publicity", "公示"),
    ("party_recommend_meeting", "民主推荐会"),
    ("party_recommend_totals", "推荐票合计"),
    ("party_review", "资格审查"),
    ("party_roll", "应到会党员名册"),
    ("party_size", "党组织职数"),
    ("person", "人员"),
    ("relation", "亲属关系"),
    ("resident_election", "居委会选举大会"),
    ("resident_nominee", "居委会候选人提名"),
    ("resident_participation", "参加投票登记"),
    ("resident_result", "居委会选举结果"),
    ("resident_voter", "选民"),
    ("resident_voter_list", "选民名单"),
    ("residents_committee", "居民选举委员会"),
    ("residents_representative", "居民代表"),
    ("residents_rules", "选举办法"),
    ("residents_seats", "居委会职数"),
    ("rule_check", "规则核对"),
    ("street", "街道"),
    ("user", "账号"),
    ("vote", "投票"),
    ("wrapup_body", "下属组织"),
    ("wrapup_document", "自治章程、居民公约"),
    ("wrapup_duty", "成员分工"),
    ("wrapup_handover", "交接会"),
    ("wrapup_handover_item", "交接清单项目"),
    ("wrapup_plan", "工作计划"),
    ("wrapup_system", "会议制度"),
    ("wrapup_archive", "换届档案"),
    ("wrapup_inspection", "换届验收"),
    ("wrapup_summary", "换届工作总结"),
];

/// Field names the rule checks do not already name (stored key, name).
const FIELDS: &[(&str, &str)] = &[
    ("handover_on", "交接会日期"),
    ("handed_by", "交出方"),
    ("received_by", "接收方"),
    ("witnessed_by", "监交人"),
    ("quantity", "数量或说明"),
    ("handed", "交出方确认"),
    ("received", "接收方确认"),
    ("removed", "已移出"),
    ("names", "项目"),
    ("duty", "分工"),
    ("member_names", "成员"),
    ("head", "负责人"),
    ("plan", "工作计划"),
    ("adopted_on", "通过日期"),
    ("filename", "文件名"),
    ("bytes", "文件大小（字节）"),
    ("items", "清单项目数"),
    ("bodies", "组织数"),
    ("systems", "会议制度数"),
    ("received_on", "收到日期"),
    ("inspector", "验收人"),
    ("inspected_on", "验收日期"),
    ("verdict", "验收结论"),
    ("remarks", "验收意见"),
    ("inspection", "验收记录"),
    ("files", "文件数"),
    ("sha256", "校验值"),
    ("chars", "字数"),
    ("communities", "社区数"),
    ("campaign", "换届工作"),
    ("on", "日期"),
    ("reporter", "反映人"),
    ("summary", "反映内容"),
    ("outcome", "处理结果"),
    ("closed_on", "办结日期"),
    ("held_on", "谈话日期"),
    ("talked_by", "谈话人"),
    ("points", "谈话要点"),
    ("signed_on", "签订日期"),
    ("category", "问题类别"),
    ("handled_by", "承办人"),
    ("done_on", "办理日期"),
    ("abstain", "弃权"),
    ("at", "时间"),
    ("before", "原值"),
    ("box_check", "票箱核对"),
    ("by", "操作人"),
    ("chair_person_id", "主持人"),
    ("collected", "收回选票"),
    ("committee_member", "委员会成员"),
    ("counting", "计票"),
    ("eligible", "符合条件"),
    ("further_election_days", "另行选举期限（天）"),
    ("honour", "荣誉"),
    ("household_voter", "户代表"),
    ("invalid", "无效票"),
    ("kind", "类别"),
    ("leaders_vote_id", "书记、副书记选举"),
    ("majority", "当选票数规则"),
    ("majority_base", "当选票数基数"),
    ("members_reduced_agreed", "同意减少委员名额"),
    ("members_reduced_reason", "减少委员名额理由"),
    ("members_reduced_vote_id", "减少委员名额表决"),
    ("members_vote_id", "委员选举"),
    ("message", "说明"),
    ("met", "符合"),
    ("next_round", "下一轮"),
    ("numbers", "数据"),
    ("overvote", "多选处理"),
    ("party_congress_deputy", "党代表"),
    ("party_representative", "党员代表"),
    ("place", "地点"),
    ("presentation", "介绍"),
    ("proxy_limit", "委托投票上限"),
    ("quorum_rule", "到会人数规则"),
    ("registered_elsewhere", "已在他处登记"),
    ("representative", "代表"),
    ("resident_representative", "居民代表"),
    ("same_person_two_posts", "一人两职处理"),
    ("secretary_statement", "书记说明"),
    ("speech_given", "已作发言"),
    ("text", "内容"),
    ("threshold", "当选最低票数"),
    ("tie", "票数相等"),
    ("two_posts", "兼任两职"),
    ("uncontested_posts", "等额选举职位"),
    ("unfilled", "未选足名额"),
    ("unit_representative", "驻区单位代表"),
    ("void_parts", "无效部分"),
    ("vote_id", "投票"),
    ("voter_list_days", "选民名单公布提前天数"),
    ("write_in", "另选他人"),
    ("write_in_requires_against", "另选他人须划不赞成"),
    ("write_ins", "计入另选他人"),
    ("added", "增加"),
    ("added_reason", "增加理由"),
    ("address", "网络地址"),
    ("adopted", "通过"),
    ("alternates", "候补"),
    ("approvals", "批准"),
    ("audit_head", "审计链头"),
    ("backer_ids", "联名人"),
    ("ballots", "选票"),
    ("ballots_collected", "收回选票"),
    ("ballots_issued", "发出选票"),
    ("birth_date", "出生日期"),
    ("box", "票箱"),
    ("campaign_id", "换届工作"),
    ("capability", "职责"),
    ("certificate_no", "当选证书编号"),
    ("certified", "已确认"),
    ("chair", "主任"),
    ("changed_checks", "变动的规则核对"),
    ("check", "规则核对"),
    ("checks", "规则核对"),
    ("chief", "总监票人/总计票人"),
    ("closed_at", "结束时间"),
    ("closed_steps", "已完成步骤"),
    ("code", "代码"),
    ("community_id", "社区"),
    ("congress", "党员大会"),
    ("consent_date", "本人同意日期"),
    ("counted", "已计入"),
    ("cppcc_member", "政协委员"),
    ("created_at", "创建时间"),
    ("date", "日期"),
    ("date_reason", "日期理由"),
    ("decided", "已决定"),
    ("decision", "决定"),
    ("decision_reason", "决定理由"),
    ("disabled", "停用"),
    ("display_name", "显示名称"),
    ("done_at", "完成时间"),
    ("double_entry", "双人录入"),
    ("dropped", "删除"),
    ("elected", "当选"),
    ("election", "选举"),
    ("end_date", "结束日期"),
    ("ethnicity", "民族"),
    ("explanation", "说明"),
    ("filing_no", "备案编号"),
    ("fixed_on", "确定日期"),
    ("follows", "上一轮"),
    ("gender", "性别"),
    ("groups", "居民小组"),
    ("household_no", "户号"),
    ("households", "户数"),
    ("hukou_community", "户籍社区"),
    ("id", "编号"),
    ("id_number", "身份证号"),
    ("inspected", "已审查"),
    ("inspected_at", "审查时间"),
    ("inspection", "审查意见"),
    ("introduction", "介绍材料"),
    ("marks", "所画记号"),
    ("meeting", "会议"),
    ("meeting_date", "会议日期"),
    ("meeting_id", "会议"),
    ("mode", "选举方式"),
    ("moved", "调整"),
    ("name", "名称"),
    ("nominated_by", "提名方"),
    ("nomination", "提名"),
    ("npc_deputy", "人大代表"),
    ("official", "正式候选人"),
    ("org_type", "组织类型"),
    ("other", "对方"),
    ("override_", "放宽"),
    ("override_reason", "放宽理由"),
    ("p7_done", "已批准书记"),
    ("participants", "参加人数"),
    ("party_election_day", "党组织选举日"),
    ("party_joined", "入党日期"),
    ("party_org_name", "党组织名称"),
    ("party_status", "党员状态"),
    ("people", "人员"),
    ("per_post", "各职位"),
    ("person", "人员"),
    ("phone", "联系电话"),
    ("plan_steps", "工作方案步骤"),
    ("preset", "计票规则"),
    ("provisional", "暂定"),
    ("proxy", "委托投票"),
    ("publicity", "公示"),
    ("published_on", "公布日期"),
    ("reason", "理由"),
    ("rechecked", "复核"),
    ("reported_civil_affairs_on", "报区民政局日期"),
    ("reported_street_on", "报街道日期"),
    ("residence_community", "居住社区"),
    ("resident_group", "居民小组"),
    ("residents_election_day", "居委会选举日"),
    ("review", "审查"),
    ("review_id", "审查"),
    ("role", "职责"),
    ("roll", "名册"),
    ("round", "轮次"),
    ("settings", "设置"),
    ("size", "职数"),
    ("source", "依据"),
    ("staff", "工作人员"),
    ("start_date", "开始日期"),
    ("state", "状态"),
    ("statement", "说明"),
    ("status", "状态"),
    ("step", "步骤"),
    ("table_no", "计票组"),
    ("term", "届次"),
    ("title", "名称"),
    ("user_id", "账号"),
    ("username", "用户名"),
    ("valid", "有效"),
    ("valid_forms", "有效票"),
    ("void_reasons", "无效理由"),
    ("vote", "投票"),
    ("voter", "选民"),
    ("votes", "得票"),
    ("year", "年度"),
];

fn find<'a>(table: &[(&str, &'a str)], code: &str) -> Option<&'a str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// An action's phrase; an action without one reads 其他操作.
pub fn action_label(code: &str) -> &'static str {
    find(&ACTIONS, code).unwrap_or("其他操作")
}

/// An object's phrase; an object without one reads 记录.
pub fn entity_label(code: &str) -> &'static str {
    find(&ENTITIES, code).unwrap_or("记录")
}

/// A field's name; a field without one reads 其他; a key that is itself Chinese (a post's name
/// in a ballot's marks) reads as it is.
pub fn field_label(key: &str) -> String {
    if !key.is_ascii() {
        return key.to_string();
    }
    if let Some(l) = find(FIELDS, key) {
        return l.to_string();
    }
    match crate::domain::rules::number_label(key) {
        l if l != key => l.to_string(),
        _ => "其他".into(),
    }
}

/// Stored codes whose meaning depends on their field (field, code, phrase): the counting
/// settings, rounds, meeting kinds and outcomes that have no label of their own elsewhere.
const CODES: &[(&str, &str, &str)] = &[
    ("box_check", "issued", "收回票数不超过发出票数"),
    ("box_check", "voters", "收回票数不超过投票人数"),
    ("decision", "failed", "不通过"),
    ("decision", "passed", "通过"),
    ("kind", "party", "党员大会"),
    ("kind", "residents", "居民选举大会"),
    ("majority_base", "cast", "选票总数"),
    ("majority_base", "due", "应到会人数"),
    ("majority_base", "present", "参加投票人数"),
    ("overvote", "ballot", "整张选票无效"),
    ("overvote", "post", "仅该职位部分无效"),
    ("preset", "party", "党组织选举"),
    ("preset", "residents", "居委会选举"),
    ("round", "first", "第一轮投票"),
    ("round", "supplementary", "另行选举"),
    ("round", "tie_revote", "得票相等重新投票"),
    ("same_person_two_posts", "invalid", "该选票无效"),
    ("same_person_two_posts", "roll_down", "依次计入下一职位"),
    ("source", "none", "无"),
    ("source", "totals", "推荐票合计"),
    ("status", "elected", "当选"),
    ("status", "not_elected", "未当选"),
    ("status", "submitted", "已提交"),
    ("verdict", "failed", "验收不合格"),
    ("verdict", "passed", "验收合格"),
];

/// A stored code of field `key` in words: the field-specific phrases above, then the labels of
/// the domain's own enumerations; a code nobody names is shown as stored.
fn code_text(key: &str, code: &str) -> String {
    use crate::domain::residents::{NominationChannel, Review, VotingMode};
    use crate::domain::{counting::VoteState, party::ApprovalStatus, person};
    if let Some((_, _, l)) = CODES.iter().find(|(k, c, _)| *k == key && *c == code) {
        return (*l).to_string();
    }
    let pair = |t: &[(&str, &'static str)]| t.iter().find(|(c, _)| *c == code).map(|(_, l)| *l);
    let label = match key {
        "state" | "status" => VoteState::parse(code)
            .map(VoteState::label)
            .or_else(|| ApprovalStatus::parse(code).map(ApprovalStatus::label)),
        "party_status" => pair(&person::PARTY_STATUS),
        "party_org" => pair(&person::PARTY_ORG),
        "kind" => pair(&person::RELATIONS)
            .or_else(|| pair(&crate::street::publicity::KINDS))
            .or_else(|| pair(&crate::street::leading_group::liaison::LIAISON_KINDS)),
        "capability" => pair(&crate::users::CAPABILITIES),
        "role" => crate::auth::Role::parse(code)
            .map(crate::auth::Role::label)
            .or_else(|| pair(&crate::street::leading_group::ROLES))
            .or_else(|| pair(&crate::users::CAPABILITIES)),
        "mode" => VotingMode::parse(code).map(VotingMode::label),
        "channel" => NominationChannel::parse(code)
            .map(NominationChannel::label)
            .or_else(|| crate::domain::discipline::Channel::parse(code).map(|c| c.zh())),
        "category" => crate::domain::discipline::Category::parse(code).map(|c| c.zh()),
        "review" => Review::parse(code).map(Review::label),
        // A field moved or changed, named by its key.
        "moved" | "changed" => find(FIELDS, code),
        _ => None,
    };
    label.map_or_else(
        || crate::domain::rules::value_label(code).to_string(),
        str::to_string,
    )
}

/// A value in words: 是/否, 空, codes in Chinese, lists with "、", records as their fields.
pub fn value_text(v: &Value) -> String {
    keyed_text("", v)
}

/// A value of field `key` in words (the key decides what a code means).
fn keyed_text(key: &str, v: &Value) -> String {
    match v {
        Value::Null => "空".into(),
        Value::Bool(true) => "是".into(),
        Value::Bool(false) => "否".into(),
        Value::String(s) if s.is_empty() => "空".into(),
        // A moment, stored in UTC, reads in Beijing time like the rest of the page.
        Value::String(s) if s.len() > 19 && s.as_bytes()[10] == b'T' => {
            chrono::DateTime::parse_from_rfc3339(s).map_or_else(
                |_| code_text(key, s),
                |t| {
                    (t.with_timezone(&chrono::Utc) + chrono::Duration::hours(8))
                        .format("%Y-%m-%d %H:%M:%S")
                        .to_string()
                },
            )
        }
        Value::String(s) => code_text(key, s),
        Value::Number(n) => n.to_string(),
        Value::Array(a) if a.is_empty() => "无".into(),
        Value::Array(a) => a
            .iter()
            .map(|x| keyed_text(key, x))
            .collect::<Vec<_>>()
            .join("、"),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| format!("{} {}", field_label(k), keyed_text(k, v)))
            .collect::<Vec<_>>()
            .join("，"),
    }
}

/// One changed field: its name, the value before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// The field's name.
    pub field: String,
    /// Before (空 when new).
    pub before: String,
    /// After (空 when removed).
    pub after: String,
}

/// The difference of a change, field by field (only the fields that differ; a value that is not
/// a record is one field named 内容).
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    let parse = |t: Option<&str>| t.and_then(|t| serde_json::from_str::<Value>(t).ok());
    let (b, a) = (parse(before), parse(after));
    let as_map = |v: &Option<Value>| match v {
        Some(Value::Object(o)) => Some(o.clone()),
        None | Some(Value::Null) => Some(serde_json::Map::new()),
        _ => None,
    };
    match (as_map(&b), as_map(&a)) {
        (Some(bm), Some(am)) => {
            let mut keys: Vec<&String> = bm.keys().chain(am.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| bm.get(*k) != am.get(*k))
                .map(|k| FieldChange {
                    field: field_label(k),
                    before: bm.get(k).map_or_else(|| "空".into(), |v| keyed_text(k, v)),
                    after: am.get(k).map_or_else(|| "空".into(), |v| keyed_text(k, v)),
                })
                .collect()
        }
        _ => vec![FieldChange {
            field: "内容".into(),
            before: b.as_ref().map_or_else(|| "空".into(), value_text),
            after: a.as_ref().map_or_else(|| "空".into(), value_text),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_as_chinese_fields_with_before_and_after() {
        let c = changes(
            Some(r#"{"name":"张三","phone":"139","disabled":false,"id":7}"#),
            Some(r#"{"name":"张三","phone":"138","disabled":true,"id":7,"post":"director"}"#),
        );
        let words: Vec<String> = c
            .iter()
            .map(|f| format!("{}：{} → {}", f.field, f.before, f.after))
            .collect();
        assert_eq!(
            words,
            ["停用：否 → 是", "联系电话：139 → 138", "职务：空 → 主任"]
        );
        assert_eq!(action_label("withdraw"), "撤回");
        assert_eq!(entity_label("campaign_step"), "工作步骤");
        assert_eq!(action_label("no_such"), "其他操作");
        assert_eq!(field_label("no_such_key"), "其他");
    }

    #[test]
    fn every_phrase_is_chinese() {
        for (code, label) in ACTIONS.iter().chain(ENTITIES.iter()).chain(FIELDS.iter()) {
            assert!(!label.is_ascii(), "{code}: {label}");
        }
        for (key, code, label) in CODES {
            assert!(!label.is_ascii(), "{key} {code}: {label}");
        }
    }

    #[test]
    fn codes_read_by_their_field() {
        let c = changes(
            Some(r#"{"state":"voting","round":"first","capability":"chief_counter"}"#),
            Some(
                r#"{"state":"counting","round":"first","capability":"counter","status":"not_elected","done_at":"2027-04-01T16:30:00.5Z","marks":{"主任":{"for":["张三"]}}}"#,
            ),
        );
        let words: Vec<String> = c
            .iter()
            .map(|f| format!("{}：{} → {}", f.field, f.before, f.after))
            .collect();
        assert_eq!(
            words,
            [
                "职责：总计票人 → 计票人",
                "完成时间：空 → 2027-04-02 00:30:00",
                "所画记号：空 → 主任 赞成票 张三",
                "状态：投票中 → 计票中",
                "状态：空 → 未当选"
            ]
        );
    }
}
