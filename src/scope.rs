//! The campaign a route works on: one extractor for every `…/campaigns/{campaign}/…` handler,
//! page or API. It loads the campaign and its community, answers 404 when the caller may not
//! see it (another community's staff) or when the path's `{code}` is not the campaign's
//! community, and knows the step pages' and the API's base paths.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use crate::auth::Ctx;
use crate::campaigns::{self, Campaign};
use crate::communities::Community;
use crate::error::AppError;
use crate::state::AppState;

/// The campaign of the path and its community.
#[derive(Clone, Debug)]
pub struct CampaignScope {
    /// The campaign.
    pub campaign: Campaign,
    /// Its community.
    pub community: Community,
}

impl CampaignScope {
    /// A page of the campaign: `/communities/{code}/campaigns/{id}{tail}`.
    pub fn page(&self, tail: &str) -> String {
        format!(
            "/communities/{}/campaigns/{}{tail}",
            self.community.code, self.campaign.id
        )
    }

    /// An API path of the campaign: `/api/v1/campaigns/{id}{tail}`.
    pub fn api(&self, tail: &str) -> String {
        format!("/api/v1/campaigns/{}{tail}", self.campaign.id)
    }

    /// Loads the campaign `id` as `ctx` may see it (404 otherwise).
    pub async fn load(state: &AppState, ctx: &Ctx, id: i64) -> Result<CampaignScope, AppError> {
        let (campaign, community) = campaigns::load_visible(&state.db, ctx, id).await?;
        if ctx.community.as_ref().is_some_and(|p| p.id != community.id) {
            return Err(AppError::NotFound);
        }
        Ok(CampaignScope {
            campaign,
            community,
        })
    }
}

impl FromRequestParts<AppState> for CampaignScope {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let param = |name: &str| {
            params
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        let id: i64 = param("campaign")
            .and_then(|v| v.parse().ok())
            .ok_or(AppError::NotFound)?;
        let scope = CampaignScope::load(state, &ctx, id).await?;
        if param("code").is_some_and(|code| code != scope.community.code) {
            return Err(AppError::NotFound);
        }
        Ok(scope)
    }
}
