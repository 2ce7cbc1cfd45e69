// casewatch duty console: a plain page over the daemon's HTTP API v1 (no framework, no build step).
// The token is asked for once and kept in sessionStorage (this tab only). Alerts are shown by tier,
// red first, newest first within a tier; changes arrive live over GET /api/v1/events (read with
// fetch, which can send the Authorization header), with polling every 2 s as the fallback.
// Every piece of text from the API goes through textContent: nothing is parsed as HTML.
'use strict';

(() => {
  const TIERS = ['red', 'orange', 'yellow', 'blue'];
  const POLL_MS = 2000;
  const STREAM_RETRY_MS = 10000;
  const SAFETY_REFRESH_MS = 30000;
  const LABELS = ['alertname', 'model', 'tier', 'severity', 'subject_kind', 'subject_id', 'region',
    'agency', 'category'];

  const I18N = {
    en: {
      title: 'Duty console', tab_alerts: 'Alerts', tab_silences: 'Silences',
      tab_ledger: 'Key-case ledger', tab_dead: 'Dead letters', language: 'Language',
      sign_out: 'Sign out', sign_in: 'Sign in', token: 'Token',
      login_title: 'Sign in with your API token',
      login_help: 'The token is kept in this browser tab only (sessionStorage).',
      token_refused: 'The token was not accepted.', cannot_reach: 'Cannot reach casewatchd.',
      live: 'LIVE', polling: 'POLLING', offline: 'offline',
      no_alerts: 'No active alerts.', note: 'Note (optional)', acknowledge: 'Acknowledge',
      unacknowledge: 'Take back ack', silence: 'Silence…', resolve: 'Resolve', history: 'History',
      hide_history: 'Hide history', acknowledged_by: 'Acknowledged by', escalated_to: 'Escalated to',
      level: 'level', updated: 'updated', since: 'since', done_ack: 'Acknowledged',
      done_unack: 'Acknowledgement taken back', done_resolve: 'Resolved', done_silence: 'Silence created',
      done_expire: 'Silence expired', confirm_resolve: 'Resolve this alert by hand?',
      silence_title: 'Silence alerts',
      silence_help: 'Matching alerts are still recorded, but not notified or escalated.',
      matchers: 'Matchers', add_matcher: 'Add matcher', duration: 'For', comment: 'Why',
      cancel: 'Cancel', create_silence: 'Create silence', regex: 'regex', remove: 'Remove',
      no_silences: 'No silences.', expire: 'Expire', id: 'Id', status: 'Status', until: 'Until',
      by: 'By', at: 'At', change: 'Change', tier: 'Tier', no_ledger: 'The ledger is empty.',
      case_id: 'Case', region: 'Region', agency: 'Agency', category: 'Category', reasons: 'Reasons',
      owner: 'Owner', last_activity: 'Last activity', no_dead: 'No dead letters.',
      dead_forbidden: 'Dead letters are shown to duty officers and leaders only.',
      received: 'Received', feed: 'Feed', reason: 'Reason', detail: 'Detail', raw: 'Raw',
      note_col: 'Note', no_history: 'No recorded changes yet.', need_comment: 'Say why (comment).',
      need_matcher: 'Give at least one matcher with a value.', viewer_note: 'read-only',
      tier_red: 'Red', tier_orange: 'Orange', tier_yellow: 'Yellow', tier_blue: 'Blue',
      st_firing: 'Firing', st_acknowledged: 'Acknowledged', st_escalated: 'Escalated',
      st_resolved: 'Resolved', st_silenced: 'Silenced', st_active: 'active', st_pending: 'pending',
      st_expired: 'expired',
      k_case: 'Case', k_person: 'Person', k_matter: 'Matter', k_region: 'Region', k_agency: 'Agency',
      // The categories the feed contract names (events.md); others are shown as they come.
      cat_wage_arrears: 'Wage arrears', cat_demolition: 'Demolition', cat_land: 'Land',
      cat_judicial: 'Judicial', cat_social_security: 'Social security', cat_other: 'Other',
      a_reply_now: 'Reply now', a_send_procedural_reply: 'Send procedural reply',
      a_assign_leader: 'Assign a leader', a_schedule_hearing: 'Schedule a hearing', a_mediate: 'Mediate',
      a_check_aid_eligibility: 'Check aid eligibility', a_review_case: 'Review the case',
      a_fix_at_source: 'Fix at source', a_notify_leadership: 'Notify leadership',
      a_joint_visit: 'Joint visit by the agencies involved',
      c_fired: 'fired', c_tier_changed: 'tier changed', c_resolved: 'resolved',
      c_acknowledged: 'acknowledged', c_unacknowledged: 'unacknowledged', c_escalated: 'escalated',
      c_silenced: 'silenced', c_unsilenced: 'unsilenced', c_updated: 'updated',
    },
    'zh-CN': {
      title: '值班台', tab_alerts: '预警', tab_silences: '静默', tab_ledger: '重点案件台账',
      tab_dead: '异常数据', language: '语言', sign_out: '退出', sign_in: '登录', token: '令牌',
      login_title: '请输入 API 令牌', login_help: '令牌只保存在本浏览器标签页（sessionStorage）。',
      token_refused: '令牌无效。', cannot_reach: '无法连接 casewatchd。',
      live: '实时', polling: '轮询', offline: '离线',
      no_alerts: '当前没有预警。', note: '备注（可选）', acknowledge: '确认', unacknowledge: '撤销确认',
      silence: '静默…', resolve: '手动解除', history: '处置记录', hide_history: '收起记录',
      acknowledged_by: '确认人', escalated_to: '已升级至', level: '级', updated: '更新',
      since: '自', done_ack: '已确认', done_unack: '已撤销确认', done_resolve: '已解除',
      done_silence: '已创建静默', done_expire: '静默已失效', confirm_resolve: '确定手动解除该预警？',
      silence_title: '静默预警', silence_help: '匹配的预警仍会记录，但不再通知或升级。',
      matchers: '匹配条件', add_matcher: '添加条件', duration: '时长', comment: '原因',
      cancel: '取消', create_silence: '创建静默', regex: '正则', remove: '删除',
      no_silences: '没有静默。', expire: '使失效', id: '编号', status: '状态', until: '截止',
      by: '操作人', at: '时间', change: '变化', tier: '级别', no_ledger: '台账为空。',
      case_id: '案件', region: '地区', agency: '单位', category: '类别', reasons: '原因',
      owner: '包案领导', last_activity: '最近办理', no_dead: '没有异常数据。',
      dead_forbidden: '异常数据仅对值班员和领导显示。', received: '接收时间',
      feed: '数据源', reason: '原因', detail: '说明', raw: '原始数据', note_col: '备注', no_history: '暂无记录。',
      need_comment: '请填写原因。', need_matcher: '至少需要一个有值的匹配条件。', viewer_note: '只读',
      tier_red: '红色', tier_orange: '橙色', tier_yellow: '黄色', tier_blue: '蓝色',
      st_firing: '告警中', st_acknowledged: '已确认', st_escalated: '已升级', st_resolved: '已解除',
      st_silenced: '已静默', st_active: '生效中', st_pending: '未开始', st_expired: '已失效',
      k_case: '案件', k_person: '人员', k_matter: '事项', k_region: '地区', k_agency: '单位',
      cat_wage_arrears: '欠薪', cat_demolition: '征收拆迁', cat_land: '土地',
      cat_judicial: '涉法涉诉', cat_social_security: '社会保障', cat_other: '其他',
      a_reply_now: '立即答复', a_send_procedural_reply: '发送受理告知', a_assign_leader: '领导包案',
      a_schedule_hearing: '组织听证', a_mediate: '调解', a_check_aid_eligibility: '核查救助条件',
      a_review_case: '复查案件', a_fix_at_source: '源头治理', a_notify_leadership: '报告领导',
      a_joint_visit: '联合下访',
      c_fired: '触发', c_tier_changed: '级别变化', c_resolved: '解除', c_acknowledged: '确认',
      c_unacknowledged: '撤销确认', c_escalated: '升级', c_silenced: '静默', c_unsilenced: '解除静默',
      c_updated: '更新',
    },
  };

  const $ = (id) => document.getElementById(id);
  const state = {
    token: sessionStorage.getItem('casewatch.token') || '',
    lang: localStorage.getItem('casewatch.lang') ||
      ((navigator.language || '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'),
    tab: 'alerts',
    me: null,
    alerts: [],
    histories: new Map(),  // alert_id -> history rows, for the open history panels
    live: 'off',
    stream: null,          // AbortController of the event stream
    pollTimer: 0,
    retryTimer: 0,
    refreshTimer: 0,
    refreshing: false,
    refreshAgain: false,
    silenceFor: null,      // the alert the silence dialog was opened for
    models: new Map(),     // model name -> {en, 'zh-CN'} labels, from GET /api/v1/components
  };

  function t(key) {
    const table = I18N[state.lang] || I18N.en;
    return key in table ? table[key] : (key in I18N.en ? I18N.en[key] : key);
  }
  // A model's label comes from the daemon's model table (GET /api/v1/components), so a new model
  // needs no change here; a model the table does not name is shown as it comes.
  function modelLabel(model) {
    const label = state.models.get(model);
    return (label && (label[state.lang] || label.en)) || model;
  }
  function tOr(prefix, code) {
    const key = prefix + code;
    return key in I18N.en ? t(key) : code;
  }

  // Builds an element; `attrs` keys starting with "on" are not supported on purpose (the page
  // uses delegated listeners); children are nodes or text.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (v === true) e.setAttribute(k, '');
      else e.setAttribute(k, String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // "2026-03-04T10:00:00+08:00" -> "2026-03-04 10:00" (the daemon's configured time zone).
  function fmtTime(s) {
    if (!s || typeof s !== 'string') return '';
    return s.length >= 16 ? s.slice(0, 10) + ' ' + s.slice(11, 16) : s;
  }

  let toastTimer = 0;
  function toast(message, bad) {
    const box = $('toast');
    box.textContent = message;
    box.className = 'toast show' + (bad ? ' bad' : '');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.className = 'toast'; }, bad ? 8000 : 3000);
  }

  // --- the API ---

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + state.token, Accept: 'application/json' };
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      return { status: 0, data: { error: t('cannot_reach') } };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = { error: response.statusText };
    }
    if (response.status === 401 && state.token) {
      signOut(t('token_refused'));
    }
    return { status: response.status, data };
  }

  function errorText(reply) {
    return (reply.data && reply.data.error) ? reply.data.error : ('HTTP ' + reply.status);
  }

  // --- sign-in ---

  function showLogin(message) {
    $('login').hidden = false;
    for (const tab of document.querySelectorAll('.tab')) tab.hidden = true;
    $('signout').hidden = true;
    $('whoami').textContent = '';
    $('login-error').textContent = message || '';
    $('token-input').focus();
  }

  function signOut(message) {
    state.token = '';
    state.me = null;
    state.alerts = [];
    state.histories.clear();
    sessionStorage.removeItem('casewatch.token');
    stopLive();
    for (const id of ['alerts', 'tier-summary', 'silences', 'ledger', 'dead', 'alert-count']) {
      $(id).replaceChildren();
    }
    showLogin(message);
  }

  async function signIn(token) {
    state.token = token;
    const reply = await api('GET', '/api/v1/whoami');
    if (reply.status !== 200) {
      state.token = '';
      showLogin(reply.status === 401 ? t('token_refused') : errorText(reply));
      return;
    }
    sessionStorage.setItem('casewatch.token', token);
    state.me = reply.data;
    $('login').hidden = true;
    $('signout').hidden = false;
    $('whoami').textContent = state.me.name + (state.me.may_act ? '' : ' · ' + t('viewer_note'));
    await loadComponents();
    selectTab(state.tab);
    startLive();
  }

  async function loadComponents() {
    const reply = await api('GET', '/api/v1/components');
    if (reply.status !== 200) return;  // models are then shown by name
    state.models = new Map((reply.data.models || []).map((m) => [m.name, m.label || {}]));
  }

  // --- tabs ---

  function selectTab(name) {
    state.tab = name;
    for (const b of document.querySelectorAll('.tabs button')) {
      b.setAttribute('aria-selected', b.dataset.tab === name ? 'true' : 'false');
    }
    for (const tab of ['alerts', 'silences', 'ledger', 'dead']) {
      $('tab-' + tab).hidden = !state.me || tab !== name;
    }
    refresh();
  }

  // --- loading ---

  function scheduleRefresh(delay) {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(refresh, delay === undefined ? 250 : delay);
  }

  async function refresh() {
    if (!state.me) return;
    if (state.refreshing) {
      state.refreshAgain = true;
      return;
    }
    state.refreshing = true;
    try {
      await loadAlerts();  // always: the tab shows the count
      if (state.tab === 'silences') await loadSilences();
      if (state.tab === 'ledger') await loadLedger();
      if (state.tab === 'dead') await loadDeadLetters();
    } finally {
      state.refreshing = false;
      if (state.refreshAgain) {
        state.refreshAgain = false;
        scheduleRefresh(0);
      }
    }
  }

  async function loadAlerts() {
    const reply = await api('GET', '/api/v1/alerts');
    if (reply.status !== 200) return;
    state.alerts = reply.data.alerts || [];
    for (const id of state.histories.keys()) {
      const reload = await api('GET', '/api/v1/alerts/' + encodeURIComponent(id));
      if (reload.status === 200) state.histories.set(id, reload.data.history || []);
    }
    renderAlerts();
  }

  // --- alerts ---

  function tierOf(a) { return TIERS.includes(a.tier) ? a.tier : 'none'; }

  function renderAlerts() {
    const root = $('alerts');
    // Keep what the officer is typing and where the focus is across a re-render.
    const notes = new Map();
    let focused = null;
    for (const input of root.querySelectorAll('input.note')) {
      const id = input.closest('[data-alert-id]').dataset.alertId;
      notes.set(id, input.value);
      if (document.activeElement === input) {
        focused = { id, start: input.selectionStart, end: input.selectionEnd };
      }
    }

    const counts = { red: 0, orange: 0, yellow: 0, blue: 0 };
    for (const a of state.alerts) if (a.tier in counts) counts[a.tier] += 1;
    $('alert-count').textContent = state.alerts.length ? '(' + state.alerts.length + ')' : '';
    const summary = $('tier-summary');
    summary.replaceChildren(...TIERS.map((tier) => el('span', {
      class: 'tier-pill ' + (counts[tier] ? tier : 'none'),
    }, t('tier_' + tier) + ' ' + counts[tier])));

    const groups = [];
    for (const tier of TIERS.concat(['none'])) {
      // The API lists newest first; grouping keeps that order within each tier.
      const list = state.alerts.filter((a) => tierOf(a) === tier);
      if (!list.length) continue;
      groups.push(el('section', { class: 'tier-group' },
        el('h2', { text: (tier === 'none' ? tier : t('tier_' + tier)) + ' · ' + list.length }),
        ...list.map(renderAlert)));
    }
    if (!groups.length) groups.push(el('p', { class: 'empty', text: t('no_alerts') }));
    root.replaceChildren(...groups);

    for (const input of root.querySelectorAll('input.note')) {
      const id = input.closest('[data-alert-id]').dataset.alertId;
      if (notes.has(id)) input.value = notes.get(id);
      if (focused && focused.id === id) {
        input.focus();
        input.setSelectionRange(focused.start, focused.end);
      }
    }
  }

  function reasonText(r) {
    const text = state.lang === 'zh-CN' ? r['text_zh-CN'] : r.text_en;
    return text || r.text || (r.code + ' = ' + r.value);
  }

  function renderAlert(a) {
    const tier = tierOf(a);
    const subject = a.subject || {};
    const summaryText = (a.summary && (a.summary[state.lang] || a.summary.en)) || '';
    const mayAct = state.me && state.me.may_act;
    const where = [modelLabel(a.model), a.region, a.agency, a.category && tOr('cat_', a.category)]
      .filter(Boolean).join(' · ');
    const card = el('article', {
      class: 'alert ' + tier + ' ' + a.status,
      'data-alert-id': a.alert_id,
      'data-tier': tier,
    },
    el('div', { class: 'alert-head' },
      el('span', { class: 'badge ' + tier, text: tier === 'none' ? a.tier : t('tier_' + tier) }),
      el('span', { class: 'status ' + a.status, text: tOr('st_', a.status) }),
      el('span', { class: 'subject', text: tOr('k_', subject.kind) + ' ' + (subject.id || '') }),
      el('span', { class: 'meta', text: where }),
      el('span', { class: 'meta', text: t('updated') + ' ' + fmtTime(a.updated_at) + ' · ' +
        t('since') + ' ' + fmtTime(a.starts_at) })),
    summaryText ? el('p', { class: 'summary', text: summaryText }) : null,
    (a.reasons && a.reasons.length)
      ? el('ul', { class: 'reasons' }, ...a.reasons.map((r) => el('li', { text: reasonText(r) })))
      : null,
    (a.actions && a.actions.length)
      ? el('div', { class: 'actions' }, ...a.actions.map((code) => el('span', {
        class: 'action', text: tOr('a_', code),
      })))
      : null,
    a.ack ? el('p', { class: 'ack-info', text: t('acknowledged_by') + ' ' + a.ack.by + ' · ' +
      fmtTime(a.ack.at) + (a.ack.note ? ' — ' + a.ack.note : '') }) : null,
    a.escalation ? el('p', { class: 'esc-info', text: t('escalated_to') + ' ' + a.escalation.target +
      ' (' + t('level') + ' ' + a.escalation.level + ') · ' + fmtTime(a.escalation.at) }) : null);

    const controls = el('div', { class: 'controls' });
    if (mayAct) {
      controls.append(el('input', { class: 'note', type: 'text', maxlength: 2000,
        placeholder: t('note'), 'aria-label': t('note') }));
      if (!a.ack) controls.append(el('button', { type: 'button', class: 'ack-btn', text: t('acknowledge') }));
      else controls.append(el('button', { type: 'button', class: 'quiet unack-btn', text: t('unacknowledge') }));
      controls.append(el('button', { type: 'button', class: 'quiet silence-btn', text: t('silence') }));
      controls.append(el('button', { type: 'button', class: 'quiet resolve-btn', text: t('resolve') }));
    }
    const open = state.histories.has(a.alert_id);
    controls.append(el('button', { type: 'button', class: 'quiet history-btn',
      text: open ? t('hide_history') : t('history') }));
    card.append(controls);
    if (open) card.append(renderHistory(state.histories.get(a.alert_id)));
    return card;
  }

  function renderHistory(rows) {
    if (!rows || !rows.length) return el('div', { class: 'history' }, el('p', { class: 'meta', text: t('no_history') }));
    return el('div', { class: 'history' }, el('table', {},
      el('thead', {}, el('tr', {}, ...['at', 'change', 'tier', 'status', 'by', 'note'].map(
        (k) => el('th', { text: t(k === 'note' ? 'note_col' : k) })))),
      el('tbody', {}, ...rows.slice().reverse().map((h) => el('tr', {},
        el('td', { text: fmtTime(h.at) }),
        el('td', { text: tOr('c_', h.change) }),
        el('td', { text: TIERS.includes(h.tier) ? t('tier_' + h.tier) : h.tier }),
        el('td', { text: tOr('st_', h.status) }),
        el('td', { text: h.by }),
        el('td', { text: h.note }))))));
  }

  async function onAlertClick(event) {
    const button = event.target.closest('button');
    if (!button) return;
    const card = button.closest('[data-alert-id]');
    if (!card) return;
    const id = card.dataset.alertId;
    const alert = state.alerts.find((a) => a.alert_id === id);
    const noteInput = card.querySelector('input.note');
    const note = noteInput ? noteInput.value.trim() : '';
    const path = '/api/v1/alerts/' + encodeURIComponent(id);
    if (button.classList.contains('history-btn')) {
      if (state.histories.has(id)) {
        state.histories.delete(id);
        renderAlerts();
        return;
      }
      const reply = await api('GET', path);
      if (reply.status !== 200) return toast(errorText(reply), true);
      state.histories.set(id, reply.data.history || []);
      renderAlerts();
      return;
    }
    if (button.classList.contains('silence-btn')) return openSilenceDialog(alert);
    let reply;
    let done;
    button.disabled = true;
    if (button.classList.contains('ack-btn')) {
      reply = await api('POST', path + '/ack', { note });
      done = 'done_ack';
    } else if (button.classList.contains('unack-btn')) {
      reply = await api('POST', path + '/unack');
      done = 'done_unack';
    } else if (button.classList.contains('resolve-btn')) {
      if (!window.confirm(t('confirm_resolve'))) {
        button.disabled = false;
        return;
      }
      reply = await api('POST', path + '/resolve', { note });
      done = 'done_resolve';
    } else {
      button.disabled = false;
      return;
    }
    button.disabled = false;
    if (reply.status !== 200) return toast(errorText(reply), true);
    if (noteInput) noteInput.value = '';
    // Show the answer at once; the event stream (or the next poll) brings the rest.
    const updated = reply.data.alert;
    state.alerts = state.alerts.map((a) => (a.alert_id === id ? updated : a))
      .filter((a) => a.status !== 'resolved');
    renderAlerts();
    toast(t(done) + ': ' + (alert && alert.subject ? alert.subject.id : id));
    scheduleRefresh();
  }

  // --- silences ---

  function matcherRow(name, value, isRegex) {
    const select = el('select', { class: 'name', 'aria-label': 'label' },
      ...LABELS.map((l) => el('option', { value: l, selected: l === name, text: l })));
    return el('div', { class: 'matcher' }, select,
      el('input', { class: 'value', type: 'text', value: value || '', 'aria-label': 'value' }),
      el('label', {}, el('input', { type: 'checkbox', class: 'regex', checked: !!isRegex }), ' ' + t('regex')),
      el('button', { type: 'button', class: 'quiet remove-matcher', text: t('remove') }));
  }

  function openSilenceDialog(alert) {
    state.silenceFor = alert || null;
    const rows = [];
    if (alert && alert.subject) {
      rows.push(matcherRow('subject_kind', alert.subject.kind, false));
      rows.push(matcherRow('subject_id', alert.subject.id, false));
    } else {
      rows.push(matcherRow('tier', '', false));
    }
    $('matchers').replaceChildren(...rows);
    $('silence-comment').value = '';
    $('silence-error').textContent = '';
    $('silence-dialog').showModal();
    $('silence-comment').focus();
  }

  async function submitSilence(event) {
    event.preventDefault();
    const matchers = [];
    for (const row of $('matchers').querySelectorAll('.matcher')) {
      const value = row.querySelector('input.value').value;
      if (!value) continue;
      matchers.push({
        name: row.querySelector('select.name').value,
        value,
        is_regex: row.querySelector('input.regex').checked,
      });
    }
    const comment = $('silence-comment').value.trim();
    if (!matchers.length) return void ($('silence-error').textContent = t('need_matcher'));
    if (!comment) return void ($('silence-error').textContent = t('need_comment'));
    // Count the duration from the daemon's clock (event time in a replay or demo), not ours.
    const current = await api('GET', '/api/v1/silences');
    if (current.status !== 200) return void ($('silence-error').textContent = errorText(current));
    const now = Date.parse(current.data.now);
    const duration = Number($('silence-duration').value);
    const endsAt = new Date((Number.isNaN(now) ? Date.now() : now) + duration).toISOString();
    const reply = await api('POST', '/api/v1/silences', { matchers, ends_at: endsAt, comment });
    if (reply.status !== 201) return void ($('silence-error').textContent = errorText(reply));
    $('silence-dialog').close();
    toast(t('done_silence') + ': ' + reply.data.silence.id);
    scheduleRefresh();
  }

  async function loadSilences() {
    const reply = await api('GET', '/api/v1/silences');
    if (reply.status !== 200) return;
    const list = reply.data.silences || [];
    const mayAct = state.me && state.me.may_act;
    const root = $('silences');
    const controls = mayAct
      ? el('p', {}, el('button', { type: 'button', id: 'new-silence', text: t('create_silence') }))
      : null;
    if (!list.length) {
      root.replaceChildren(...[controls, el('p', { class: 'empty', text: t('no_silences') })].filter(Boolean));
      return;
    }
    const order = { active: 0, pending: 1, expired: 2 };
    list.sort((x, y) => (order[x.status] - order[y.status]) || (x.ends_at < y.ends_at ? 1 : -1));
    root.replaceChildren(...[controls, el('table', {},
      el('thead', {}, el('tr', {}, ...['id', 'status', 'matchers', 'until', 'by', 'comment', ''].map(
        (k) => el('th', { text: k ? t(k) : '' })))),
      el('tbody', {}, ...list.map((s) => el('tr', { 'data-silence-id': s.id },
        el('td', { text: s.id }),
        el('td', { text: tOr('st_', s.status) }),
        el('td', {}, el('code', { text: (s.matchers || []).map(
          (m) => m.name + (m.is_regex ? '=~' : '=') + m.value).join(', ') })),
        el('td', { text: fmtTime(s.ends_at) }),
        el('td', { text: s.created_by }),
        el('td', { text: s.comment }),
        el('td', {}, mayAct && s.status !== 'expired'
          ? el('button', { type: 'button', class: 'quiet expire-btn', text: t('expire') }) : null)))))]
      .filter(Boolean));
  }

  async function onSilencesClick(event) {
    const button = event.target.closest('button');
    if (!button) return;
    if (button.id === 'new-silence') return openSilenceDialog(null);
    if (!button.classList.contains('expire-btn')) return;
    const id = button.closest('[data-silence-id]').dataset.silenceId;
    const reply = await api('DELETE', '/api/v1/silences/' + encodeURIComponent(id));
    if (reply.status !== 200) return toast(errorText(reply), true);
    toast(t('done_expire') + ': ' + id);
    scheduleRefresh(0);
  }

  // --- ledger and dead letters ---

  async function loadLedger() {
    const reply = await api('GET', '/api/v1/ledger');
    if (reply.status !== 200) return;
    const list = reply.data.ledger || [];
    const root = $('ledger');
    if (!list.length) return root.replaceChildren(el('p', { class: 'empty', text: t('no_ledger') }));
    const keys = ['case_id', 'region', 'agency', 'category', 'reasons', 'owner', 'since', 'last_activity'];
    root.replaceChildren(el('table', {},
      el('thead', {}, el('tr', {}, ...keys.map((k) => el('th', { text: t(k) })))),
      el('tbody', {}, ...list.map((e) => el('tr', {}, ...keys.map((k) => el('td', {
        text: k === 'reasons' ? (e.reasons || []).join(', ')
          : (k === 'since' || k === 'last_activity') ? fmtTime(e[k])
            : (k === 'category' && e[k]) ? tOr('cat_', e[k]) : (e[k] || '—'),
      })))))));
  }

  async function loadDeadLetters() {
    const root = $('dead');
    if (!state.me || !state.me.may_read_dead_letters) {
      return root.replaceChildren(el('p', { class: 'empty', text: t('dead_forbidden') }));
    }
    const reply = await api('GET', '/api/v1/dead-letters?limit=100');
    if (reply.status !== 200) return;
    const list = reply.data.dead_letters || [];
    if (!list.length) return root.replaceChildren(el('p', { class: 'empty', text: t('no_dead') }));
    root.replaceChildren(el('table', {},
      el('thead', {}, el('tr', {}, ...['received', 'feed', 'reason', 'detail', 'raw'].map(
        (k) => el('th', { text: t(k) })))),
      el('tbody', {}, ...list.map((d) => el('tr', {},
        el('td', { text: fmtTime(d.received_at) }),
        el('td', { text: d.feed }),
        el('td', { text: d.reason }),
        el('td', { text: d.detail }),
        el('td', {}, el('code', { text: (d.raw || '').slice(0, 300) + ((d.raw || '').length > 300 ? '…' : '') })))))));
  }

  // --- live updates ---

  function setLive(mode) {
    state.live = mode;
    const badge = $('live');
    badge.className = 'live ' + (mode === 'on' ? 'on' : mode === 'poll' ? 'poll' : 'off');
    badge.textContent = t(mode === 'on' ? 'live' : mode === 'poll' ? 'polling' : 'offline');
  }

  function stopLive() {
    if (state.stream) state.stream.abort();
    state.stream = null;
    clearInterval(state.pollTimer);
    clearTimeout(state.retryTimer);
    state.pollTimer = 0;
    setLive('off');
  }

  function startPolling() {
    if (state.pollTimer) return;
    setLive('poll');
    state.pollTimer = setInterval(refresh, POLL_MS);
  }

  async function startLive() {
    stopLive();
    startPolling();  // until the stream is open, and whenever it is not
    const controller = new AbortController();
    state.stream = controller;
    try {
      const response = await fetch('/api/v1/events', {
        headers: { Authorization: 'Bearer ' + state.token, Accept: 'text/event-stream' },
        cache: 'no-store',
        signal: controller.signal,
      });
      if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
      clearInterval(state.pollTimer);
      state.pollTimer = 0;
      setLive('on');
      refresh();
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: change$/m.test(block)) scheduleRefresh();
        }
      }
    } catch (e) {
      // Aborted (sign-out, reload) or the daemon went away: fall back to polling below.
    }
    if (state.stream !== controller || !state.me) return;
    state.stream = null;
    startPolling();
    state.retryTimer = setTimeout(() => { if (state.me) startLive(); }, STREAM_RETRY_MS);
  }

  // --- language ---

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    $('lang').value = state.lang;
    $('token-input').placeholder = t('token');
    setLive(state.live);
    if (state.me) {
      $('whoami').textContent = state.me.name + (state.me.may_act ? '' : ' · ' + t('viewer_note'));
      renderAlerts();
      if (state.tab !== 'alerts') refresh();
    }
  }

  // --- start ---

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = $('token-input').value.trim();
      $('token-input').value = '';
      if (token) signIn(token);
    });
    $('signout').addEventListener('click', () => signOut(''));
    $('lang').addEventListener('change', () => {
      state.lang = $('lang').value;
      localStorage.setItem('casewatch.lang', state.lang);
      applyLanguage();
    });
    for (const b of document.querySelectorAll('.tabs button')) {
      b.addEventListener('click', () => { if (state.me) selectTab(b.dataset.tab); });
    }
    $('alerts').addEventListener('click', onAlertClick);
    $('alerts').addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target.matches('input.note')) {
        const ack = event.target.closest('[data-alert-id]').querySelector('.ack-btn');
        if (ack) ack.click();
      }
    });
    $('silences').addEventListener('click', onSilencesClick);
    $('silence-form').addEventListener('submit', submitSilence);
    $('silence-cancel').addEventListener('click', () => $('silence-dialog').close());
    $('add-matcher').addEventListener('click', () => $('matchers').append(matcherRow('tier', '', false)));
    $('matchers').addEventListener('click', (event) => {
      if (event.target.closest('.remove-matcher')) event.target.closest('.matcher').remove();
    });
    setInterval(() => { if (state.me && state.live === 'on') refresh(); }, SAFETY_REFRESH_MS);
    applyLanguage();
    if (state.token) signIn(state.token);
    else showLogin('');
  });
})();
