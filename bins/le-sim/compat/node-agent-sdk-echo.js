// Compatibility check: LivePerson's node-agent-sdk 1.2.0 runs an echo bot
// against le-sim over TLS, while this script also plays the consumer over the
// Messaging Window API. See docs/le-sim.md.
//
//   npm install node-agent-sdk@1.2.0        (in a scratch directory)
//   NODE_EXTRA_CA_CERTS=/tmp/le-sim-ca-8443.pem MODE=password node node-agent-sdk-echo.js
//
// MODE: password (user/password login), apikey (Application Login), token
// (conf.token + conf.userId, no login and no refresh). Exit code 0 when every
// step was seen: connected, ring, accept, history, consumer message, echo
// received by the consumer, close, and (except token mode) session refresh.
'use strict';
const Agent = require('node-agent-sdk').Agent;
const https = require('https');
const WebSocket = require('ws');
// Refresh is observed through the SDK's request module: wrap it.
const request = require('request');
const origPost = request.post;
request.post = function (opts, cb) {
  const url = typeof opts === 'string' ? opts : opts.url;
  return origPost.call(this, opts, (e, res, body) => {
    if (url && url.includes('/refresh')) { seen.refreshed = !e && res && res.statusCode === 200; log('refresh ->', res && res.statusCode); }
    cb && cb(e, res, body);
  });
};


const HOST = process.env.SIM_HOST || '127.0.0.1:8443';
const ACCOUNT = '12345678';
const MODE = process.env.MODE || 'password';
const log = (...a) => console.log(new Date().toISOString().slice(11, 23), ...a);
const seen = {connected: false, ring: false, accepted: false, history: false, consumerMsg: false, echoed: false, closed: false, refreshed: false};

function post(path, body, cb) {
  const [host, port] = HOST.split(':');
  const req = https.request({host, port, path, method: 'POST', headers: {'Content-Type': 'application/json'}}, res => {
    let data = ''; res.on('data', d => data += d); res.on('end', () => cb(res.statusCode, data, res.headers));
  });
  req.end(body ? JSON.stringify(body) : '');
}

function startBot(extra) {
  const conf = Object.assign({accountId: ACCOUNT, csdsDomain: HOST, refreshSessionInterval: 1500}, extra);
  const agent = new Agent(conf);
  const openConvs = {};
  // History (QueryMessages) and live events can both carry a message that was
  // published around the accept: handle each sequence once.
  const handled = new Set();
  agent.on('connected', () => {
    seen.connected = true;
    log('bot connected, agentId (PId) =', agent.agentId);
    agent.setAgentState({availability: 'ONLINE'}, e => e && log('setAgentState error', e));
    agent.subscribeExConversations({agentIds: [agent.agentId], convState: ['OPEN']}, e => e && log('subscribeEx error', e));
    agent.subscribeRoutingTasks({}, e => e && log('subscribeRouting error', e));
    startConsumer();
  });
  agent.on('routing.RoutingTaskNotification', body => {
    body.changes.forEach(c => {
      if (c.type === 'UPSERT') c.result.ringsDetails.filter(r => r.ringState === 'WAITING').forEach(r => {
        seen.ring = true;
        agent.updateRingState({ringId: r.ringId, ringState: 'ACCEPTED'}, (e, resp) => { if (e) log('accept error', e); else { seen.accepted = true; log('accepted', resp); } });
      });
    });
  });
  agent.on('cqm.ExConversationChangeNotification', body => {
    body.changes.forEach(c => {
      if (c.type === 'UPSERT' && !openConvs[c.result.convId]) {
        openConvs[c.result.convId] = true;
        log('conversation UPSERT, myRole =', c.result.conversationDetails.__myRole, 'participants =', JSON.stringify(c.result.conversationDetails.participants));
        agent.subscribeMessagingEvents({dialogId: c.result.convId, fromSeq: 0}, e => { if (e) log('history error', e); else seen.history = true; });
      } else if (c.type === 'DELETE') {
        delete openConvs[c.result.convId];
        seen.closed = true;
        log('conversation DELETE (closed)');
        finish();
      }
    });
  });
  agent.on('ms.MessagingEventNotification', body => {
    body.changes.forEach(change => {
      const key = body.dialogId + ':' + change.sequence;
      if (change.event.type === 'ContentEvent' && !change.__isMe && change.originatorMetadata.role === 'CONSUMER' && !handled.has(key)) {
        handled.add(key);
        seen.consumerMsg = true;
        log('consumer said:', change.event.message, 'seq', change.sequence);
        agent.publishEvent({dialogId: body.dialogId, event: {type: 'AcceptStatusEvent', status: 'READ', sequenceList: [change.sequence]}});
        if (change.event.message.startsWith('#close')) {
          agent.updateConversationField({conversationId: body.dialogId, conversationField: [{field: 'ConversationStateField', conversationState: 'CLOSE'}]}, (e, r) => log('close ->', e || r));
        } else {
          agent.publishEvent({dialogId: body.dialogId, event: {type: 'ChatStateEvent', chatState: 'COMPOSING'}});
          agent.publishEvent({dialogId: body.dialogId, event: {type: 'ContentEvent', contentType: 'text/plain', message: 'echo : ' + change.event.message}}, (e, r) => log('echo published', e || r));
          agent.publishEvent({dialogId: body.dialogId, event: {type: 'ChatStateEvent', chatState: 'ACTIVE'}});
        }
      }
    });
  });
  agent.on('error', err => log('bot error', err && (err.message || JSON.stringify(err))));
  agent.on('closed', data => log('bot socket closed', data));
  return agent;
}

let consumerStarted = false;
function startConsumer() {
  if (consumerStarted) return; consumerStarted = true;
  post(`/api/account/${ACCOUNT}/signup`, null, (status, data) => {
    const jwt = JSON.parse(data).jwt;
    const ws = new WebSocket(`wss://${HOST}/ws_api/account/${ACCOUNT}/messaging/consumer?v=3`, {headers: {Authorization: 'jwt ' + jwt}});
    let conv;
    const send = (id, type, body) => ws.send(JSON.stringify({kind: 'req', id, type, body}));
    ws.on('open', () => send('1', 'cm.ConsumerRequestConversation', {channelType: 'MESSAGING', brandId: ACCOUNT, skillId: '-1'}));
    ws.on('message', raw => {
      const m = JSON.parse(raw);
      if (m.kind === 'resp' && m.reqId === '1') {
        conv = m.body.conversationId;
        send('2', 'ms.SubscribeMessagingEvents', {dialogId: conv, conversationId: conv, fromSeq: 0});
        send('3', 'ms.PublishEvent', {dialogId: conv, conversationId: conv, event: {type: 'ContentEvent', contentType: 'text/plain', message: 'hello emulator'}});
      }
      if (m.kind === 'notification' && m.type === 'ms.MessagingEventNotification') {
        m.body.changes.forEach(c => {
          if (c.originatorMetadata.role !== 'CONSUMER' && c.event.type === 'ContentEvent') {
            log('consumer got:', c.event.message);
            if (c.event.message === 'echo : hello emulator') {
              seen.echoed = true;
              setTimeout(() => send('4', 'ms.PublishEvent', {dialogId: conv, conversationId: conv, event: {type: 'ContentEvent', contentType: 'text/plain', message: '#close please'}}), 2000);
            }
          }
        });
      }
    });
    ws.on('error', e => log('consumer error', e.message));
  });
}

let done = false;
function finish() {
  if (done) return; done = true;
  setTimeout(() => {
    log('RESULT', MODE, JSON.stringify(seen));
    const required = Object.keys(seen).filter(k => !(MODE === 'token' && k === 'refreshed'));
    process.exit(required.every(k => seen[k]) ? 0 : 1);
  }, 1500);
}
setTimeout(() => { log('TIMEOUT', MODE, JSON.stringify(seen)); process.exit(2); }, 30000);

let agent;
if (MODE === 'password') agent = startBot({username: 'echo-bot', password: 'secret'});
else if (MODE === 'apikey') agent = startBot({username: 'echo-bot', appKey: 'bot-app-key', secret: 'bot-app-secret', accessToken: 'bot-access-token', accessTokenSecret: 'bot-token-secret'});
else if (MODE === 'token') {
  post(`/api/account/${ACCOUNT}/login?v=1.3`, {username: 'echo-bot', password: 'secret'}, (s, data) => {
    const d = JSON.parse(data);
    agent = startBot({token: d.bearer, userId: d.config.userId});
  });
}
