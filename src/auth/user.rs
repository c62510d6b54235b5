//! Users, roles and the request context the guard hands to handlers.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Serialize;

use crate::communities::Community;
use crate::db::{Db, Q};
use crate::error::AppError;

/// The four roles of SPEC §1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 街道工作组.
    Street,
    /// 社区工作人员.
    Community,
    /// 监票人.
    Scrutineer,
    /// 计票人.
    Counter,
}

impl Role {
    /// All roles, for the role matrix and forms.
    pub const ALL: [Role; 4] = [
        Role::Street,
        Role::Community,
        Role::Scrutineer,
        Role::Counter,
    ];

    /// Parses the stored / command-line form.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "street" => Some(Role::Street),
            "community" => Some(Role::Community),
            "scrutineer" => Some(Role::Scrutineer),
            "counter" => Some(Role::Counter),
            _ => None,
        }
    }
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Street => "street",
            Role::Community => "community",
            Role::Scrutineer => "scrutineer",
            Role::Counter => "counter",
        }
    }
    /// The UI label.
    pub fn label(self) -> &'static str {
        match self {
            Role::Street => "街道工作组",
            Role::Community => "社区工作人员",
            Role::Scrutineer => "监票人",
            Role::Counter => "计票人",
        }
    }
}

/// A user row.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// argon2id hash (never serialised).
    #[serde(skip)]
    pub password_hash: String,
    /// Stored role.
    pub role: String,
    /// Bound community (community accounts).
    pub community_id: Option<i64>,
    /// Linked person, for the conflict rules.
    pub person_id: Option<i64>,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// Sessions carry the epoch they were opened in; a password change, a reset or disabling
    /// moves it on, which ends every older session.
    #[serde(skip)]
    pub session_epoch: i64,
}

/// The columns of [`User`], for every query that loads one.
pub const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, community_id, person_id, disabled, session_epoch";

impl User {
    /// The role (unknown stored roles are treated as the least privileged).
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Counter)
    }
    /// True for 街道工作组.
    pub fn is_street(&self) -> bool {
        self.role() == Role::Street
    }
    /// Whether the user may see the community with this id.
    pub fn sees_community(&self, community_id: i64) -> bool {
        self.is_street()
            || (self.role() == Role::Community && self.community_id == Some(community_id))
    }
    /// Name for display and the audit log.
    pub fn label(&self) -> String {
        if self.display_name.is_empty() {
            self.username.clone()
        } else {
            format!("{}（{}）", self.display_name, self.username)
        }
    }
    /// The audit actor.
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor {
            id: Some(self.id),
            name: self.username.clone(),
        }
    }
}

/// Loads a user by id.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<User>, AppError> {
    Q::new(format!("select {USER_COLUMNS} from users where id = $1"))
        .bind(id)
        .optional(db)
        .await
}

/// Loads a user by login name.
pub async fn by_name(db: &Db, name: &str) -> Result<Option<User>, AppError> {
    Q::new(format!(
        "select {USER_COLUMNS} from users where username = $1"
    ))
    .bind(name)
    .optional(db)
    .await
}

/// What the guard established about the request: who asks, and the community in the path.
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The logged-in user (always present on non-public routes).
    pub user: Option<User>,
    /// The community named by `{code}` in the path, already checked visible.
    pub community: Option<Community>,
    /// The session's CSRF token, for forms.
    pub csrf: String,
    /// True for `/api/…` requests.
    pub api: bool,
    /// The site's address as people open it (`http://host:port`), for links shown to be
    /// opened on another machine.
    pub origin: String,
}

impl Ctx {
    /// The logged-in user, or 401.
    pub fn user(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthorized)
    }
    /// The path's community, or 404.
    pub fn community(&self) -> Result<&Community, AppError> {
        self.community.as_ref().ok_or(AppError::NotFound)
    }
    /// The audit actor.
    pub fn actor(&self) -> crate::audit::Actor {
        self.user
            .as_ref()
            .map(User::actor)
            .unwrap_or_else(crate::audit::Actor::system)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::internal("route without guard"))
    }
}
