//! The contract's endpoints.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Form, Json, Router};
use serde_json::{Value, json};

use crate::respond::{respond, start_response};
use crate::{ENVIRONMENTS, ReferenceServer, StoredConversation};

pub(crate) fn router(server: ReferenceServer) -> Router {
    Router::new()
        .route("/token", post(token))
        .route("/v1/bots/{bot}/environments", get(environments))
        .route("/v1/bots/{bot}/environments/{env}/state", get(state))
        .route(
            "/v1/bots/{bot}/environments/{env}/conversations/{conv}",
            put(create),
        )
        .route(
            "/v1/bots/{bot}/environments/{env}/conversations/{conv}/events",
            post(event),
        )
        .with_state(server)
}

type Answer = Result<Response, (StatusCode, Json<Value>)>;

fn reject((status, body): (StatusCode, Value)) -> (StatusCode, Json<Value>) {
    (status, Json(body))
}

fn not_found(what: &str) -> (StatusCode, Json<Value>) {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"message": format!("{what} not found")})),
    )
}

async fn token(
    State(server): State<ReferenceServer>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (status, body) = server.issue_token(&form);
    (status, Json(body)).into_response()
}

/// Checks the token, the bot and (when given) the environment; returns the bot's state.
fn bot(
    server: &ReferenceServer,
    headers: &HeaderMap,
    bot: &str,
    env: Option<&str>,
) -> Result<String, (StatusCode, Json<Value>)> {
    server.check_auth(headers).map_err(reject)?;
    let state = server
        .bots
        .get(bot)
        .cloned()
        .ok_or_else(|| not_found("bot"))?;
    if env.is_some_and(|e| !ENVIRONMENTS.contains(&e)) {
        return Err(not_found("environment"));
    }
    Ok(state)
}

async fn environments(
    State(server): State<ReferenceServer>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    bot(&server, &headers, &id, None)?;
    Ok(Json(json!(ENVIRONMENTS)).into_response())
}

async fn state(
    State(server): State<ReferenceServer>,
    headers: HeaderMap,
    Path((id, env)): Path<(String, String)>,
) -> Answer {
    let state = bot(&server, &headers, &id, Some(&env))?;
    Ok(Json(json!({"state": state, "version": "0.0.1"})).into_response())
}

async fn create(
    State(server): State<ReferenceServer>,
    headers: HeaderMap,
    Path((id, env, conv)): Path<(String, String, String)>,
    Json(body): Json<Value>,
) -> Answer {
    bot(&server, &headers, &id, Some(&env))?;
    let (Some(sdes), Some(context)) = (body.get("sdes"), body.get("context")) else {
        return Err((
            StatusCode::BAD_REQUEST,
            Json(json!({"message": "`sdes` and `context` are required"})),
        ));
    };
    let mut state = server.lock();
    if state.conversations.contains_key(&conv) {
        return Err((
            StatusCode::CONFLICT,
            Json(json!({"message": "conversation already exists"})),
        ));
    }
    state.conversations.insert(
        conv,
        StoredConversation {
            sdes: sdes.clone(),
            context: context.clone(),
            events: Vec::new(),
        },
    );
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn event(
    State(server): State<ReferenceServer>,
    headers: HeaderMap,
    Path((id, env, conv)): Path<(String, String, String)>,
    Json(body): Json<Value>,
) -> Answer {
    bot(&server, &headers, &id, Some(&env))?;
    let mut state = server.lock();
    let stored = state
        .conversations
        .get_mut(&conv)
        .ok_or_else(|| not_found("conversation"))?;
    stored.events.push(body.clone());
    let answer = match body.get("type").and_then(Value::as_str) {
        Some("TEXT") => respond(body["data"]["message"].as_str().unwrap_or_default()),
        Some("START") => start_response(body["context"]["lpEvent"]["lastConsumerMessage"].as_str()),
        Some("RICH_CONTENT") => {
            json!({"response": [{"type": "TEXT", "data": {"message": "Thanks for the rich content"}}], "analytics": {"intents": []}})
        }
        Some("hosted-file") => {
            json!({"response": [{"type": "TEXT", "data": {"message": "Thanks for the file"}}], "analytics": {"intents": []}})
        }
        Some("CLOSE_CONVERSATION") => json!({"response": [], "analytics": {"intents": []}}),
        other => {
            return Err((
                StatusCode::BAD_REQUEST,
                Json(json!({"message": format!("event type {other:?} is not supported")})),
            ));
        }
    };
    Ok(Json(answer).into_response())
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;
    use crate::EXAMPLE_BOTS;

    async fn call(server: &ReferenceServer, request: Request<Body>) -> (StatusCode, Value) {
        let response = server.router().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    fn authed(method: &str, uri: &str, body: Value) -> Request<Body> {
        Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", "Bearer reference-token-1")
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    }

    #[tokio::test]
    async fn contract_flow_with_auth_checks() {
        let server = ReferenceServer::new();
        let bot = EXAMPLE_BOTS[0].0;
        let state_uri = format!("/v1/bots/{bot}/environments/draft/state");
        let (status, _) = call(
            &server,
            Request::get(&state_uri).body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let token = Request::post("/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "grant_type=client_credentials&client_id={}&client_secret={}",
                crate::CLIENT_ID,
                crate::CLIENT_SECRET
            )))
            .unwrap();
        let (status, body) = call(&server, token).await;
        assert_eq!(
            (status, body["access_token"].as_str()),
            (StatusCode::OK, Some("reference-token-1"))
        );
        let (status, body) = call(&server, authed("GET", &state_uri, Value::Null)).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::OK,
                json!({"state": "online", "version": "0.0.1"})
            )
        );
        let (status, _) = call(
            &server,
            authed(
                "GET",
                &format!("/v1/bots/{}/environments/draft/state", EXAMPLE_BOTS[1].0),
                Value::Null,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = call(
            &server,
            authed(
                "GET",
                &format!("/v1/bots/{bot}/environments/qa/state"),
                Value::Null,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let events = format!("/v1/bots/{bot}/environments/draft/conversations/c1/events");
        let (status, _) = call(
            &server,
            authed(
                "POST",
                &events,
                json!({"type": "TEXT", "data": {"message": "hi"}}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let conv = format!("/v1/bots/{bot}/environments/draft/conversations/c1");
        let (status, _) = call(
            &server,
            authed(
                "PUT",
                &conv,
                json!({"sdes": {}, "context": {"type": "CHAT"}}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = call(
            &server,
            authed(
                "PUT",
                &conv,
                json!({"sdes": {}, "context": {"type": "CHAT"}}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, body) = call(
            &server,
            authed(
                "POST",
                &events,
                json!({"type": "TEXT", "source": "CONSUMER", "data": {"message": "transfer"}}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body["response"][1]["data"],
            json!({"name": "TRANSFER", "parameters": {"skillName": "transfer_skill"}})
        );
        let (status, _) = call(&server, authed("POST", &events, json!({"type": "AUDIO"}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(server.conversation("c1").map(|c| c.events.len()), Some(2));
    }

    #[test]
    fn start_echoes_the_last_consumer_message() {
        assert_eq!(
            start_response(Some("my order"))["response"][0]["data"]["message"],
            "You said before the transfer: my order"
        );
        assert_eq!(
            respond("URGENT")["response"][0]["data"]["parameters"]["ttrType"],
            "URGENT"
        );
    }
}
