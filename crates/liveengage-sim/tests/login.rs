//! CSDS, Login Service (three login forms, OAuth 1.0 header), refresh,
//! logout and bearer expiry, over real HTTP.

mod common;

use std::time::Duration;

use common::{Agent, Ended};
use liveengage_proto::csds::CsdsResponse;
use liveengage_proto::login::LoginResponse;
use liveengage_sim::client::{HttpReply, http};
use liveengage_sim::oauth::{Credentials, sign};
use liveengage_sim::{Sim, SimHandle};
use serde_json::json;

async fn post(sim: &SimHandle, path: &str, headers: &[(&str, &str)], body: &str) -> HttpReply {
    http(
        "POST",
        &format!("{}{path}", sim.base_url()),
        headers,
        Some(body),
    )
    .await
    .unwrap()
}

async fn login(sim: &SimHandle, body: serde_json::Value) -> HttpReply {
    post(
        sim,
        "/api/account/12345678/login?v=1.3",
        &[],
        &body.to_string(),
    )
    .await
}

fn session_cookie(reply: &HttpReply) -> String {
    let set = reply.header("set-cookie").expect("Set-Cookie");
    set.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn csds_answers_in_every_documented_form_pointing_at_itself() {
    let sim = Sim::builder().start().await.unwrap();
    for form in ["api", "csdr"] {
        let reply = http(
            "GET",
            &format!(
                "{}/{form}/account/12345678/service/baseURI.json?version=1.0",
                sim.base_url()
            ),
            &[],
            None,
        )
        .await
        .unwrap();
        assert_eq!(reply.status, 200);
        let csds: CsdsResponse = serde_json::from_str(&reply.body).unwrap();
        for service in ["agentVep", "asyncMessagingEnt", "facadeMsg", "idp"] {
            assert_eq!(csds.find(service), Some(sim.host()), "{form} {service}");
        }
        let one = http(
            "GET",
            &format!(
                "{}/{form}/account/12345678/service/agentVep/baseURI.json?version=1.0",
                sim.base_url()
            ),
            &[],
            None,
        )
        .await
        .unwrap();
        assert_eq!(
            one.json(),
            json!({"account":"12345678","baseURI": sim.host(),"service":"agentVep"})
        );
    }
    let unknown = http(
        "GET",
        &format!(
            "{}/api/account/12345678/service/AgentVep/baseURI.json",
            sim.base_url()
        ),
        &[],
        None,
    )
    .await
    .unwrap();
    assert_eq!(unknown.status, 400, "service names are case-sensitive");
}

#[tokio::test]
async fn user_password_login_refresh_and_logout() {
    let sim = Sim::builder().start().await.unwrap();
    let reply = login(&sim, json!({"username":"echo-bot","password":"secret"})).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer: LoginResponse = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(answer.config.user_id, "1234567890");
    assert_eq!(
        answer.config.user_pid.as_deref(),
        Some("a1b2c3d4-0000-4000-8000-00000000b07a")
    );
    assert_eq!(
        answer.csds_collection_response.unwrap().find("agentVep"),
        Some(sim.host())
    );
    let cookie = session_cookie(&reply);
    assert!(cookie.starts_with("Session_id="));
    let csrf = answer.csrf.unwrap();

    // The bearer opens the agent socket.
    let mut bot = Agent::connect_with(&sim, "echo-bot", answer.bearer.expose()).await;
    assert_eq!(bot.request(".GetClock", json!({})).await.code, 200);

    let body = json!({"csrf": csrf.expose()}).to_string();
    let ok = post(
        &sim,
        "/api/account/12345678/refresh?v=1.3",
        &[("Cookie", &cookie)],
        &body,
    )
    .await;
    assert_eq!(ok.status, 200);
    let bad = post(
        &sim,
        "/api/account/12345678/refresh?v=1.3",
        &[("Cookie", &cookie)],
        r#"{"csrf":"nope"}"#,
    )
    .await;
    assert_eq!(bad.status, 401);
    assert_eq!(bad.json()["error"]["internalCode"], 10);
    assert_eq!(bad.json()["error"]["responseStatus"], "UNAUTHORIZED");
    let no_cookie = post(&sim, "/api/account/12345678/refresh", &[], &body).await;
    assert_eq!(no_cookie.status, 401);

    let out = post(
        &sim,
        "/api/account/12345678/logout",
        &[("Cookie", &cookie)],
        &body,
    )
    .await;
    assert_eq!(out.status, 200);
    let after = post(
        &sim,
        "/api/account/12345678/refresh",
        &[("Cookie", &cookie)],
        &body,
    )
    .await;
    assert_eq!(after.status, 401);
    let refused = tokio_tungstenite::connect_async(sim.agent_ws_url(answer.bearer.expose())).await;
    assert!(refused.is_err(), "a logged-out bearer cannot open a socket");

    let wrong = login(&sim, json!({"username":"echo-bot","password":"nope"})).await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.json()["error"]["message"].is_string());
}

#[tokio::test]
async fn api_key_login_as_json_fields_and_as_signed_oauth_header() {
    let sim = Sim::builder().start().await.unwrap();
    let ok = login(
        &sim,
        json!({"username":"echo-bot","appKey":"bot-app-key","secret":"bot-app-secret","accessToken":"bot-access-token","accessTokenSecret":"bot-token-secret"}),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let wrong = login(
        &sim,
        json!({"username":"echo-bot","appKey":"bot-app-key","secret":"bad","accessToken":"bot-access-token","accessTokenSecret":"bot-token-secret"}),
    )
    .await;
    assert_eq!(wrong.status, 401);

    let creds = Credentials {
        consumer_key: "bot-app-key",
        consumer_secret: "bot-app-secret",
        token: "bot-access-token",
        token_secret: "bot-token-secret",
    };
    let url = format!("{}/api/account/12345678/login", sim.base_url());
    let header = sign(
        "POST",
        &url,
        &[("v".into(), "1.3".into())],
        &creds,
        "nonce-1",
        1_700_000_000,
    );
    let signed = post(
        &sim,
        "/api/account/12345678/login?v=1.3",
        &[("Authorization", &header)],
        "",
    )
    .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert_eq!(signed.json()["config"]["loginName"], "echo-bot");

    // A signature over other parameters does not verify.
    let tampered = sign(
        "POST",
        &url,
        &[("v".into(), "1.2".into())],
        &creds,
        "nonce-2",
        1_700_000_000,
    );
    let refused = post(
        &sim,
        "/api/account/12345678/login?v=1.3",
        &[("Authorization", &tampered)],
        "",
    )
    .await;
    assert_eq!(refused.status, 401);
    let other_secret = Credentials {
        consumer_secret: "guess",
        ..creds
    };
    let forged = sign(
        "POST",
        &url,
        &[("v".into(), "1.3".into())],
        &other_secret,
        "nonce-3",
        1_700_000_000,
    );
    let refused = post(
        &sim,
        "/api/account/12345678/login?v=1.3",
        &[("Authorization", &forged)],
        "",
    )
    .await;
    assert_eq!(refused.status, 401);
}

#[tokio::test]
async fn bearer_tokens_expire_after_the_configured_time() {
    let sim = Sim::builder()
        .token_ttl(Duration::from_millis(1500))
        .start()
        .await
        .unwrap();
    let reply = login(&sim, json!({"username":"echo-bot","password":"secret"})).await;
    let answer: LoginResponse = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(answer.session_ttl.as_deref(), Some("1500"));
    let mut bot = Agent::connect_with(&sim, "echo-bot", answer.bearer.expose()).await;
    // The open socket is closed with 4401 when the token expires...
    assert_eq!(bot.ended().await, Ended::Closed(4401));
    // ...and the token no longer opens one (HTTP 401 on the upgrade).
    match tokio_tungstenite::connect_async(sim.agent_ws_url(answer.bearer.expose())).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401)
        }
        other => panic!("expected a 401 upgrade, got {other:?}"),
    }
}

#[tokio::test]
async fn consumer_signup_gives_a_jwt_that_opens_the_consumer_socket_via_init_connection() {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let sim = Sim::builder().start().await.unwrap();
    let reply = post(&sim, "/api/account/12345678/signup", &[], "").await;
    let jwt = reply.json()["jwt"].as_str().unwrap().to_owned();
    assert_eq!(jwt.split('.').count(), 3);

    let (mut ws, _) = tokio_tungstenite::connect_async(sim.consumer_ws_url())
        .await
        .unwrap();
    let early = json!({"kind":"req","id":"0","type":"GetClock","body":{}});
    ws.send(Message::Text(early.to_string().into()))
        .await
        .unwrap();
    let refused: serde_json::Value =
        serde_json::from_str(ws.next().await.unwrap().unwrap().to_text().unwrap()).unwrap();
    assert_eq!(refused["code"], 401);
    let init = json!({"kind":"req","id":"1","type":"InitConnection","headers":[
        {"type":".ams.headers.ClientProperties","deviceFamily":"DESKTOP","os":"LINUX"},
        {"type":".ams.headers.ConsumerAuthentication","jwt": jwt}]});
    ws.send(Message::Text(init.to_string().into()))
        .await
        .unwrap();
    let ok: serde_json::Value =
        serde_json::from_str(ws.next().await.unwrap().unwrap().to_text().unwrap()).unwrap();
    assert_eq!(
        (ok["reqId"].as_str(), ok["code"].as_i64()),
        (Some("1"), Some(200))
    );
    let ask = json!({"kind":"req","id":"2","type":"cm.ConsumerRequestConversation","body":{"channelType":"MESSAGING","brandId":"12345678","skillId":"-1"}});
    ws.send(Message::Text(ask.to_string().into()))
        .await
        .unwrap();
    let answer: serde_json::Value =
        serde_json::from_str(ws.next().await.unwrap().unwrap().to_text().unwrap()).unwrap();
    assert_eq!(answer["type"], "cm.RequestConversationResponse");
    let conv = answer["body"]["conversationId"].as_str().unwrap();
    assert_eq!(
        sim.transcript(conv).unwrap().skill,
        "1",
        "-1 goes to the default skill"
    );

    let bad =
        liveengage_sim::ConsumerClient::connect_with_jwt(&sim.consumer_ws_url(), "not.a.jwt", None)
            .await;
    assert!(bad.is_err(), "an unknown JWT is refused");
}
