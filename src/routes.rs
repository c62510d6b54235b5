//! Authorization in one place: the route table. Every route is listed with the access it
//! needs; the router is built from this table only, and the role-matrix test walks it.

use axum::Router;
use axum::http::Method;
use axum::routing::MethodRouter;

use crate::auth::Role;
use crate::state::AppState;

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not (login page, static files).
    Public,
    /// Any logged-in user (home, own password).
    Login,
    /// 街道工作组 only.
    Street,
    /// 街道工作组 only, and hidden: any other logged-in role is told the route does not exist
    /// (404, not 403), so that a street-only register (discipline reports) is not known to exist.
    StreetHidden,
    /// 街道工作组, and community staff for their own community (the `{code}` in the path, or
    /// the community of the resource, checked by the handler).
    Community,
    /// 计票人 of the vote's meeting only (ballot entry).
    Counter,
    /// 监票人 of the vote's meeting only (disputes).
    Scrutineer,
    /// 监票人 and 计票人 of the vote's meeting (sign-off; the chiefs are checked by the handler).
    CountingStaff,
    /// The vote's state: 街道工作组, the community's staff, and its 监票人 (the box check).
    VoteManage,
}

impl Access {
    /// The roles this access admits (before the community check).
    pub fn roles(self) -> &'static [Role] {
        match self {
            Access::Public | Access::Login => &Role::ALL,
            Access::Street | Access::StreetHidden => &[Role::Street],
            Access::Community => &[Role::Street, Role::Community],
            Access::Counter => &[Role::Counter],
            Access::Scrutineer => &[Role::Scrutineer],
            Access::CountingStaff => &[Role::Scrutineer, Role::Counter],
            Access::VoteManage => &[Role::Street, Role::Community, Role::Scrutineer],
        }
    }
}

/// One row of the route table.
pub struct RouteDef {
    /// HTTP method.
    pub method: Method,
    /// Path pattern, axum syntax (`/communities/{code}`).
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
    /// Creates a record: requires an idempotency key.
    pub creates: bool,
    /// The handler.
    pub handler: MethodRouter<AppState>,
}

impl RouteDef {
    /// True for `/api/…` routes (JSON errors, 401 instead of a login redirect).
    pub fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }
    /// True for routes that change state (and so need a CSRF token, except login).
    pub fn changes_state(&self) -> bool {
        !matches!(self.method, Method::GET | Method::HEAD)
    }
    /// True where the CSRF token is checked (every state change except logging in).
    pub fn needs_csrf(&self) -> bool {
        self.changes_state() && self.access != Access::Public
    }
}

/// Shorthand constructors used by the feature modules' tables.
pub fn get(path: &'static str, access: Access, handler: MethodRouter<AppState>) -> RouteDef {
    RouteDef {
        method: Method::GET,
        path,
        access,
        creates: false,
        handler,
    }
}
/// A state-changing POST.
pub fn post(path: &'static str, access: Access, handler: MethodRouter<AppState>) -> RouteDef {
    RouteDef {
        method: Method::POST,
        path,
        access,
        creates: false,
        handler,
    }
}
/// A POST that creates a record (idempotency key required).
pub fn create(path: &'static str, access: Access, handler: MethodRouter<AppState>) -> RouteDef {
    RouteDef {
        method: Method::POST,
        path,
        access,
        creates: true,
        handler,
    }
}
/// A PUT.
pub fn put(path: &'static str, access: Access, handler: MethodRouter<AppState>) -> RouteDef {
    RouteDef {
        method: Method::PUT,
        path,
        access,
        creates: false,
        handler,
    }
}
/// A DELETE.
pub fn delete(path: &'static str, access: Access, handler: MethodRouter<AppState>) -> RouteDef {
    RouteDef {
        method: Method::DELETE,
        path,
        access,
        creates: false,
        handler,
    }
}

/// The whole table, from every feature module.
pub fn table() -> Vec<RouteDef> {
    let mut t = Vec::new();
    t.extend(crate::auth::routes());
    t.extend(crate::home::routes());
    t.extend(crate::dashboard::routes());
    t.extend(crate::communities::routes());
    t.extend(crate::people::routes());
    t.extend(crate::campaigns::routes());
    t.extend(crate::campaign_dates::routes());
    t.extend(crate::steps::routes());
    t.extend(crate::street_steps::routes());
    t.extend(crate::discipline::routes());
    t.extend(crate::composition::routes());
    t.extend(crate::street::routes());
    t.extend(crate::plan::routes());
    t.extend(crate::users::routes());
    t.extend(crate::audit::routes());
    t.extend(crate::checks::routes());
    t.extend(crate::counting::routes());
    t.extend(crate::party::routes());
    t.extend(crate::residents::routes());
    t.extend(crate::wrapup::routes());
    t
}

/// The table as the `huanjie routes` command prints it: one JSON object a line, with the
/// method, the path pattern, the access (its variant name) and whether it is an API route, so
/// tools outside the crate (the browser walk) take their page list from the table itself.
pub fn listing() -> String {
    let mut out = String::new();
    for def in table() {
        let line = serde_json::json!({
            "method": def.method.as_str(),
            "path": def.path,
            "access": format!("{:?}", def.access),
            "api": def.is_api(),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

/// Builds the router from the table, each route behind the guard with its own row.
pub fn build(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    for def in table() {
        let meta = crate::guard::RouteMeta {
            access: def.access,
            api: def.is_api(),
            csrf: def.needs_csrf(),
            creates: def.creates,
            route: format!("{} {}", def.method, def.path),
            changes_state: def.changes_state(),
        };
        let layer = axum::middleware::from_fn_with_state(
            (state.clone(), std::sync::Arc::new(meta)),
            crate::guard::guard,
        );
        router = router.route(def.path, def.handler.route_layer(layer));
    }
    router
}
