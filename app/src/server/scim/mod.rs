//! SCIM 2.0 provisioning (RFC 7643, RFC 7644) for identity providers: bearer tokens per
//! organisation, and the organisation's people as SCIM Users. A person created here is invited
//! as if an administrator had added them; `active: false` deactivates them.

pub mod groups;
pub mod tokens;
pub mod users;

use serde_json::{json, Value};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// A SCIM error (RFC 7644 §3.12): its HTTP status, `scimType` when one applies, and a detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    pub status: u16,
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

impl ScimError {
    pub fn new(status: u16, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    pub fn not_found(id: &str) -> Self {
        ScimError::new(404, None, format!("Resource {id} not found"))
    }

    pub fn invalid_value(detail: impl Into<String>) -> Self {
        ScimError::new(400, Some("invalidValue"), detail)
    }

    pub fn body(&self) -> Value {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.to_string(),
            "detail": self.detail,
        });
        if let Some(scim_type) = self.scim_type {
            body["scimType"] = json!(scim_type);
        }
        body
    }
}

impl From<sqlx::Error> for ScimError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "SCIM request failed");
        ScimError::new(500, None, "The service could not complete the request")
    }
}

impl From<crate::error::AppError> for ScimError {
    fn from(error: crate::error::AppError) -> Self {
        use crate::error::AppError;
        match error {
            AppError::NotFound => ScimError::new(404, None, "Resource not found"),
            AppError::Invalid(errors) => ScimError::invalid_value(
                errors
                    .iter()
                    .map(|e| e.message(crate::locales::Locale::En))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            AppError::Conflict(_) => ScimError::new(409, Some("uniqueness"), "Conflict"),
            AppError::Forbidden => ScimError::new(403, None, "Not allowed"),
            AppError::Unauthorized => ScimError::new(401, None, "Authorization failure"),
            other => {
                tracing::error!(error = %other, "SCIM request failed");
                ScimError::new(500, None, "The service could not complete the request")
            }
        }
    }
}

/// What the service supports (RFC 7643 §5).
pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": format!("{base}/"),
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": users::MAX_COUNT},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "A token an administrator creates in Settings › Provisioning",
            "primary": true
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")}
    })
}

/// The resource types served (RFC 7643 §6).
pub fn resource_types(base: &str) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": 2,
        "startIndex": 1,
        "itemsPerPage": 2,
        "Resources": [user_resource_type(base), group_resource_type(base)]
    })
}

pub fn group_resource_type(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "Group",
        "name": "Group",
        "endpoint": "/Groups",
        "description": "A service of the plan: its members have it",
        "schema": groups::GROUP_SCHEMA,
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/Group")}
    })
}

/// The attributes of a Group this service keeps.
pub fn group_schema(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": groups::GROUP_SCHEMA,
        "name": "Group",
        "description": "A service of the plan",
        "attributes": [
            {"name": "displayName", "type": "string", "multiValued": false, "required": true,
             "caseExact": false, "mutability": "readOnly", "returned": "default", "uniqueness": "server"},
            {"name": "members", "type": "complex", "multiValued": true, "required": false,
             "mutability": "readWrite", "returned": "default",
             "subAttributes": [
                {"name": "value", "type": "string", "multiValued": false, "required": false, "mutability": "immutable", "returned": "default"},
                {"name": "display", "type": "string", "multiValued": false, "required": false, "mutability": "readOnly", "returned": "default"}
             ]}
        ],
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{}", groups::GROUP_SCHEMA)}
    })
}

pub fn user_resource_type(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A person of the organisation",
        "schema": USER_SCHEMA,
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")}
    })
}

/// The attributes of a User this service keeps (RFC 7643 §7).
pub fn user_schema(base: &str) -> Value {
    let text = |name: &str, required: bool, uniqueness: &str| {
        json!({
            "name": name, "type": "string", "multiValued": false, "required": required,
            "caseExact": false, "mutability": "readWrite", "returned": "default",
            "uniqueness": uniqueness
        })
    };
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": USER_SCHEMA,
        "name": "User",
        "description": "A person of the organisation",
        "attributes": [
            text("userName", true, "server"),
            {
                "name": "name", "type": "complex", "multiValued": false, "required": false,
                "mutability": "readWrite", "returned": "default",
                "subAttributes": [text("givenName", false, "none"), text("familyName", false, "none"), text("formatted", false, "none")]
            },
            text("displayName", false, "none"),
            {
                "name": "emails", "type": "complex", "multiValued": true, "required": false,
                "mutability": "readWrite", "returned": "default",
                "subAttributes": [text("value", false, "none"), text("type", false, "none"),
                    {"name": "primary", "type": "boolean", "multiValued": false, "required": false, "mutability": "readWrite", "returned": "default"}]
            },
            {"name": "active", "type": "boolean", "multiValued": false, "required": false, "mutability": "readWrite", "returned": "default"},
            text("externalId", false, "none")
        ],
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{USER_SCHEMA}")}
    })
}

/// The schemas listed (RFC 7644 §4).
pub fn schemas(base: &str) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": 2,
        "startIndex": 1,
        "itemsPerPage": 2,
        "Resources": [user_schema(base), group_schema(base)]
    })
}
