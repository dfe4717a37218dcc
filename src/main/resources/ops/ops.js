// The ops page: polls /api/ops/summary and draws it with plain DOM and SVG (no libraries, no CDN).
(function () {
  'use strict';
  const REFRESH_MS = 2000;
  const COLORS = ['#2f7ed8', '#d8572f', '#2a8a3a', '#8e44ad'];

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fmt(value, digits) {
    return value === null || value === undefined ? '–' : Number(value).toFixed(digits);
  }

  function drawEvents(summary) {
    const body = document.querySelector('#events tbody');
    body.replaceChildren();
    summary.events.forEach(event => {
      const row = el('tr', { 'data-event': event.eventId });
      const idCell = el('td', { class: 'event-id' });
      idCell.append(el('a', { class: 'winners-link', href: '/ops?winners=' + encodeURIComponent(event.eventId) },
        event.eventId));
      row.append(idCell);
      row.append(el('td', { class: 'issued' }, event.issued + ' / ' + event.cap));
      const bar = el('div', { class: 'bar' + (event.remaining === 0 ? ' full' : '') });
      const share = event.cap > 0 ? Math.min(100, 100 * event.issued / event.cap) : 0;
      bar.append(el('div', { style: 'width:' + share + '%' }));
      const barCell = el('td');
      barCell.append(bar);
      row.append(barCell);
      row.append(el('td', { class: 'remaining' }, String(event.remaining)));
      row.append(el('td', { class: 'stages' }, stagesOf(event, summary)));
      body.append(row);
    });
    const error = document.getElementById('events-error');
    error.hidden = !summary.eventsError;
    error.textContent = summary.eventsError ? 'events: ' + summary.eventsError : '';
  }

  // A spread event decides in two stages: stage 1 on every partition, stage 2 (its counter) on one.
  function stagesOf(event, summary) {
    if (!event.spread) return 'one partition';
    const groups = summary.lag ? summary.lag.groups : [];
    for (const group of groups) {
      const counter = (group.partitions || []).find(p => (p.counterOf || []).includes(event.eventId));
      if (counter) {
        return 'spread: stage 1 on every partition, stage 2 on ' + counter.topic + '-' + counter.partition
          + ' (lag ' + counter.lag + ', ' + fmt(counter.lagSeconds, 1) + ' s)';
      }
    }
    return 'spread: stage 1 on every partition';
  }

  // The admin token: the winners' route always needs it, and the summary does when the page shares the
  // API's port (no COUPON_MANAGEMENT_PORT). The page asks for it once and keeps it for the tab
  // (sessionStorage; also taken from a #token=... fragment, which never reaches a server).
  const TOKEN_KEY = 'couponAdminToken';

  function withToken(options) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = token ? { 'Authorization': 'Bearer ' + token } : {};
    return Object.assign({ cache: 'no-store', headers: headers }, options || {});
  }

  // A 401: the token is missing or wrong; forget it and ask.
  function askForToken(why) {
    sessionStorage.removeItem(TOKEN_KEY);
    document.getElementById('token-why').textContent = why;
    document.getElementById('token-form').hidden = false;
  }

  // The winners of one event (/ops?winners=<eventId>), from the coupon table through the admin route
  // GET /api/events/{id}/coupons.

  function takeTokenFromFragment() {
    if (location.hash.startsWith('#token=')) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(location.hash.substring('#token='.length)));
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  async function loadWinners(eventId) {
    const section = document.getElementById('winners-section');
    section.hidden = false;
    document.getElementById('winners-event').textContent = eventId;
    const error = document.getElementById('winners-error');
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      askForToken('admin token (for the winners)');
      return;
    }
    const response = await fetch('/api/events/' + encodeURIComponent(eventId) + '/coupons?limit=1000', withToken());
    const body = await response.json();
    if (!response.ok) {
      if (response.status === 401) askForToken('admin token (for the winners)');
      error.hidden = false;
      error.textContent = body.message || ('HTTP ' + response.status);
      return;
    }
    error.hidden = true;
    const counts = document.getElementById('winners-counts');
    counts.textContent = 'issued ' + body.issued + ' · stored ' + body.stored + ' · pending ' + body.pending
      + (body.pending > 0 ? ' (the writer has not stored them yet)' : '') + (body.next ? ' · first 1,000 shown' : '');
    counts.setAttribute('data-pending', String(body.pending));
    const rows = document.querySelector('#winners tbody');
    rows.replaceChildren();
    body.coupons.forEach(c => {
      const row = el('tr', { 'data-seq': String(c.seq) });
      [String(c.seq), c.couponId, c.userId, c.issuedAt].forEach(v => row.append(el('td', {}, v)));
      rows.append(row);
    });
    section.setAttribute('data-winners-loaded', 'true');
  }

  function card(container, label, value, extraClass, dataKey) {
    const box = el('div', { class: 'card', 'data-key': dataKey });
    box.append(el('div', {}, label));
    box.append(el('div', { class: 'value ' + (extraClass || '') }, value));
    container.append(box);
    return box;
  }

  function drawGroups(summary) {
    const container = document.getElementById('groups');
    container.replaceChildren();
    if (!summary.lag) return;
    summary.lag.groups.forEach(group => {
      const box = card(container, group.group, group.status + ' · ' + group.lag, 'status-' + group.status,
        'group-' + group.group);
      box.append(el('div', {}, group.error ? group.error : fmt(group.maxLagSeconds, 1) + ' s behind'));
    });
  }

  // Shown only when there is one: each with its partition, producer, age and the remedy.
  function drawTransactions(summary) {
    const hanging = summary.lag ? summary.lag.hangingTransactions : [];
    const section = document.getElementById('transactions-section');
    const list = document.getElementById('transactions');
    list.replaceChildren();
    const problems = hanging.slice();
    if (summary.lag && summary.lag.transactionsError) problems.push({ detail: summary.lag.transactionsError });
    section.hidden = problems.length === 0;
    problems.forEach(h => {
      const item = el('li', { class: h.confirmed ? 'status-HANGING' : 'status-WARN',
        'data-partition': h.topic ? h.topic + '-' + h.partition : '' });
      item.append(el('div', { class: 'hanging-head' }, h.topic
        ? h.topic + '-' + h.partition + ' · producer ' + h.producerId + ' · from offset ' + h.startOffset
          + ' · ' + h.ageSeconds + ' s · ' + (h.confirmed ? h.outcome : 'unconfirmed')
          + (h.confirmed && h.owner && h.owner !== 'OURS' ? ' · ' + h.owner : '')
        : 'scan failed'));
      item.append(el('div', { class: 'hanging-detail' }, h.detail));
      list.append(item);
    });
  }

  function drawRates(summary) {
    const container = document.getElementById('rates');
    container.replaceChildren();
    const last = summary.history.length ? summary.history[summary.history.length - 1] : {};
    card(container, 'accepted', fmt(last.acceptedPerSecond, 1), '', 'accepted');
    card(container, 'decided', fmt(last.decidedPerSecond, 1), '', 'decided');
    card(container, 'written', fmt(last.writtenPerSecond, 1), '', 'written');
  }

  // One polyline per series on a shared time axis; y from 0 to the largest value.
  function drawChart(svg, history, series) {
    svg.replaceChildren();
    if (history.length < 1) return;
    const t0 = Date.parse(history[0].at);
    const t1 = Math.max(t0 + 1, Date.parse(history[history.length - 1].at));
    let max = 1;
    series.forEach(s => history.forEach(p => { const v = s.value(p); if (v > max) max = v; }));
    const ns = 'http://www.w3.org/2000/svg';
    series.forEach((s, i) => {
      const points = history.map(p => {
        const v = s.value(p) || 0;
        const x = 600 * (Date.parse(p.at) - t0) / (t1 - t0);
        const y = 115 - 110 * v / max;
        return x.toFixed(1) + ',' + y.toFixed(1);
      }).join(' ');
      const line = document.createElementNS(ns, 'polyline');
      line.setAttribute('points', points);
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', COLORS[i % COLORS.length]);
      line.setAttribute('stroke-width', '2');
      line.setAttribute('vector-effect', 'non-scaling-stroke');
      line.setAttribute('data-series', s.name);
      svg.append(line);
      const label = document.createElementNS(ns, 'text');
      label.setAttribute('x', '6');
      label.setAttribute('y', String(14 + 14 * i));
      label.setAttribute('fill', COLORS[i % COLORS.length]);
      label.setAttribute('font-size', '11');
      label.textContent = s.name + ' (max ' + Math.round(max) + ')';
      svg.append(label);
    });
  }

  function draw(summary) {
    document.getElementById('updated').textContent = 'updated ' + new Date(summary.at).toLocaleTimeString();
    drawEvents(summary);
    drawGroups(summary);
    drawTransactions(summary);
    drawRates(summary);
    const groups = summary.lag ? summary.lag.groups.map(g => g.group) : [];
    drawChart(document.getElementById('lag-chart'), summary.history,
      groups.map(g => ({ name: g, value: p => p.lag[g] })));
    drawChart(document.getElementById('rate-chart'), summary.history, [
      { name: 'accepted/s', value: p => p.acceptedPerSecond },
      { name: 'decided/s', value: p => p.decidedPerSecond },
      { name: 'written/s', value: p => p.writtenPerSecond }]);
    document.body.setAttribute('data-loaded', 'true');
  }

  function refresh() {
    fetch('/api/ops/summary', withToken())
      .then(response => {
        if (response.status === 401) {
          askForToken('admin token (this port serves the public API too)');
          throw new Error('the admin token is needed');
        }
        return response.json();
      })
      .then(draw)
      .catch(error => { document.getElementById('updated').textContent = 'refresh failed: ' + error; })
      .finally(() => setTimeout(refresh, REFRESH_MS));
  }

  function showWinners(eventId) {
    loadWinners(eventId).catch(error => {
      const box = document.getElementById('winners-error');
      box.hidden = false;
      box.textContent = 'winners could not be loaded: ' + error;
    });
  }

  takeTokenFromFragment();
  const winnersOf = new URLSearchParams(location.search).get('winners');
  document.getElementById('token-form').addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, document.getElementById('token-input').value);
    document.getElementById('token-form').hidden = true;
    if (winnersOf) showWinners(winnersOf);
  });
  if (winnersOf) showWinners(winnersOf);
  refresh();
}());
