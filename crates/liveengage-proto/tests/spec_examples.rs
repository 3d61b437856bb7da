//! Every documented example payload of `liveengage-protocols.md` decodes
//! into the typed model and encodes back to the same JSON. Placeholders
//! (`…`) of the spec are replaced by concrete values.

use liveengage_proto::chat::{
    AgentSessionLocation, AgentSessionRequest, AvailabilityBody, ChatBody, ChatEvent,
    ChatEventLocation, ChatEventType, ChatInfo, ChatLocation, EventsBody, IncomingRequestsBody,
    PostEvent, TransferBody, TransferOptionsBody,
};
use liveengage_proto::csds::{BaseUri, CsdsResponse};
use liveengage_proto::login::{ErrorBody, ErrorValue, LoginRequest, LoginResponse};
use liveengage_proto::notifications::{
    AgentStateNotification, ExConversationChangeNotification, RoutingTaskNotification,
};
use liveengage_proto::{ConversationField, Event, EventRecord, Frame, OneOrMany, UmsRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn round_trip<T: DeserializeOwned + Serialize>(example: Value) -> T {
    let typed: T =
        serde_json::from_value(example.clone()).unwrap_or_else(|e| panic!("{e}: {example}"));
    assert_eq!(serde_json::to_value(&typed).unwrap(), example);
    typed
}

#[test]
fn csds_forms() {
    let all: CsdsResponse = round_trip(
        json!({"baseURIs":[{"account":"1234","baseURI":"host:8443","service":"agentVep"}]}),
    );
    assert_eq!(all.find("agentVep"), Some("host:8443"));
    let one: BaseUri = round_trip(
        json!({"service":"agentVep","account":"1234","baseURI":"exampleDomain.liveperson.net"}),
    );
    assert_eq!(one.base_uri, "exampleDomain.liveperson.net");
}

#[test]
fn login_bodies() {
    assert!(matches!(
        round_trip::<LoginRequest>(json!({"username":"bot","password":"secret"})),
        LoginRequest::UserPassword { .. }
    ));
    assert!(matches!(
        round_trip::<LoginRequest>(json!({"jwt":"dummy","assertion":"<SAML/>"})),
        LoginRequest::Saml { .. }
    ));
    let key = round_trip::<LoginRequest>(
        json!({"username":"bot","appKey":"k","secret":"s","accessToken":"t","accessTokenSecret":"ts"}),
    );
    assert!(matches!(key, LoginRequest::ApiKey { ref app_key, .. } if app_key == "k"));
    let answer: LoginResponse = round_trip(json!({
      "csrf": "d5d09d77", "wsuk": "766900772095619056",
      "config": {"loginName": "name", "userId": "3705342610", "userPid": "393c6873-756d-54af-86e1-8795d57eba14",
        "userPrivileges": [100, 101], "serverCurrentTime": 1474549184722i64, "timeDiff": -25200000,
        "serverTimeZoneName": "Europe/Athens", "serverTimeGMTDiff": 10800000,
        "isLPA": false, "isAdmin": true, "accountTimeZoneId": "Europe/Athens"},
      "csdsCollectionResponse": {"baseURIs": [{"account": "123456", "baseURI": "domain.domain.net", "service": "agentVep"}]},
      "accountData": {"agentGroupsData": {"items": [{"id": -1, "deleted": false, "name": "Main Group"}], "revision": 1}},
      "sessionTTl": "28800000",
      "bearer": "9cf66603"
    }));
    assert_eq!(answer.config.user_id, "3705342610");
    assert_eq!(answer.bearer.expose(), "9cf66603");
    assert!(
        !format!("{answer:?}").contains("9cf66603"),
        "Debug must hide the bearer"
    );
    let e: ErrorBody = round_trip(
        json!({"error":{"time":"t","message":"bad csrf","internalCode":10,"responseStatus":"UNAUTHORIZED"}}),
    );
    assert!(matches!(e.error, ErrorValue::Detail(ref d) if d.internal_code == Some(10)));
    let s: ErrorBody =
        round_trip(json!({"error":"LeLogin1 failed - invalid url received from app server"}));
    assert!(matches!(s.error, ErrorValue::Message(_)));
}

#[test]
fn agent_request_catalogue() {
    let examples = [
        json!({"kind":"req","id":"1","type":".GetClock","body":{}}),
        json!({"kind":"req","id":"2","type":".ams.routing.SetAgentState","body":{"availability":"ONLINE","channels":["MESSAGING"],"agentUserId":"12345678.1234567890"}}),
        json!({"kind":"req","id":"3","type":".ams.routing.SubscribeAgentsState","body":{"brandId":"12345678","agentId":"12345678.1234567890"}}),
        json!({"kind":"req","id":"4","type":".ams.routing.SubscribeRoutingTasks","body":{"channelType":"MESSAGING","agentId":"12345678.1234567890","brandId":"12345678"}}),
        json!({"kind":"req","id":"5","type":".ams.routing.UpdateRingState","body":{"ringId":"c_1_2","ringState":"REJECTED"}}),
        json!({"kind":"req","id":"6","type":".ams.aam.SubscribeExConversations","body":{"agentIds":["12345678.1234567890"],"convState":["OPEN"],"minLastUpdatedTime":5}}),
        json!({"kind":"req","id":"7","type":".ams.aam.UnsubscribeExConversations","body":{"subscriptionId":"s"}}),
        json!({"kind":"req","id":"8","type":".ams.cm.AgentRequestConversation","body":{"channelType":"MESSAGING","consumerId":"c","conversationContext":{"type":"ProactiveContext","originConversationId":"o"}}}),
        json!({"kind":"req","id":"9","type":".ams.ms.PublishEvent","body":{"dialogId":"d","event":{"type":"ContentEvent","contentType":"text/plain","message":"hi"},"messageAudience":"AGENTS_AND_MANAGERS"}}),
        json!({"kind":"req","id":"10","type":".ams.ms.QueryMessages","body":{"dialogId":"d","fromSeq":0,"newerThanSequence":0}}),
        json!({"kind":"req","id":"11","type":".ams.userprofile.GetUserProfile","body":"consumer-1"}),
        json!({"kind":"req","id":"12","type":".ams.userprofile.GetUserProfile","body":{"userId":"pid"}}),
        json!({"kind":"req","id":13,"type":"KeepAlive","body":{}}),
        json!({"kind":"req","id":"14","type":"ms.PublishEvent","body":{"dialogId":"d","event":{"type":"ChatStateEvent","chatState":"COMPOSING"}},"headers":null,"metadata":[{"type":"ExternalId","id":"x"}]}),
        json!({"kind":"req","id":"15","type":".ams.ms.GenerateURLForUploadFile","body":{"fileSize":5020,"fileType":"JPEG"}}),
    ];
    for example in examples {
        let frame: Frame = round_trip(example.clone());
        let Frame::Req(req) = frame else {
            panic!("not a request")
        };
        let typed = UmsRequest::decode(&req).unwrap();
        assert_eq!(typed.body(), req.body, "{example}");
        if req.type_name.contains("GenerateURL") {
            assert!(matches!(typed, UmsRequest::Other { .. }));
        } else {
            assert!(!matches!(typed, UmsRequest::Other { .. }), "{example}");
        }
    }
}

#[test]
fn conversation_field_variants() {
    let items = json!([
        {"field":"ConversationStateField","conversationState":"CLOSE"},
        {"field":"DialogChange","type":"UPDATE","dialog":{"dialogId":"d","state":"CLOSE","closedCause":"Closed by consumer"}},
        {"field":"ParticipantsChange","type":"ADD","role":"MANAGER","userId":"1.2"},
        {"field":"ParticipantsChange","type":"REMOVE","role":"ASSIGNED_AGENT","userId":"1.2"},
        {"field":"ParticipantsChange","type":"SUGGEST","role":"ASSIGNED_AGENT","userId":"1.3"},
        {"field":"Skill","type":"UPDATE","skill":"42"},
        {"field":"TTRField","ttrType":"CUSTOM","value":1800},
        {"field":"CSATRate","csatRate":5,"csatResolutionConfirmation":true,"status":"FILLED"},
        {"field":"Note","note":"unknown to this crate"}
    ]);
    let parsed: Vec<ConversationField> = round_trip(items);
    let names: Vec<&str> = parsed.iter().map(ConversationField::field_name).collect();
    assert_eq!(
        names,
        [
            "ConversationStateField",
            "DialogChange",
            "ParticipantsChange",
            "ParticipantsChange",
            "ParticipantsChange",
            "Skill",
            "TTRField",
            "CSATRate",
            "Note"
        ]
    );
    assert!(matches!(parsed[8], ConversationField::Other(_)));
    // A single object is accepted too.
    let single = json!({"kind":"req","id":"1","type":"cm.UpdateConversationField","body":{"conversationId":"c","conversationField":{"field":"TTRField","ttrType":"URGENT"}}});
    let Frame::Req(req) = round_trip::<Frame>(single) else {
        panic!()
    };
    let UmsRequest::UpdateConversationField(u) = UmsRequest::decode(&req).unwrap() else {
        panic!()
    };
    assert!(matches!(
        u.conversation_field,
        OneOrMany::One(ConversationField::Ttr(_))
    ));
}

#[test]
fn events() {
    let examples = [
        json!({"type":"ContentEvent","contentType":"text/plain","message":"hi"}),
        json!({"type":"ContentEvent","contentType":"text/plain","message":"pick one","quickReplies":{"type":"quickReplies","itemsPerRow":8,"replies":[{"type":"button","title":"Yes","tooltip":"Yes!","click":{"actions":[{"type":"publishText","text":"yep"}],"metadata":[{"type":"ExternalId","id":"Yes-1234"}]}}]}}),
        json!({"type":"ContentEvent","contentType":"hosted/file","message":{"caption":"c","relativePath":"/p","fileType":"JPG","preview":"data"}}),
        json!({"type":"RichContentEvent","content":{"type":"vertical","elements":[{"type":"text","text":"Product Name","style":{"bold":true,"size":"large"}},{"type":"button","title":"Add to cart","click":{"actions":[{"type":"link","name":"Add to cart","uri":"https://example.com"}]}}]}}),
        json!({"type":"AcceptStatusEvent","status":"READ","sequenceList":[8]}),
        json!({"type":"ChatStateEvent","chatState":"COMPOSING"}),
        json!({"type":"ChatStateEvent","chatState":"DAYDREAMING"}),
    ];
    let parsed: Vec<Event> = examples.into_iter().map(round_trip).collect();
    assert_eq!(parsed[0].as_text(), Some("hi"));
    assert!(matches!(parsed[3], Event::RichContent(_)));
    assert!(!parsed[5].is_sequenced());
}

#[test]
fn notifications() {
    let ring: RoutingTaskNotification = round_trip(
        json!({"subscriptionId":"s","changes":[{"type":"UPSERT","result":{
        "routingTaskId":"r","taskCompleted":false,"conversationId":"c","consumerId":"u","skillId":"-1","brandId":"1","assignedAgentId":"",
        "ringsDetails":[{"ringId":"c_1_5","ringExpiration":72000,"ringExpirationTs":1517000899442i64,"ringState":"WAITING","weight":1517004427244i64,
                         "brandId":"1","convId":"c","consumerId":"u","skillId":"-1"}]}}]}),
    );
    assert_eq!(
        ring.changes[0].result.as_ref().unwrap().rings_details[0]
            .ring_id
            .as_str(),
        "c_1_5"
    );

    let state: AgentStateNotification = round_trip(
        json!({"subscriptionId":"s","changes":[{"type":"UPSERT","result":{"agentUserId":"1.2","channels":["MESSAGING"],"availability":"ONLINE","description":""}}]}),
    );
    assert!(state.changes[0].result.is_some());

    let conv: ExConversationChangeNotification = round_trip(
        json!({"subscriptionId":"s","changes":[{
          "type":"UPSERT",
          "result":{
            "convId":"c","effectiveTTR":-1,"lastUpdateTime":1564734095888i64,
            "numberOfunreadMessages":{"u":1},
            "conversationDetails":{
              "convId":"c","skillId":"1251428632","brandId":"2344566",
              "participants":{"CONSUMER":["u"],"MANAGER":["2344566.1282051932"],"ASSIGNED_AGENT":["2344566.42"],"READER":[]},
              "participantsPId":{"CONSUMER":["u"],"MANAGER":["f675416a"],"ASSIGNED_AGENT":["pid"],"READER":[]},
              "dialogs":[{"dialogId":"c","dialogType":"MAIN","channelType":"MESSAGING","state":"OPEN",
                          "participantsDetails":[{"id":"u","role":"CONSUMER","state":"ACTIVE"},{"id":"2344566.42","role":"ASSIGNED_AGENT","state":"ACTIVE"}],
                          "creationTs":1564685380489i64,"metaDataLastUpdateTs":1564734095888i64,
                          "endTs":0,"closedBy":"AGENT","closedCause":"x","metaData":{"appInstallId":"a"}}],
              "state":"OPEN","stage":"OPEN","closeReason":"AGENT",
              "startTs":1564685380489i64,"endTs":0,"metaDataLastUpdateTs":1564734095888i64,
              "firstConversation":false,"csatRate":0,"note":"","groupId":"g",
              "ttr":{"ttrType":"NORMAL","value":1200},
              "delay":{"type":"NIGHT","tillWhen":0},"manualETTR":0,
              "context":{"type":"CustomContext","clientProperties":{"type":".ClientProperties","appId":"whatsapp","ipAddress":"1.2.3.4","features":["PHOTO_SHARING"]},"name":"WhatsApp Business"},
              "conversationHandlerDetails":{"accountId":"2344566","skillId":"1251428632"}
            }
          },
          "lastContentEventNotification":{"sequence":2,"originatorId":"u","event":{"type":"ContentEvent","message":"m","contentType":"text/plain"},"dialogId":"c"}
        }]}),
    );
    let details = &conv.changes[0]
        .result
        .as_ref()
        .unwrap()
        .conversation_details;
    assert_eq!(details.ttr.as_ref().unwrap().value, 1200);

    // Consumer (v3) form: participants as an array, no participant state.
    let v3: ExConversationChangeNotification = round_trip(
        json!({"subscriptionId":"s","changes":[{"type":"UPSERT","result":{"convId":"c",
        "conversationDetails":{"participants":[{"id":"u","role":"CONSUMER"},{"id":"pid","role":"ASSIGNED_AGENT"}],
        "dialogs":[{"dialogId":"c","participantsDetails":[{"id":"u","role":"CONSUMER"}],"dialogType":"MAIN","state":"OPEN"}],"state":"OPEN","stage":"OPEN"}}}]}),
    );
    assert!(matches!(
        v3.changes[0]
            .result
            .as_ref()
            .unwrap()
            .conversation_details
            .participants,
        Some(liveengage_proto::notifications::Participants::List(_))
    ));

    let record: EventRecord = round_trip(
        json!({"sequence":2,"originatorClientProperties":{"type":".ClientProperties","ipAddress":"1.2.3.4"},
        "originatorId":"1.2","originatorPId":"pid","originatorMetadata":{"id":"pid","role":"ASSIGNED_AGENT","clientProperties":{}},
        "serverTimestamp":1470732437925i64,"event":{"type":"ContentEvent","message":"From consumer","contentType":"text/plain"},"dialogId":"d","metadata":[]}),
    );
    assert_eq!(record.originator_pid.as_deref(), Some("pid"));
}

#[test]
fn consumer_requests() {
    let init = json!({"kind":"req","id":"0","type":"InitConnection","headers":[
      {"type":".ams.headers.ClientProperties","deviceFamily":"DESKTOP","os":"WINDOWS","features":["RICH_CONTENT","QUICK_REPLIES","MULTI_DIALOG"]},
      {"type":".ams.headers.ConsumerAuthentication","jwt":"a.b.c"}]});
    let Frame::Req(req) = round_trip::<Frame>(init) else {
        panic!()
    };
    assert_eq!(
        liveengage_proto::requests::consumer_jwt(req.headers.as_ref()),
        Some("a.b.c")
    );
    let examples = [
        json!({"kind":"req","id":"1","type":"cm.ConsumerRequestConversation","body":{"channelType":"MESSAGING","brandId":"1","skillId":"-1","ttrDefName":"NORMAL","campaignInfo":{"campaignId":1,"engagementId":2},"conversationContext":{"type":"SharkContext","visitorId":"v","sessionId":"s","interactionContextId":"1","lang":"en-US"}}}),
        json!({"kind":"req","id":"2","type":"ms.SubscribeMessagingEvents","body":{"dialogId":"d","conversationId":"c","fromSeq":0}}),
        json!({"kind":"req","id":"3","type":"cqm.SubscribeExConversations","body":{"convState":["OPEN","CLOSE"],"stage":["OPEN","CLOSE"],"minLastUpdatedTime":0}}),
        json!({"kind":"req","id":"4","type":"cqm.UnsubscribeExConversations","body":{"subscriptionId":"s"}}),
        json!({"kind":"req","id":"5","type":"GetClock","body":{}}),
    ];
    for example in examples {
        let Frame::Req(req) = round_trip::<Frame>(example.clone()) else {
            panic!()
        };
        let typed = UmsRequest::decode(&req).unwrap();
        assert!(!matches!(typed, UmsRequest::Other { .. }), "{example}");
        assert_eq!(typed.body(), req.body);
        assert_eq!(
            typed.type_name(liveengage_proto::Side::Consumer),
            req.type_name
        );
    }
    let resp: Frame = round_trip(
        json!({"kind":"resp","reqId":"1","code":200,"type":"cm.RequestConversationResponse","body":{"conversationId":"c"}}),
    );
    assert!(matches!(resp, Frame::Resp(ref r) if r.is_success()));
    let note: Frame = round_trip(
        json!({"kind":"notification","type":"ms.MessagingEventNotification","body":{"changes":[
        {"sequence":0,"originatorId":"pid","originatorMetadata":{"id":"pid","role":"ASSIGNED_AGENT"},"serverTimestamp":1,"event":{"type":"ContentEvent","message":"hi","contentType":"text/plain"},"conversationId":"c","dialogId":"c"}]}}),
    );
    let Frame::Notification(n) = note else {
        panic!()
    };
    assert!(
        matches!(liveengage_proto::UmsNotification::decode(&n).unwrap(), liveengage_proto::UmsNotification::MessagingEvent(ref m) if m.changes.len() == 1)
    );
}

#[test]
fn chat_agent_api() {
    let _: AgentSessionRequest = round_trip(json!({"loginData":""}));
    let loc: AgentSessionLocation = round_trip(
        json!({"agentSessionLocation":{"link":{"@href":"https://h/api/account/1/agentSession/s","@rel":"location"}}}),
    );
    assert!(
        loc.agent_session_location
            .link
            .href
            .ends_with("/agentSession/s")
    );
    let _: AvailabilityBody =
        round_trip(json!({"availability":{"chat":"Online","voice":"Offline"}}));
    let idle: IncomingRequestsBody = round_trip(json!({"incomingRequests":{"ringingCount":"0"}}));
    assert_eq!(idle.incoming_requests.ringing_count.as_i64(), Some(0));
    let _: IncomingRequestsBody = round_trip(
        json!({"incomingRequests":{"ringingCount":"1","link":{"@href":"https://h/x","@rel":"next-request"}}}),
    );
    let _: ChatLocation = round_trip(
        json!({"chatLocation":{"link":{"@href":"https://h/agentSession/s/chat/c","@rel":"location"}}}),
    );
    let chat: ChatBody = round_trip(
        json!({"chat":{"link":[{"@href":"https://h/c","@rel":"self"},{"@href":"https://h/c?from=2","@rel":"next"}],
        "events":{"link":[{"@href":"https://h/c/events","@rel":"self"},{"@href":"https://h/c/events?from=2","@rel":"next"}],
          "event":[{"@id":"0","@type":"state","time":"2015-08-30T18:06:02+03:00","state":"waiting"},
                   {"@id":"1","@type":"line","time":"2015-08-30T18:06:02.001+03:00","textType":"plain","text":"Thank you for choosing to chat with us.","by":"info","source":"system","systemMessageId":4,"subType":"REGULAR"}]},
        "info":{"state":"chatting","chatSessionKey":"K","agentName":"bot","agentId":2,"startTime":"2015-08-30T18:06:02.001+03:00","duration":0,"chatTimeout":40,"visitorId":1222309710121i64,"agentTyping":"not-typing","visitorTyping":"not-typing","visitorName":"visitor","rtSessionId":4294992744i64}}}),
    );
    assert_eq!(chat.chat.events.unwrap().event.unwrap().as_slice().len(), 2);
    // A single event comes as an object, not an array.
    let one: EventsBody = round_trip(
        json!({"events":{"link":{"@href":"https://h/e?from=5","@rel":"next"},"event":{"@id":"4","@type":"line","time":"t","textType":"plain","text":"hello","by":"visitor","source":"visitor","subType":"REGULAR"}}}),
    );
    assert!(
        matches!(one.events.event, Some(OneOrMany::One(ref e)) if e.text.as_deref() == Some("hello"))
    );
    // Bare `id`/`type` keys are accepted and re-emitted with `@`.
    let bare: ChatEvent =
        serde_json::from_value(json!({"id":"3","type":"line","text":"x"})).unwrap();
    assert_eq!(bare.event_type, ChatEventType::Line);
    assert_eq!(
        serde_json::to_value(&bare).unwrap(),
        json!({"@id":"3","@type":"line","text":"x"})
    );
    let _: PostEvent = round_trip(
        json!({"event":{"@type":"line","text":"<div dir='ltr'>hi</div>","textType":"html"}}),
    );
    let _: PostEvent = round_trip(json!({"event":{"@type":"state","state":"ended"}}));
    let _: ChatEventLocation = round_trip(
        json!({"chatEventLocation":{"link":{"@href":"https://h/events/5","@rel":"location"}}}),
    );
    let _: TransferBody =
        round_trip(json!({"transfer":{"skill":{"id":2},"text":"note for next agent"}}));
    let _: TransferBody = round_trip(json!({"transfer":{"agent":{"id":6},"text":"t"}}));
    let _: TransferOptionsBody = round_trip(
        json!({"transfer":{"skill":[{"id":"25975313","name":"Sales","onlineAgents":"1"}]}}),
    );
    let info: ChatInfo =
        round_trip(json!({"state":"chatting","visitorName":"visitor","skillName":"Sales"}));
    assert_eq!(info.skill_name.as_deref(), Some("Sales"));
}
