// The dashboard's only script (served at /static/dashboard.js). Pages carry
// no inline code: the Content-Security-Policy allows scripts from this
// origin only. Everything shown from the server goes in as text
// (textContent), never as HTML.
(() => {
  'use strict';
  const byId = (id) => document.getElementById(id);

  // The bot list: the state column follows the API every two seconds.
  const bots = byId('bots');
  if (bots) {
    setInterval(async () => {
      const r = await fetch('/api/bots');
      if (!r.ok) return;
      const j = await r.json();
      for (const b of j.bots) {
        for (const row of bots.querySelectorAll('tr[data-bot]')) {
          if (row.dataset.bot !== b.id) continue;
          const cell = row.querySelector('.state');
          if (cell) {
            cell.textContent = b.state;
            cell.className = 'state ' + b.state;
          }
        }
      }
    }, 2000);
  }

  // The wizard's choices (login, engine): only the chosen one's fields show.
  for (const select of document.querySelectorAll('select[data-choices]')) {
    const show = () => {
      for (const d of document.querySelectorAll('div[data-group]')) {
        if (d.dataset.group === select.name) d.hidden = d.dataset.choice !== select.value;
      }
    };
    select.addEventListener('change', show);
    show();
  }

  // The wizard's "Test connection".
  const test = byId('test');
  const wizard = byId('wizard');
  if (test && wizard) {
    test.addEventListener('click', async () => {
      const out = byId('test-result');
      out.textContent = 'testing...';
      const res = await fetch('/bots/test-form', {
        method: 'POST',
        body: new URLSearchParams(new FormData(wizard)),
      });
      const j = await res.json().catch(() => ({}));
      out.textContent = j.ok
        ? 'OK: ' + j.message
        : 'Failed: ' + (j.message || (j.error && j.error.message) || res.status);
    });
  }

  // Forms that ask first (delete).
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (e) => {
      if (!confirm(form.dataset.confirm)) e.preventDefault();
    });
  }

  // The conversation tester.
  const chat = byId('chat');
  if (chat) {
    let sid = null;
    const el = (tag, cls, text) => {
      const e = document.createElement(tag);
      e.className = cls;
      e.textContent = text;
      return e;
    };
    const json = { 'content-type': 'application/json' };
    const open = async () => {
      const r = await fetch('/api/tester/sessions', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ skill: byId('skill').value }),
      });
      const j = await r.json().catch(() => ({}));
      if (!r.ok) {
        chat.textContent = (j.error && j.error.message) || 'cannot open a conversation';
        return;
      }
      sid = j.session;
      byId('conv').textContent = 'conversation ' + j.conversation_id;
      chat.replaceChildren();
    };
    const say = async (t) => {
      if (!sid) await open();
      if (!sid) return;
      const r = await fetch('/api/tester/sessions/' + encodeURIComponent(sid) + '/messages', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ text: t }),
      });
      if (r.status === 404) sid = null; // expired: the next message opens a new one
    };
    const poll = async () => {
      if (!sid) return;
      const r = await fetch('/api/tester/sessions/' + encodeURIComponent(sid));
      if (r.status === 404) {
        sid = null;
        chat.appendChild(el('div', 'msg system', '(session expired; send a message to start a new one)'));
        return;
      }
      if (!r.ok) return;
      const j = await r.json();
      chat.replaceChildren();
      for (const l of j.lines) {
        const m = el('div', 'msg ' + l.from + (l.private ? ' private' : ''), (l.private ? '(private) ' : '') + l.text);
        if (l.quick_replies) {
          const q = el('div', 'qr', '');
          for (const t of l.quick_replies) {
            const b = el('button', '', t);
            b.type = 'button';
            b.addEventListener('click', () => say(t));
            q.appendChild(b);
          }
          m.appendChild(q);
        }
        chat.appendChild(m);
      }
      if (!j.open) chat.appendChild(el('div', 'msg system', '(closed)'));
      chat.scrollTop = chat.scrollHeight;
    };
    byId('new').addEventListener('click', open);
    byId('say').addEventListener('submit', async (e) => {
      e.preventDefault();
      const i = byId('text');
      const t = i.value;
      i.value = '';
      if (t) await say(t);
    });
    setInterval(poll, 700);
  }
})();
