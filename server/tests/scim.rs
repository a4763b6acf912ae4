//! SCIM 2.0 through HTTP, as identity providers call it (RFC 7643, RFC 7644): bearer tokens per
//! organisation, discovery, Users created (and invited), found by filter, paged, patched the way
//! Microsoft Entra does, replaced, deleted; ETags; SCIM errors; and tokens' own management.

mod common;

use app::domain::Role;
use common::{refused, TestApp, PASSWORD};
use serde_json::{json, Value};

const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async fn token(app: &TestApp, admin: &reqwest::Client, name: &str) -> String {
    let answer = app
        .call_as(admin, "scim/create-token", &[("name", name)])
        .await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

struct Scim<'a> {
    app: &'a TestApp,
    token: String,
}

impl Scim<'_> {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut request = reqwest::Client::new()
            .request(method, self.app.url(&format!("/scim/v2{path}")))
            .bearer_auth(&self.token);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/scim+json")
                .body(body.to_string());
        }
        let answer = request.send().await.unwrap();
        let status = answer.status().as_u16();
        let headers = answer.headers().clone();
        let body = answer.json().await.unwrap_or(Value::Null);
        (status, headers, body)
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let (status, _, body) = self.send(reqwest::Method::GET, path, None, &[]).await;
        (status, body)
    }
}

fn ana() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "externalId": "00u1ana",
        "userName": "Ana@Acme.example",
        "name": {"givenName": "Ana", "familyName": "Li"},
        "displayName": "Ana Li",
        "emails": [{"value": "Ana@Acme.example", "type": "work", "primary": true}],
        "active": true
    })
}

#[tokio::test]
async fn an_identity_provider_creates_finds_changes_and_removes_people() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let scim = Scim {
        app: &app,
        token: token(&app, &admin, "Okta").await,
    };

    // Discovery.
    let (status, headers, config) = scim
        .send(reqwest::Method::GET, "/ServiceProviderConfig", None, &[])
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/scim+json");
    assert_eq!(config["patch"]["supported"], true);
    assert_eq!(config["etag"]["supported"], true);
    let (_, types) = scim.get("/ResourceTypes").await;
    assert_eq!(types["Resources"][0]["endpoint"], "/Users");
    let (_, schemas) = scim.get("/Schemas").await;
    assert_eq!(
        schemas["Resources"][0]["id"],
        "urn:ietf:params:scim:schemas:core:2.0:User"
    );

    // Created, and invited.
    let (status, headers, created) = scim
        .send(reqwest::Method::POST, "/Users", Some(ana()), &[])
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["userName"], "ana@acme.example");
    assert_eq!(created["name"]["familyName"], "Li");
    assert_eq!(created["externalId"], "00u1ana");
    assert_eq!(created["active"], true);
    assert_eq!(
        headers["location"].to_str().unwrap(),
        created["meta"]["location"].as_str().unwrap()
    );
    assert!(headers["location"]
        .to_str()
        .unwrap()
        .ends_with(&format!("/scim/v2/Users/{id}")));
    let etag = headers["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\""));
    let mail = app.wait_for_mail(2).await;
    assert!(
        mail.iter().any(|m| m.to == ["ana@acme.example"]),
        "Ana is invited"
    );

    let (status, _, again) = scim
        .send(reqwest::Method::POST, "/Users", Some(ana()), &[])
        .await;
    assert_eq!(status, 409);
    assert_eq!(again["scimType"], "uniqueness");
    assert_eq!(
        again["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:Error"
    );
    let (status, _, no_name) = scim
        .send(
            reqwest::Method::POST,
            "/Users",
            Some(json!({"displayName": "x"})),
            &[],
        )
        .await;
    assert_eq!(
        (status, no_name["scimType"].as_str()),
        (400, Some("invalidValue"))
    );

    // Found by the filters providers use, and paged.
    for filter in [
        "userName eq \"ANA@acme.example\"",
        "emails.value eq \"ana@acme.example\"",
        "externalId eq \"00u1ana\"",
    ] {
        let (status, found) = scim
            .get(&format!("/Users?filter={}", urlencode(filter)))
            .await;
        assert_eq!(status, 200);
        assert_eq!(found["totalResults"], 1, "{filter}");
        assert_eq!(found["Resources"][0]["id"], id.as_str());
    }
    let (_, none) = scim
        .get(&format!(
            "/Users?filter={}",
            urlencode("userName eq \"bo@acme.example\"")
        ))
        .await;
    assert_eq!(none["totalResults"], 0);
    let (status, bad) = scim
        .get(&format!("/Users?filter={}", urlencode("title sw \"x\"")))
        .await;
    assert_eq!(
        (status, bad["scimType"].as_str()),
        (400, Some("invalidFilter"))
    );
    let (_, page) = scim.get("/Users?startIndex=2&count=1").await;
    assert_eq!(page["totalResults"], 2, "the administrator and Ana");
    assert_eq!(page["startIndex"], 2);
    assert_eq!(page["itemsPerPage"], 1);
    assert_eq!(page["Resources"][0]["id"], id.as_str());

    // ETags: unchanged answers 304; a stale If-Match is refused.
    let (status, _, _) = scim
        .send(
            reqwest::Method::GET,
            &format!("/Users/{id}"),
            None,
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(status, 304);

    // Microsoft Entra deactivates with a string boolean and a capitalised op.
    let entra = json!({"schemas": [PATCH], "Operations": [
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Replace", "path": "name.givenName", "value": "Anna"}
    ]});
    let (status, headers, patched) = scim
        .send(
            reqwest::Method::PATCH,
            &format!("/Users/{id}"),
            Some(entra),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["active"], false);
    assert_eq!(patched["name"]["givenName"], "Anna");
    assert_ne!(headers["etag"].to_str().unwrap(), etag);
    let status_now: String =
        sqlx::query_scalar("SELECT status FROM users WHERE email = 'ana@acme.example'")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(status_now, "deactivated");
    let stale =
        json!({"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": true}}]});
    let (status, _, _) = scim
        .send(
            reqwest::Method::PATCH,
            &format!("/Users/{id}"),
            Some(stale.clone()),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(status, 412);
    // Okta reactivates with a value object and no path.
    let (status, _, back) = scim
        .send(
            reqwest::Method::PATCH,
            &format!("/Users/{id}"),
            Some(stale),
            &[],
        )
        .await;
    assert_eq!((status, back["active"].as_bool()), (200, Some(true)));

    // Replaced whole; the address cannot change.
    let mut whole = ana();
    whole["displayName"] = json!("Ana Li (Sales)");
    whole.as_object_mut().unwrap().remove("externalId");
    let (status, _, replaced) = scim
        .send(
            reqwest::Method::PUT,
            &format!("/Users/{id}"),
            Some(whole.clone()),
            &[],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(replaced["displayName"], "Ana Li (Sales)");
    assert!(
        replaced.get("externalId").is_none(),
        "what PUT leaves out is cleared"
    );
    whole["userName"] = json!("ana.li@acme.example");
    let (status, _, moved) = scim
        .send(
            reqwest::Method::PUT,
            &format!("/Users/{id}"),
            Some(whole),
            &[],
        )
        .await;
    assert_eq!(
        (status, moved["scimType"].as_str()),
        (400, Some("mutability"))
    );

    // Deleted: someone who never signed in is removed.
    let (status, _, _) = scim
        .send(reqwest::Method::DELETE, &format!("/Users/{id}"), None, &[])
        .await;
    assert_eq!(status, 204);
    let (status, gone) = scim.get(&format!("/Users/{id}")).await;
    assert_eq!((status, gone["status"].as_str()), (404, Some("404")));
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn tokens_belong_to_one_organisation_and_stop_when_revoked() {
    let app = common::spawn_app().await;
    let (org, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let (_, other) = app.admin_of("Globex", "admin@globex.example").await;
    let acme = Scim {
        app: &app,
        token: token(&app, &admin, "Entra").await,
    };
    let globex = Scim {
        app: &app,
        token: token(&app, &other, "Okta").await,
    };
    let (_, _, created) = acme
        .send(reqwest::Method::POST, "/Users", Some(ana()), &[])
        .await;
    let id = created["id"].as_str().unwrap().to_owned();

    // Globex's token sees only Globex.
    let (status, _) = globex.get(&format!("/Users/{id}")).await;
    assert_eq!(status, 404);
    let (_, listed) = globex.get("/Users").await;
    assert_eq!(listed["totalResults"], 1, "Globex's administrator only");
    let (status, _, _) = globex
        .send(reqwest::Method::DELETE, &format!("/Users/{id}"), None, &[])
        .await;
    assert_eq!(status, 404);

    // No token, a wrong one: 401 in SCIM's shape.
    let nobody = Scim {
        app: &app,
        token: "not-a-token".into(),
    };
    let (status, headers, body) = nobody.send(reqwest::Method::GET, "/Users", None, &[]).await;
    assert_eq!(status, 401);
    assert_eq!(headers["www-authenticate"], "Bearer");
    assert_eq!(body["status"], "401");

    // Listed without their text; revoked, they stop at once.
    let provisioning: app::api::scim::Provisioning = app
        .call_as(&admin, "scim/tokens", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(provisioning.base_url.ends_with("/scim/v2"));
    let tokens = provisioning.tokens;
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].name, "Entra");
    assert!(tokens[0].last_used_on.is_some());
    let stored: String =
        sqlx::query_scalar("SELECT token_hash FROM scim_tokens WHERE name = 'Entra'")
            .fetch_one(app.state.db.reader())
            .await
            .unwrap();
    assert!(!stored.contains(&acme.token));
    let revoked = app
        .call_as(
            &other,
            "scim/revoke-token",
            &[("id", &tokens[0].id.to_string())],
        )
        .await;
    assert_eq!(revoked.status(), 404, "another organisation's token");
    let revoked = app
        .call_as(
            &admin,
            "scim/revoke-token",
            &[("id", &tokens[0].id.to_string())],
        )
        .await;
    assert!(revoked.status().is_success());
    let (status, _) = acme.get("/Users").await;
    assert_eq!(status, 401);

    // Only full administrators make tokens, with a name.
    let unnamed = app
        .call_as(&admin, "scim/create-token", &[("name", " ")])
        .await;
    assert_eq!(
        refused(unnamed).await,
        [("name".into(), "ScimTokenName".into())]
    );
    app.add_active_user(org.org, "users@acme.example", Role::UserAdmin)
        .await;
    let (_, user_admin) = app.sign_in("users@acme.example", PASSWORD).await;
    let answer = app
        .call_as(&user_admin, "scim/create-token", &[("name", "Mine")])
        .await;
    assert_eq!(answer.status(), 403);
}

#[tokio::test]
async fn the_plans_services_are_groups_whose_members_have_them() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let scim = Scim {
        app: &app,
        token: token(&app, &admin, "Entra").await,
    };
    let (_, _, created) = scim
        .send(reqwest::Method::POST, "/Users", Some(ana()), &[])
        .await;
    let ana_id = created["id"].as_str().unwrap().to_owned();

    let (status, listed) = scim.get("/Groups").await;
    assert_eq!(status, 200);
    let names: Vec<&str> = listed["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Messaging", "Meetings", "Calling"]);
    let (_, calling) = scim
        .get(&format!(
            "/Groups?filter={}&excludedAttributes=members",
            urlencode("displayName eq \"calling\"")
        ))
        .await;
    assert_eq!(calling["totalResults"], 1);
    assert_eq!(calling["Resources"][0]["id"], "calling");
    assert!(calling["Resources"][0].get("members").is_none());

    // Adding Ana to Calling gives her calling, and her phone's activation code.
    let add = json!({"schemas": [PATCH], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": ana_id}]}
    ]});
    let (status, _, group) = scim
        .send(reqwest::Method::PATCH, "/Groups/calling", Some(add), &[])
        .await;
    assert_eq!(status, 200, "{group}");
    assert_eq!(group["members"][0]["value"], ana_id.as_str());
    let services: Vec<String> = sqlx::query_scalar(
        "SELECT s.service FROM user_services s JOIN users u ON u.id = s.user_id WHERE u.email = 'ana@acme.example'",
    )
    .fetch_all(app.state.db.reader())
    .await
    .unwrap();
    assert_eq!(services, ["calling"]);
    let codes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activation_codes")
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(codes, 1);

    // Entra removes a member by a path.
    let remove = json!({"schemas": [PATCH], "Operations": [
        {"op": "Remove", "path": format!("members[value eq \"{ana_id}\"]")}
    ]});
    let (status, _, group) = scim
        .send(reqwest::Method::PATCH, "/Groups/calling", Some(remove), &[])
        .await;
    assert_eq!(status, 200);
    assert_eq!(group["members"], json!([]));

    // Within the licences: eleven people for ten calling licences are refused whole.
    let mut everyone = vec![json!({"value": ana_id})];
    for i in 0..10 {
        let person = json!({"schemas": [], "userName": format!("p{i}@acme.example")});
        let (_, _, made) = scim
            .send(reqwest::Method::POST, "/Users", Some(person), &[])
            .await;
        everyone.push(json!({"value": made["id"]}));
    }
    let (status, _, refused) = scim
        .send(
            reqwest::Method::PUT,
            "/Groups/calling",
            Some(json!({"displayName": "Calling", "members": everyone})),
            &[],
        )
        .await;
    assert_eq!(
        (status, refused["scimType"].as_str()),
        (400, Some("invalidValue"))
    );
    let (_, group) = scim.get("/Groups/calling").await;
    assert_eq!(
        group["members"],
        json!([]),
        "nothing of a refused change is written"
    );

    // Another organisation's people cannot be members.
    let (_, other) = app.admin_of("Globex", "admin@globex.example").await;
    let globex = Scim {
        app: &app,
        token: token(&app, &other, "Okta").await,
    };
    let (_, _, cy) = globex
        .send(
            reqwest::Method::POST,
            "/Users",
            Some(json!({"userName": "cy@globex.example"})),
            &[],
        )
        .await;
    let stranger = json!({"schemas": [PATCH], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": cy["id"]}]}
    ]});
    let (status, _, _) = scim
        .send(
            reqwest::Method::PATCH,
            "/Groups/messaging",
            Some(stranger),
            &[],
        )
        .await;
    assert_eq!(status, 400);

    // The groups are the plan's: none made, none deleted.
    let (status, _, exists) = scim
        .send(
            reqwest::Method::POST,
            "/Groups",
            Some(json!({"displayName": "Calling"})),
            &[],
        )
        .await;
    assert_eq!(
        (status, exists["scimType"].as_str()),
        (409, Some("uniqueness"))
    );
    let (status, _, _) = scim
        .send(
            reqwest::Method::POST,
            "/Groups",
            Some(json!({"displayName": "Sales"})),
            &[],
        )
        .await;
    assert_eq!(status, 400);
    let (status, _, _) = scim
        .send(reqwest::Method::DELETE, "/Groups/calling", None, &[])
        .await;
    assert_eq!(status, 400);
    let (status, _) = scim.get("/Groups/sales").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn while_a_provider_is_on_people_added_by_hand_are_warned_about_or_refused() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let me = || async {
        app.call_as(&admin, "account/signed-in", &[])
            .await
            .json::<app::api::account::Me>()
            .await
            .unwrap()
    };
    let add = |text: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.call_as(&admin, "users/add", &[("text", text), ("submission", text)])
                .await
        }
    };
    assert!(!me().await.provisioned);
    let made = token(&app, &admin, "Okta").await;
    let me_now = me().await;
    assert!(
        me_now.provisioned && !me_now.hand_adds_refused,
        "warned about, by default"
    );
    assert_eq!(add("ana@acme.example").await.status(), 200);

    let wrong = app
        .call_as(&admin, "scim/directory-rule", &[("rule", "sometimes")])
        .await;
    assert_eq!(
        refused(wrong).await,
        [("rule".into(), "DirectoryRuleUnknown".into())]
    );
    let set = app
        .call_as(&admin, "scim/directory-rule", &[("rule", "refuse")])
        .await;
    assert!(set.status().is_success());
    assert!(me().await.hand_adds_refused);
    assert_eq!(
        refused(add("bo@acme.example").await).await,
        [("text".into(), "DirectoryRefusesHandAdds".into())]
    );
    let upload = admin
        .post(app.url("/api/imports/upload?name=people.csv"))
        .body("Email\r\ncy@acme.example\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 422);
    // The provider itself still adds people.
    let scim = Scim {
        app: &app,
        token: made,
    };
    let (status, _, _) = scim
        .send(
            reqwest::Method::POST,
            "/Users",
            Some(json!({"userName": "bo@acme.example"})),
            &[],
        )
        .await;
    assert_eq!(status, 201);

    // With no provider on, people are added by hand again.
    let tokens: app::api::scim::Provisioning = app
        .call_as(&admin, "scim/tokens", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(tokens.refuse_hand_adds);
    app.call_as(
        &admin,
        "scim/revoke-token",
        &[("id", &tokens.tokens[0].id.to_string())],
    )
    .await;
    assert!(!me().await.provisioned);
    assert_eq!(add("cy@acme.example").await.status(), 200);
}

/// The attributes Microsoft Entra's and Okta's default mappings send with every person: the
/// portal keeps the names, address and status, and accepts the rest without keeping them.
#[tokio::test]
async fn attributes_the_portal_does_not_keep_are_accepted_as_providers_send_them() {
    let app = common::spawn_app().await;
    let (_, admin) = app.admin_of("Acme", "admin@acme.example").await;
    let scim = Scim {
        app: &app,
        token: token(&app, &admin, "Entra").await,
    };
    let entra = json!({
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        ],
        "externalId": "9f1c",
        "userName": "bo@acme.example",
        "active": true,
        "displayName": "Bo Chen",
        "title": "Engineer",
        "preferredLanguage": "zh-CN",
        "name": {"formatted": "Bo Chen", "givenName": "Bo", "familyName": "Chen"},
        "emails": [{"primary": true, "type": "work", "value": "bo@acme.example"}],
        "phoneNumbers": [{"type": "work", "value": "+86 10 5555 0100"}],
        "addresses": [{"type": "work", "locality": "Beijing", "country": "CN"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "department": "R&D", "employeeNumber": "42"
        }
    });
    let (status, _, created) = scim
        .send(reqwest::Method::POST, "/Users", Some(entra), &[])
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["name"]["givenName"], "Bo");

    let patch = json!({
        "schemas": [PATCH],
        "Operations": [
            {"op": "Replace", "path": "title", "value": "Lead"},
            {"op": "Add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+86 139 0000 0000"},
            {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Ops"},
            {"op": "Replace", "path": "addresses[type eq \"work\"].locality", "value": "Shanghai"},
            {"op": "Replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName", "value": "Bob"},
            {"op": "Replace", "path": "name.middleName", "value": "W"}
        ]
    });
    let path = format!("/Users/{id}");
    let (status, _, patched) = scim
        .send(reqwest::Method::PATCH, &path, Some(patch), &[])
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["name"]["givenName"], "Bob");

    // A path that is no attribute at all is still refused, in SCIM's words.
    let nonsense = json!({
        "schemas": [PATCH],
        "Operations": [{"op": "replace", "path": "favouriteColour", "value": "teal"}]
    });
    let (status, _, error) = scim
        .send(reqwest::Method::PATCH, &path, Some(nonsense), &[])
        .await;
    assert_eq!(status, 400);
    assert_eq!(error["scimType"], "invalidPath");
}
