// The scrutineers' console: after each live tally event, everything below the live numbers
// (state, queues, the count table, each table's progress, staff and sign-off) is fetched again
// and swapped in, unless someone is typing in one of its forms. Loaded with `defer`: the parts
// it swaps come after it in the page.
(function () {
  var live = document.getElementById('live');
  var box = document.getElementById('queues');
  if (!live || !box) return;
  var timer = null;
  function busy() {
    var a = document.activeElement;
    return a && box.contains(a) && /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName);
  }
  function refresh() {
    if (busy()) { timer = setTimeout(refresh, 1000); return; }
    fetch(location.href, { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html || busy()) return;
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('queues');
        if (fresh) box.innerHTML = fresh.innerHTML;
      })
      .catch(function () { /* the next event retries */ });
  }
  live.addEventListener('tally', function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();
