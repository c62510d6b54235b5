//! The demo street's S-1 work: the leading group and its office, a liaison for each community,
//! the mobilisation meeting, publicity in every community, a training attended by the street's
//! and communities' accounts and by every 监票人/计票人 of the demo's meetings; then S-1.1 …
//! S-1.4 closed through [`street_steps::close`], so the street's steps show no false overdue
//! flags. Loading twice adds nothing.

use chrono::NaiveDate;

use crate::auth::Ctx;
use crate::db::Q;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::street::leading_group::{self, LiaisonInput, MemberInput};
use crate::street::mobilisation::{self, MeetingInput};
use crate::street::publicity::{self, RecordInput};
use crate::street::training::{self, AttendeeInput, TrainingInput};
use crate::street_steps;

/// The leading group: role, name, post, phone, duty.
const MEMBERS: [(&str, &str, &str, &str, &str); 9] = [
    (
        "leader",
        "王建国",
        "街道党工委书记",
        "13864100001",
        "全面负责换届选举工作",
    ),
    (
        "deputy",
        "李明",
        "街道党工委副书记、办事处主任",
        "13864100002",
        "负责居民委员会换届工作",
    ),
    (
        "deputy",
        "陈静",
        "街道党工委副书记",
        "13864100003",
        "负责社区党组织换届工作",
    ),
    (
        "member",
        "赵敏",
        "街道党工委委员、组织委员",
        "13864100004",
        "负责资格审查和考察",
    ),
    (
        "member",
        "刘洋",
        "街道办事处副主任",
        "13864100005",
        "负责选民登记和选举大会的组织",
    ),
    (
        "member",
        "黄磊",
        "街道纪工委书记",
        "13864100006",
        "负责换届纪律监督和来信来访",
    ),
    (
        "office_director",
        "孙丽",
        "街道党建工作办公室主任",
        "13864100007",
        "负责办公室日常工作",
    ),
    (
        "office_staff",
        "周强",
        "街道党建工作办公室干事",
        "13864100008",
        "负责材料汇总和档案整理",
    ),
    (
        "office_staff",
        "吴婷",
        "街道民政科科员",
        "13864100009",
        "负责居民委员会选举业务指导",
    ),
];

/// Fills S-1 for the demo street as `ctx` (a street account) and closes its steps; returns
/// what it did, one line (none when everything was there already).
pub async fn fill(state: &AppState, ctx: &Ctx, year: i32) -> AppResult<Vec<String>> {
    let date = |m: u32, d: u32| {
        NaiveDate::from_ymd_opt(year, m, d)
            .map(|d| d.to_string())
            .ok_or_else(|| AppError::internal("demo: a date out of range"))
    };
    let filled = Q::new("select count(*) from leading_group_members")
        .scalar(&state.db)
        .await?
        > 0;
    if !filled {
        for (i, (role, name, post, phone, duty)) in MEMBERS.iter().enumerate() {
            let input = MemberInput {
                role: (*role).into(),
                name: (*name).into(),
                post: (*post).into(),
                unit: "街道".into(),
                phone: (*phone).into(),
                duty: (*duty).into(),
                sort: Some(i as i64),
                ..MemberInput::default()
            };
            leading_group::add_member(state, ctx, &input).await?;
        }
        let members = leading_group::members(&state.db).await?;
        let cadres: Vec<_> = members
            .iter()
            .filter(|m| matches!(m.role.as_str(), "deputy" | "member"))
            .collect();
        let communities = crate::communities::visible(&state.db, ctx).await?;
        for (i, c) in communities.iter().enumerate() {
            let m = cadres[i % cadres.len()];
            let input = LiaisonInput {
                kind: "leader".into(),
                member_id: Some(m.id),
                ..LiaisonInput::default()
            };
            leading_group::set_liaison(state, ctx, c, &input).await?;
            for (kind, count, day, note) in [
                ("handbook", 200, 24, "入户发放"),
                ("leaflet", 600, 25, "发放到各居民小组"),
                ("qa", 300, 26, "街道工作问答"),
            ] {
                let input = RecordInput {
                    date: date(3, day)?,
                    kind: kind.into(),
                    count: Some(count),
                    note: note.into(),
                };
                publicity::add_record(state, ctx, c, &input).await?;
            }
        }
        let meeting = MeetingInput {
            date: date(3, 22)?,
            place: "街道办事处三楼会议室".into(),
            speakers: "王建国、李明".into(),
            attend_street: Some(18),
            attend_community: Some(24),
            attend_residents: Some(30),
            attend_party: Some(20),
            attend_other: Some(6),
            notes: "传达换届选举工作方案，部署选前准备各项工作。".into(),
        };
        mobilisation::add_meeting(state, ctx, &meeting).await?;
        let session = TrainingInput {
            date: date(3, 28)?,
            topic: "社区“两委”换届选举业务培训".into(),
            trainer: "孙丽".into(),
            place: "街道党群服务中心".into(),
        };
        let t = training::add_training(state, ctx, &session).await?;
        // The demo's accounts, by the names their people would sign with.
        for (username, name) in [
            ("jiedao", "街道工作组演示账号"),
            ("shequ", "社区工作人员演示账号"),
            ("jianpiao", "监票人演示账号"),
            ("jipiao", "计票人演示账号"),
        ] {
            let Some(u) = crate::auth::by_name(&state.db, username).await? else {
                continue;
            };
            let input = AttendeeInput {
                user_id: Some(u.id),
                name: name.into(),
                ..AttendeeInput::default()
            };
            training::add_attendee(state, ctx, t.id, &input).await?;
        }
        // Every 监票人 and 计票人 of the demo's meetings, once each.
        let staff: Vec<(String, Option<i64>, Option<i64>)> = Q::new(
            "select name, person_id, user_id from meeting_staff where role in ('scrutineer', 'counter') order by id",
        )
        .all(&state.db)
        .await?;
        let mut seen = std::collections::HashSet::new();
        for (name, person_id, user_id) in staff {
            if !seen.insert(name.clone()) {
                continue;
            }
            let input = AttendeeInput {
                name,
                person_id,
                user_id,
                unit: String::new(),
            };
            // A rehearsal's staff may sign in with a demo account already registered above.
            match training::add_attendee(state, ctx, t.id, &input).await {
                Ok(_) | Err(AppError::Validation(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    let y = street_steps::year(&state.db, state.today()).await?;
    let done = street_steps::done(&state.db, y).await?;
    let mut closed = Vec::new();
    for code in crate::street::S1 {
        if !done.contains_key(code) {
            closed.push(street_steps::close(state, ctx, code).await?.name);
        }
    }
    // A second load reports nothing, as it did nothing.
    Ok(if closed.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "街道：选前准备已登记，已完成 {}",
            closed.join("、")
        )]
    })
}
