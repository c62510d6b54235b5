// Keyboard-first ballot entry: digits toggle 赞成 of the focused post's candidates, "-" then a
// digit toggles 不赞成, "/" marks invalid, "?" undecided, Enter commits. Overvotes show at once.
(function () {
  var form = document.getElementById('entry');
  if (!form) return;
  var posts = Array.prototype.slice.call(form.querySelectorAll('fieldset.post'));
  var current = 0, against = false;
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
      if (e.key === 'Enter') { e.preventDefault(); form.submit(); }
      return;
    }
    if (e.key === 'Tab') { e.preventDefault(); current = (current + (e.shiftKey ? posts.length - 1 : 1)) % posts.length; posts.forEach(function (p, i) { p.classList.toggle('active', i === current); }); return; }
    if (e.key === '-') { against = true; return; }
    if (e.key === '/') { kind('invalid'); form.querySelector('input[name=reason]').focus(); e.preventDefault(); return; }
    if (e.key === '?') { kind('undecided'); return; }
    if (e.key === 'Enter') { e.preventDefault(); form.submit(); return; }
    if (/^[1-9]$/.test(e.key) && posts[current]) {
      var items = posts[current].querySelectorAll('li');
      var li = items[parseInt(e.key, 10) - 1];
      if (li) {
        var box = li.querySelector(against ? 'input.against' : 'input.for');
        if (box) { box.checked = !box.checked; }
        kind('marks');
        check();
      }
      against = false;
    }
  });
  if (posts[0]) posts[0].classList.add('active');
  check();
})();
