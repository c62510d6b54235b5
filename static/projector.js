// The live tally view (projector and console). Renders the tally engine's result JSON into
// the page's candidate rows (ballot order, fixed by the server) and follows the vote's
// server-sent events; EventSource reconnects by itself, and when the browser gives up (an
// error answer during a restart) a new connection is made. The first event after a
// reconnection is the whole current result, so the view catches up. 当选 shows only once
// the result is certified.
(function () {
  var root = document.getElementById('live');
  if (!root) return;
  var STATES = { draft: '准备', voting: '投票中', counting: '计票中', review: '待确认（等待签署）', certified: '已确认' };
  var PARTIAL = ['', '一', '丅', '下', '止'];
  function strokes(n) {
    var full = Math.floor(n / 5);
    if (full > 40) return '正 × ' + full + ' ' + PARTIAL[n % 5];
    return new Array(full + 1).join('正') + PARTIAL[n % 5];
  }
  function text(sel, value, scope) {
    var el = (scope || root).querySelector(sel);
    if (el) el.textContent = value;
  }
  function rowFor(section, c) {
    var rows = section.querySelectorAll('li.cand');
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].dataset.name === c.name) return rows[i];
    }
    // A written-in name gets a row of its own below the ballot's candidates.
    var li = section.querySelector('li.cand').cloneNode(true);
    li.dataset.name = c.name;
    li.querySelector('.num').textContent = '';
    li.querySelector('.name').textContent = c.name;
    section.querySelector('ol.write-ins').appendChild(li);
    return li;
  }
  function render(r) {
    if (!r || !r.ballots) return;
    var collected = r.ballots.collected || 0;
    var counted = r.ballots.counted || 0;
    var scale = Math.max(collected, 1);
    text('#counted', counted);
    text('#collected', collected);
    var fill = root.querySelector('#progress-fill');
    if (fill) fill.style.width = Math.min(100, (counted / scale) * 100) + '%';
    text('#state', STATES[r.state] || r.state || '');
    var v = root.querySelector('#void');
    if (v) {
      v.hidden = r.valid !== false;
      v.textContent = r.valid === false ? '本轮投票无效，应按原方案重新投票。' : '';
    }
    (r.posts || []).forEach(function (p) {
      var section = null;
      root.querySelectorAll('section.post').forEach(function (s) { if (s.dataset.post === p.post) section = s; });
      if (!section) return;
      text('.threshold', p.threshold, section);
      (p.candidates || []).forEach(function (c) {
        var li = rowFor(section, c);
        var votes = c['for'] || 0;
        li.querySelector('.votes').textContent = votes;
        li.querySelector('.bar .fill').style.width = Math.min(100, (votes / scale) * 100) + '%';
        var line = li.querySelector('.bar .line');
        line.style.left = Math.min(100, (p.threshold / scale) * 100) + '%';
        line.style.display = 'block';
        li.querySelector('.strokes').textContent = strokes(votes);
        var badge = li.querySelector('.badge');
        var elected = r.certified === true && c.status === 'elected';
        badge.hidden = !elected;
        badge.textContent = elected ? '当选' : '';
      });
    });
    window.__tallyEvents = (window.__tallyEvents || 0) + 1;
    root.dispatchEvent(new CustomEvent('tally', { detail: r }));
  }
  try { render(JSON.parse(document.getElementById('initial').textContent || 'null')); } catch (e) { /* no result yet */ }
  var stopped = false;
  var conn = root.querySelector('#conn');
  function connect() {
    var es = new EventSource(root.dataset.events);
    es.addEventListener('open', function () { if (conn) conn.hidden = true; });
    es.addEventListener('tally', function (e) { if (conn) conn.hidden = true; render(JSON.parse(e.data)); });
    es.addEventListener('revoked', function () {
      stopped = true;
      es.close();
      if (conn) { conn.hidden = false; conn.textContent = '显示链接已撤销'; }
    });
    es.onerror = function () {
      if (stopped) return;
      if (conn) conn.hidden = false;
      if (es.readyState === EventSource.CLOSED) setTimeout(connect, 1500);
    };
  }
  connect();
})();
