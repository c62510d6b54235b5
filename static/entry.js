// Keyboard-first ballot entry: a candidate's number toggles 赞成 in the focused post (numbers
// above 9 are typed as two digits; a lone digit that could start one waits half a second),
// "-" then a number toggles 不赞成, "/" marks invalid, "?" undecided, Enter commits (once).
// Overvotes show at once.
(function () {
  var form = document.getElementById('entry');
  if (!form) return;
  var posts = Array.prototype.slice.call(form.querySelectorAll('fieldset.post'));
  var current = 0, against = false, buf = '', timer = null, sent = false;
  function toggle(n) {
    var items = posts[current].querySelectorAll('li');
    var li = items[n - 1];
    if (li) {
      var box = li.querySelector(against ? 'input.against' : 'input.for');
      if (box) { box.checked = !box.checked; }
      kind('marks');
      check();
    }
    against = false;
  }
  function flush() {
    clearTimeout(timer);
    if (buf) { var n = parseInt(buf, 10); buf = ''; toggle(n); }
  }
  function commit() {
    flush();
    if (sent) return;
    sent = true;
    var b = document.getElementById('commit');
    if (b) b.disabled = true;
    form.submit();
  }
  function check() {
    posts.forEach(function (p) {
      var seats = parseInt(p.dataset.seats, 10);
      var n = p.querySelectorAll('input.for:checked').length;
      var w = p.querySelector('input.write').value.split(/[,，、\s]+/).filter(function (x) { return x; }).length;
      p.querySelector('.overvote').hidden = n + w <= seats;
    });
  }
  function kind(v) { form.querySelector('input[name=kind][value=' + v + ']').checked = true; }
  form.addEventListener('change', check);
  form.addEventListener('input', check);
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (t && t.tagName === 'INPUT' && (t.type === 'text' || t.name === 'reason' || t.classList.contains('write'))) {
      if (e.key === 'Enter') { e.preventDefault(); commit(); }
      return;
    }
    if (e.key === 'Tab') { e.preventDefault(); current = (current + (e.shiftKey ? posts.length - 1 : 1)) % posts.length; posts.forEach(function (p, i) { p.classList.toggle('active', i === current); }); return; }
    if (e.key === '-') { against = true; return; }
    if (e.key === '/') { kind('invalid'); form.querySelector('input[name=reason]').focus(); e.preventDefault(); return; }
    if (e.key === '?') { kind('undecided'); return; }
    if (e.key === 'Enter') { e.preventDefault(); commit(); return; }
    if (/^[0-9]$/.test(e.key) && posts[current]) {
      e.preventDefault();
      buf += e.key;
      var count = posts[current].querySelectorAll('li').length;
      if (buf.length >= 2 || parseInt(buf, 10) * 10 > count) { flush(); }
      else { clearTimeout(timer); timer = setTimeout(flush, 500); }
    }
  });
  form.addEventListener('submit', function (e) {
    if (sent) { e.preventDefault(); return; }
    flush();
    sent = true;
  });
  if (posts[0]) posts[0].classList.add('active');
  check();
})();
