//! W-1's pages: the handover page (the ten-day rule with its numbers, the meeting's form, the
//! checklist by category with both sides' ticks, adding and removing items, the street's
//! override of a late meeting, and "完成交接") and the printable 交接清单 on the print layout.
//! Every form posts, then redirects back with a flash message.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use tower_sessions::Session;

use super::read::{self, Formation, Item, Meeting};
use super::write::{self, ItemInput, MeetingInput, OverrideInput, TickInput};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::checks::CheckView;
use crate::communities::Community;
use crate::domain::wrapup::{CATEGORIES, handover_deadline, month_day};
use crate::error::AppResult;
use crate::scope::CampaignScope;
use crate::state::AppState;
use crate::web::{Layout, finish};

/// The page's path under the campaign.
pub const PAGE: &str = "/wrapup/handover";

/// One category of the checklist with its items.
pub struct Group {
    /// 公章, 档案 …
    pub label: &'static str,
    /// Its items.
    pub items: Vec<Item>,
}

/// The checklist grouped by category, every category shown (empty ones too).
pub fn groups(items: &[Item]) -> Vec<Group> {
    CATEGORIES
        .iter()
        .map(|(code, label, _)| Group {
            label,
            items: items
                .iter()
                .filter(|i| i.category == *code)
                .cloned()
                .collect(),
        })
        .collect()
}

/// The W-1 page: the ten-day rule, the meeting, the checklist and closing.
#[derive(Template, WebTemplate)]
#[template(path = "wrapup/handover.html")]
pub struct HandoverPage {
    layout: Layout,
    c: Campaign,
    community: Community,
    base: String,
    formation: Formation,
    formed: String,
    deadline: String,
    meeting: Option<Meeting>,
    check: Option<CheckView>,
    groups: Vec<Group>,
    count: usize,
    blockers: Vec<String>,
    closed: bool,
    street: bool,
    today: String,
    categories: Vec<&'static str>,
}

/// `GET …/wrapup/handover`.
pub async fn page_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<HandoverPage> {
    let CampaignScope {
        campaign: c,
        community,
    } = scope;
    let db = &state.db;
    let formation = read::formation(db, c.id).await?;
    let items = read::items(db, c.id).await?;
    let progress = crate::steps::Progress::load(db, c.id).await?;
    Ok(HandoverPage {
        layout: Layout::new(&ctx, &session, format!("{} 新老班子交接", community.name))
            .await
            .for_step(db, &c, "W-1")
            .await?,
        base: format!("/communities/{}/campaigns/{}", community.code, c.id),
        formed: formation.on().map(month_day).unwrap_or_default(),
        deadline: formation
            .on()
            .map(|f| handover_deadline(f).to_string())
            .unwrap_or_default(),
        formation,
        meeting: read::meeting(db, c.id).await?,
        check: read::check(db, c.id).await?,
        count: items.len(),
        groups: groups(&items),
        blockers: read::blockers(db, c.id).await?,
        closed: progress.closed("W-1"),
        street: ctx.user()?.is_street(),
        today: state.today().to_string(),
        categories: CATEGORIES.iter().map(|(_, l, _)| *l).collect(),
        c,
        community,
    })
}

/// `POST …/wrapup/handover/meeting`.
pub async fn meeting_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<MeetingInput>,
) -> AppResult<Response> {
    let r = write::set_meeting(&state, &ctx, &scope.campaign, &scope.community, &f).await;
    finish(&session, &scope.page(PAGE), r, |m| match m.check {
        Some(k) if !k.passed => format!("已登记交接会。{}。", k.message),
        _ => format!("已登记 {} 的交接会。", m.meeting.held_on),
    })
    .await
}

/// `POST …/wrapup/handover/items` (create).
pub async fn item_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<ItemInput>,
) -> AppResult<Response> {
    let r = write::add_item(&state, &ctx, &scope.campaign, &scope.community, &f).await;
    finish(&session, &scope.page(PAGE), r, |i| {
        format!("已将“{}”列入交接清单。", i.name)
    })
    .await
}

/// `POST …/wrapup/handover/items/defaults` (create).
pub async fn defaults_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let r = write::add_defaults(&state, &ctx, &scope.campaign, &scope.community).await;
    finish(&session, &scope.page(PAGE), r, |n| {
        format!("已列入常用交接项目 {n} 项。")
    })
    .await
}

/// The checklist form's fields as ticks: `item` names each row's id, `q_{id}` its quantity,
/// `h_{id}` and `r_{id}` are present when ticked.
pub fn ticks_of(fields: &[(String, String)]) -> Vec<TickInput> {
    let get = |k: String| fields.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
    fields
        .iter()
        .filter(|(k, _)| k == "item")
        .filter_map(|(_, v)| v.trim().parse::<i64>().ok())
        .map(|id| TickInput {
            id,
            quantity: get(format!("q_{id}")).unwrap_or_default(),
            handed: get(format!("h_{id}")).is_some(),
            received: get(format!("r_{id}")).is_some(),
        })
        .collect()
}

/// `POST …/wrapup/handover/ticks`.
pub async fn ticks_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let list = ticks_of(&fields);
    let r = write::save_ticks(&state, &ctx, &scope.campaign, &scope.community, &list).await;
    finish(&session, &scope.page(PAGE), r, |n| {
        format!("已保存交接清单（{n} 项有变动）。")
    })
    .await
}

/// `POST …/wrapup/handover/items/{item}/delete`.
pub async fn remove_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Path((_, _, id)): Path<(String, i64, i64)>,
) -> AppResult<Response> {
    let r = write::remove_item(&state, &ctx, &scope.campaign, &scope.community, id).await;
    finish(&session, &scope.page(PAGE), r, |i| {
        format!("已将“{}”移出交接清单。", i.name)
    })
    .await
}

/// `POST …/wrapup/handover/override` (street).
pub async fn override_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
    Form(f): Form<OverrideInput>,
) -> AppResult<Response> {
    let r = write::override_late(&state, &ctx, &scope.campaign, &f).await;
    finish(&session, &scope.page(PAGE), r, |_| {
        "已批准交接会日期放宽。".to_owned()
    })
    .await
}

/// `POST …/wrapup/handover/close`.
pub async fn close_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    scope: CampaignScope,
) -> AppResult<Response> {
    let r = write::close(&state, &ctx, &scope.campaign, &scope.community).await;
    finish(&session, &scope.page(PAGE), r, |_| {
        "新老班子交接（W-1）已完成，交接清单不能再修改。".to_owned()
    })
    .await
}

/// One line of the printed list: the category's label, the running number and the item.
pub struct Line {
    /// 公章, 档案 …
    pub label: &'static str,
    /// 1, 2, 3 … over the whole list.
    pub no: usize,
    /// The item.
    pub item: Item,
}

/// The printable 交接清单 (print layout, one A4 page).
#[derive(Template, WebTemplate)]
#[template(path = "wrapup/handover_print.html")]
pub struct HandoverDoc {
    title: String,
    community: String,
    term: String,
    held_on: String,
    meeting: Option<Meeting>,
    lines: Vec<Line>,
}

/// `GET …/wrapup/handover/print`: the 交接清单 with both tick columns and the signature lines.
pub async fn print_get(
    State(state): State<AppState>,
    scope: CampaignScope,
) -> AppResult<HandoverDoc> {
    let c = &scope.campaign;
    let meeting = read::meeting(&state.db, c.id).await?;
    let items = read::items(&state.db, c.id).await?;
    Ok(HandoverDoc {
        title: format!("{}新老班子交接清单", scope.community.name),
        community: scope.community.name.clone(),
        term: c.term.clone(),
        held_on: meeting
            .as_ref()
            .map(|m| m.held_on.format("%Y 年 %-m 月 %-d 日").to_string())
            .unwrap_or_else(|| "______年____月____日".to_owned()),
        meeting,
        lines: groups(&items)
            .into_iter()
            .flat_map(|g| g.items.into_iter().map(move |item| (g.label, item)))
            .enumerate()
            .map(|(i, (label, item))| Line {
                label,
                no: i + 1,
                item,
            })
            .collect(),
    })
}
