//! Handlers of the people screens and API.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::import::{self, RowError};
use super::importing::{Importer, Outcome};
use super::store::{
    self, Person, PersonRef, SELECT, in_community, insert_person, relations, resolve, update_person,
};
use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::communities::{self, Community, Group};
use crate::db::{Db, Q};
use crate::domain::person::{
    EDUCATION, PARTY_ORG, PARTY_STATUS, PersonDraft, RELATIONS, RawPerson,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{self, Layout};

/// Rows shown per list page.
const PAGE: i64 = 100;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<i64>,
}

async fn search(
    db: &Db,
    community: Option<&Community>,
    q: &ListQuery,
) -> AppResult<(Vec<Person>, i64)> {
    let pattern = format!("%{}%", q.q.trim());
    let offset = (q.page.unwrap_or(1).max(1) - 1) * PAGE;
    let scope = if community.is_some() {
        "(p.residence_community_id = $2 or p.hukou_community_id = $2)"
    } else {
        "$2 = $2"
    };
    let cid = community.map(|c| c.id).unwrap_or(0);
    let rows: Vec<Person> = Q::new(format!(
        "{SELECT} where p.name like $1 and {scope} order by p.id limit $3 offset $4"
    ))
    .bind(&pattern)
    .bind(cid)
    .bind(PAGE)
    .bind(offset)
    .all(db)
    .await?;
    let total = Q::new(format!(
        "select count(*) from people p where p.name like $1 and {scope}"
    ))
    .bind(&pattern)
    .bind(cid)
    .scalar(db)
    .await?;
    Ok((rows.iter().map(Person::masked).collect(), total))
}

#[derive(Template, WebTemplate)]
#[template(path = "people/list.html")]
pub struct ListPage {
    layout: Layout,
    community: Option<Community>,
    people: Vec<Person>,
    total: i64,
    /// The community's people, counted as the other pages count them.
    headcount: Option<super::Headcount>,
    q: String,
    page: i64,
    pages: i64,
    today: chrono::NaiveDate,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    community: Option<Community>,
    q: ListQuery,
) -> AppResult<ListPage> {
    let (people, total) = search(&state.db, community.as_ref(), &q).await?;
    let title = community
        .as_ref()
        .map(|c| format!("{} 人员", c.name))
        .unwrap_or_else(|| "全街道人员".into());
    let pages = ((total + PAGE - 1) / PAGE).max(1);
    let headcount = match &community {
        Some(c) => Some(super::Headcount::of(&state.db, c.id).await?),
        None => None,
    };
    Ok(ListPage {
        layout: Layout::new(ctx, session, title).await,
        community,
        people,
        total,
        headcount,
        q: q.q,
        page: q.page.unwrap_or(1).max(1),
        pages,
        today: state.today(),
    })
}

pub async fn street_list_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    list_page(&state, &ctx, &session, None, q).await
}

pub async fn list_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let c = ctx.community()?.clone();
    list_page(&state, &ctx, &session, Some(c), q).await
}

#[derive(Template, WebTemplate)]
#[template(path = "people/form.html")]
pub struct FormPage {
    layout: Layout,
    community: Community,
    raw: RawPerson,
    groups: Vec<Group>,
    education: [&'static str; 6],
    party_status: [(&'static str, &'static str); 5],
    party_org: [(&'static str, &'static str); 2],
}

fn raw_of(p: &Person) -> RawPerson {
    let yn = |b: bool| if b { "是" } else { "否" }.to_string();
    RawPerson {
        name: p.name.clone(),
        gender: p.gender.clone(),
        birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        ethnicity: p.ethnicity.clone(),
        education: p.education.clone().unwrap_or_default(),
        id_number: p.id_number.clone().unwrap_or_default(),
        hukou_community: p.hukou_community.clone().unwrap_or_default(),
        residence_community: p.residence_community.clone().unwrap_or_default(),
        resident_group: p.resident_group.clone().unwrap_or_default(),
        rights_removed: yn(p.rights_removed),
        party_status: p.party_status.clone(),
        party_org: p.party_org.clone().unwrap_or_default(),
        party_org_name: p.party_org_name.clone().unwrap_or_default(),
        party_joined: p.party_joined.map(|d| d.to_string()).unwrap_or_default(),
        npc_deputy: yn(p.npc_deputy),
        cppcc_member: yn(p.cppcc_member),
        phone: p.phone.clone().unwrap_or_default(),
        household_no: p.household_no.clone().unwrap_or_default(),
    }
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    person: Option<Person>,
) -> AppResult<FormPage> {
    let community = ctx.community()?.clone();
    let groups = communities::groups(&state.db, community.id).await?;
    let raw = person.as_ref().map(raw_of).unwrap_or_else(|| RawPerson {
        residence_community: community.code.clone(),
        hukou_community: community.code.clone(),
        ..Default::default()
    });
    let title = if person.is_some() {
        "编辑人员"
    } else {
        "新增人员"
    };
    Ok(FormPage {
        layout: Layout::new(ctx, session, title).await,
        community,
        raw,
        groups,
        education: EDUCATION,
        party_status: PARTY_STATUS,
        party_org: PARTY_ORG,
    })
}

pub async fn new_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<FormPage> {
    form_page(&state, &ctx, &session, None).await
}

/// Checks a raw person for saving through community `c`: fields, references, and that the
/// person lives or is registered in `c` (community staff cannot place people elsewhere).
async fn checked(
    state: &AppState,
    ctx: &Ctx,
    c: &Community,
    raw: &RawPerson,
) -> AppResult<(PersonDraft, store::Resolved)> {
    let mut raw = raw.clone();
    if raw.residence_community.trim().is_empty() && raw.hukou_community.trim().is_empty() {
        raw.residence_community = c.code.clone();
    }
    let draft = raw.parse().map_err(AppError::Validation)?;
    let resolved = resolve(&state.db, &draft)
        .await?
        .map_err(AppError::Validation)?;
    if !ctx.user()?.is_street() && resolved.residence != Some(c.id) && resolved.hukou != Some(c.id)
    {
        return Err(AppError::invalid(
            "居住社区",
            format!("人员须居住或户籍在{}", c.name),
        ));
    }
    Ok((draft, resolved))
}

async fn create_person(state: &AppState, ctx: &Ctx, raw: &RawPerson) -> AppResult<i64> {
    let c = ctx.community()?.clone();
    let (draft, resolved) = checked(state, ctx, &c, raw).await?;
    let mut tx = state.db.begin().await?;
    let id = insert_person(&mut tx, &ctx.actor(), &draft, &resolved).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn create_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(raw): Form<RawPerson>,
) -> AppResult<Response> {
    let code = ctx.community()?.code.clone();
    match create_person(&state, &ctx, &raw).await {
        Ok(id) => {
            web::flash(&session, "ok", format!("已添加 {}。", raw.name.trim())).await;
            Ok(web::see_other(&format!("/communities/{code}/people/{id}")))
        }
        Err(e @ AppError::Validation(_)) => {
            web::back_with_error(&session, &format!("/communities/{code}/people/new"), e).await
        }
        Err(e) => Err(e),
    }
}

#[derive(sqlx::FromRow, serde::Serialize, Clone, Debug)]
pub struct Incumbency {
    committee: String,
    post: String,
    term: String,
}

#[derive(sqlx::FromRow, serde::Serialize, Clone, Debug)]
pub struct Honour {
    name: String,
    level: String,
}

async fn details(db: &Db, id: i64) -> AppResult<(Vec<PersonRef>, Vec<Incumbency>, Vec<Honour>)> {
    let rel = relations(db, id).await?;
    let inc =
        Q::new("select committee, post, term from incumbencies where person_id = $1 order by id")
            .bind(id)
            .all(db)
            .await?;
    let hon = Q::new("select name, level from honours where person_id = $1 order by id")
        .bind(id)
        .all(db)
        .await?;
    Ok((rel, inc, hon))
}

#[derive(Template, WebTemplate)]
#[template(path = "people/show.html")]
pub struct ShowPage {
    layout: Layout,
    community: Community,
    p: Person,
    relations: Vec<PersonRef>,
    incumbencies: Vec<Incumbency>,
    honours: Vec<Honour>,
    relation_kinds: [(&'static str, &'static str); 4],
    raw: RawPerson,
    groups: Vec<Group>,
    education: [&'static str; 6],
    party_status: [(&'static str, &'static str); 5],
    party_org: [(&'static str, &'static str); 2],
    today: chrono::NaiveDate,
    /// The training sessions the person attended (S-1.4).
    trainings: Vec<crate::street::training::Training>,
}

pub async fn show_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<ShowPage> {
    let community = ctx.community()?.clone();
    let p = in_community(&state.db, &community, id).await?;
    let (relations, incumbencies, honours) = details(&state.db, id).await?;
    let f = form_page(&state, &ctx, &session, Some(p.clone())).await?;
    Ok(ShowPage {
        layout: f.layout,
        community,
        p,
        relations,
        incumbencies,
        honours,
        relation_kinds: RELATIONS,
        raw: f.raw,
        groups: f.groups,
        education: EDUCATION,
        party_status: PARTY_STATUS,
        party_org: PARTY_ORG,
        today: state.today(),
        trainings: crate::street::training::attended_by_person(&state.db, id).await?,
    })
}

async fn edit_person(state: &AppState, ctx: &Ctx, id: i64, raw: &RawPerson) -> AppResult<()> {
    let c = ctx.community()?.clone();
    let before = in_community(&state.db, &c, id).await?;
    let (draft, resolved) = checked(state, ctx, &c, raw).await?;
    let mut tx = state.db.begin().await?;
    update_person(&mut tx, &ctx.actor(), &before, &draft, &resolved).await?;
    tx.commit().await
}

pub async fn update_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((code, id)): Path<(String, i64)>,
    Form(raw): Form<RawPerson>,
) -> AppResult<Response> {
    let back = format!("/communities/{code}/people/{id}");
    match edit_person(&state, &ctx, id, &raw).await {
        Ok(()) => {
            web::flash(&session, "ok", "已保存。").await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, &back, e).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct RelationInput {
    #[serde(default)]
    other_id_number: String,
    #[serde(default)]
    other_id: Option<i64>,
    #[serde(default)]
    kind: String,
}

/// Adds a relation to another person the user may see: for community staff a person of their
/// own community, for the street anyone in the street. Anyone else is "not found", whether or
/// not the ID number exists elsewhere.
async fn add_relation(state: &AppState, ctx: &Ctx, id: i64, f: &RelationInput) -> AppResult<()> {
    let c = ctx.community()?.clone();
    in_community(&state.db, &c, id).await?;
    let street = ctx.user()?.is_street();
    // $2 is the community of the path; the street's staff are not bound to it.
    let fence = "and ($3 or residence_community_id = $2 or hukou_community_id = $2)";
    let other: Option<(i64,)> = match (f.other_id, f.other_id_number.trim()) {
        (Some(o), _) => {
            Q::new(format!("select id from people where id = $1 {fence}"))
                .bind(o)
                .bind(c.id)
                .bind(street)
                .optional(&state.db)
                .await?
        }
        (None, n) if !n.is_empty() => {
            Q::new(format!(
                "select id from people where id_number = $1 {fence}"
            ))
            .bind(n.to_uppercase())
            .bind(c.id)
            .bind(street)
            .optional(&state.db)
            .await?
        }
        _ => return Err(AppError::invalid("对方", "请填写对方的身份证号")),
    };
    let (other,) = other.ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    store::add_relation(&mut tx, &ctx.actor(), &c.scope(), id, other, f.kind.trim()).await?;
    tx.commit().await
}

/// Removes a relation of a person (both directions), audited in both people's chains.
async fn remove_relation(state: &AppState, ctx: &Ctx, id: i64, relation: i64) -> AppResult<()> {
    let c = ctx.community()?.clone();
    in_community(&state.db, &c, id).await?;
    let mut tx = state.db.begin().await?;
    store::remove_relation(&mut tx, &ctx.actor(), &c.scope(), id, relation).await?;
    tx.commit().await
}

pub async fn relation_delete_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((code, id, relation)): Path<(String, i64, i64)>,
) -> AppResult<Response> {
    remove_relation(&state, &ctx, id, relation).await?;
    web::flash(&session, "ok", "已删除关系。").await;
    Ok(web::see_other(&format!("/communities/{code}/people/{id}")))
}

pub async fn api_relation_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id, relation)): Path<(String, i64, i64)>,
) -> AppResult<Json<serde_json::Value>> {
    remove_relation(&state, &ctx, id, relation).await?;
    Ok(Json(
        json!({ "relations": relations(&state.db, id).await? }),
    ))
}

pub async fn relation_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<RelationInput>,
) -> AppResult<Response> {
    let back = format!("/communities/{code}/people/{id}");
    match add_relation(&state, &ctx, id, &f).await {
        Ok(()) => {
            web::flash(&session, "ok", "已添加关系。").await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, &back, e).await,
        Err(AppError::NotFound) => {
            let e = AppError::invalid(
                "对方",
                "未找到此人：只能与本社区登记的人员建立关系，其他社区的请由街道工作组登记",
            );
            web::back_with_error(&session, &back, e).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct IncumbencyInput {
    #[serde(default)]
    committee: String,
    #[serde(default)]
    post: String,
    #[serde(default)]
    term: String,
}

/// Posts of each committee.
const POSTS: [(&str, &[&str]); 2] = [
    ("party", &["书记", "副书记", "委员"]),
    ("residents", &["主任", "副主任", "委员"]),
];

async fn add_incumbency(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: &IncumbencyInput,
) -> AppResult<()> {
    let c = ctx.community()?.clone();
    in_community(&state.db, &c, id).await?;
    let posts = POSTS
        .iter()
        .find(|(k, _)| *k == f.committee)
        .map(|(_, p)| *p)
        .ok_or_else(|| AppError::invalid("班子", "应为党组织或居委会"))?;
    if !posts.contains(&f.post.as_str()) {
        return Err(AppError::invalid(
            "职务",
            format!("应为 {}", posts.join("、")),
        ));
    }
    let mut tx = state.db.begin().await?;
    Q::new("insert into incumbencies (person_id, committee, post, term, created_at) values ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(&f.committee)
        .bind(&f.post)
        .bind(f.term.trim())
        .bind(crate::now())
        .execute(&mut tx)
        .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: c.scope(),
            action: "create",
            entity: "incumbency",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!({"committee": f.committee, "post": f.post, "term": f.term})),
        },
    )
    .await?;
    tx.commit().await
}

pub async fn incumbency_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<IncumbencyInput>,
) -> AppResult<Response> {
    let back = format!("/communities/{code}/people/{id}");
    match add_incumbency(&state, &ctx, id, &f).await {
        Ok(()) => {
            web::flash(&session, "ok", "已记录现任职务。").await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, &back, e).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct HonourInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    level: String,
}

/// Honour levels, low to high.
const LEVELS: [&str; 4] = ["区级", "市级", "省级", "国家级"];

async fn add_honour(state: &AppState, ctx: &Ctx, id: i64, f: &HonourInput) -> AppResult<()> {
    let c = ctx.community()?.clone();
    in_community(&state.db, &c, id).await?;
    if f.name.trim().is_empty() {
        return Err(AppError::invalid("荣誉名称", "不能为空"));
    }
    if !LEVELS.contains(&f.level.as_str()) {
        return Err(AppError::invalid(
            "级别",
            format!("应为 {}", LEVELS.join("、")),
        ));
    }
    let mut tx = state.db.begin().await?;
    Q::new("insert into honours (person_id, name, level, created_at) values ($1, $2, $3, $4)")
        .bind(id)
        .bind(f.name.trim())
        .bind(&f.level)
        .bind(crate::now())
        .execute(&mut tx)
        .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: c.scope(),
            action: "create",
            entity: "honour",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!({"name": f.name.trim(), "level": f.level})),
        },
    )
    .await?;
    tx.commit().await
}

pub async fn honour_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<HonourInput>,
) -> AppResult<Response> {
    let back = format!("/communities/{code}/people/{id}");
    match add_honour(&state, &ctx, id, &f).await {
        Ok(()) => {
            web::flash(&session, "ok", "已记录荣誉。").await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, &back, e).await,
        Err(e) => Err(e),
    }
}

async fn upload(mut mp: Multipart) -> AppResult<(String, Vec<u8>)> {
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|_| AppError::bad_request("上传内容无法读取。"))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::bad_request("上传内容无法读取。"))?;
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(AppError::invalid("文件", "请选择要导入的文件"))
}

/// Runs an import of the uploaded file into the path's community (see [`Importer`]).
async fn run_import(
    state: &AppState,
    ctx: &Ctx,
    filename: String,
    bytes: Vec<u8>,
) -> AppResult<Outcome> {
    Importer {
        db: &state.db,
        actor: ctx.actor(),
        community: ctx.community()?,
        street: ctx.user()?.is_street(),
    }
    .run(filename, bytes)
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "people/import.html")]
pub struct ImportPage {
    layout: Layout,
    community: Community,
    errors: Vec<RowError>,
    idem: String,
}

pub async fn import_get(ctx: Ctx, session: Session) -> AppResult<ImportPage> {
    let community = ctx.community()?.clone();
    let layout = Layout::new(&ctx, &session, "导入人员").await;
    let idem = layout.idem();
    Ok(ImportPage {
        layout,
        community,
        errors: Vec::new(),
        idem,
    })
}

pub async fn import_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    mp: Multipart,
) -> AppResult<Response> {
    let community = ctx.community()?.clone();
    let (name, bytes) = upload(mp).await?;
    let outcome = match run_import(&state, &ctx, name, bytes).await {
        Ok(o) => o,
        Err(AppError::Validation(errs)) => Outcome::Refused(
            errs.into_iter()
                .map(|e| RowError {
                    row: 0,
                    column: e.field,
                    problem: e.message,
                })
                .collect(),
        ),
        Err(e) => return Err(e),
    };
    match outcome {
        Outcome::Imported(report) => {
            let n = report.count;
            web::flash(&session, "ok", format!("已导入 {n} 人。")).await;
            Ok(web::see_other(&format!(
                "/communities/{}/people",
                community.code
            )))
        }
        Outcome::Refused(errors) => {
            let layout = Layout::new(&ctx, &session, "导入人员").await;
            let idem = layout.idem();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                ImportPage {
                    layout,
                    community,
                    errors,
                    idem,
                },
            )
                .into_response())
        }
    }
}

fn download(bytes: Vec<u8>, content_type: &str, zh_name: &str, ascii_name: &str) -> Response {
    let encoded: String = form_urlencoded::byte_serialize(zh_name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let disposition = format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}");
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

pub async fn template_xlsx_get() -> AppResult<Response> {
    let bytes = import::template_xlsx().map_err(AppError::internal)?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "人员导入模板.xlsx",
        "people-template.xlsx",
    ))
}

pub async fn template_csv_get() -> Response {
    download(
        import::template_csv(),
        "text/csv; charset=utf-8",
        "人员导入模板.csv",
        "people-template.csv",
    )
}

pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<serde_json::Value>> {
    let c = ctx.community()?.clone();
    let (people, total) = search(&state.db, Some(&c), &q).await?;
    Ok(Json(
        json!({ "people": people, "total": total, "page": q.page.unwrap_or(1).max(1), "per_page": PAGE }),
    ))
}

pub async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(raw): Json<RawPerson>,
) -> AppResult<Response> {
    let id = create_person(&state, &ctx, &raw).await?;
    let c = ctx.community()?.clone();
    let p = in_community(&state.db, &c, id).await?;
    Ok((StatusCode::CREATED, Json(json!({ "person": p }))).into_response())
}

pub async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Json<serde_json::Value>> {
    let c = ctx.community()?.clone();
    let p = in_community(&state.db, &c, id).await?;
    let (relations, incumbencies, honours) = details(&state.db, id).await?;
    Ok(Json(
        json!({ "person": p, "relations": relations, "incumbencies": incumbencies, "honours": honours }),
    ))
}

pub async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    Json(raw): Json<RawPerson>,
) -> AppResult<Json<serde_json::Value>> {
    edit_person(&state, &ctx, id, &raw).await?;
    let c = ctx.community()?.clone();
    Ok(Json(
        json!({ "person": in_community(&state.db, &c, id).await? }),
    ))
}

pub async fn api_relation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    Json(f): Json<RelationInput>,
) -> AppResult<Response> {
    add_relation(&state, &ctx, id, &f).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "relations": relations(&state.db, id).await? })),
    )
        .into_response())
}

pub async fn api_import(
    State(state): State<AppState>,
    ctx: Ctx,
    mp: Multipart,
) -> AppResult<Response> {
    let (name, bytes) = upload(mp).await?;
    match run_import(&state, &ctx, name, bytes).await? {
        Outcome::Imported(report) => Ok((
            StatusCode::CREATED,
            Json(json!({ "imported": report.count })),
        )
            .into_response()),
        Outcome::Refused(errors) => {
            let body = json!({ "error": { "code": "import_rejected", "message": format!("导入未执行：{} 处错误，请修改后重新导入。", errors.len()), "rows": errors } });
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
    }
}

pub async fn api_incumbency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    Json(f): Json<IncumbencyInput>,
) -> AppResult<Response> {
    add_incumbency(&state, &ctx, id, &f).await?;
    let (_, incumbencies, _) = details(&state.db, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "incumbencies": incumbencies })),
    )
        .into_response())
}

pub async fn api_honour(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
    Json(f): Json<HonourInput>,
) -> AppResult<Response> {
    add_honour(&state, &ctx, id, &f).await?;
    let (_, _, honours) = details(&state.db, id).await?;
    Ok((StatusCode::CREATED, Json(json!({ "honours": honours }))).into_response())
}
