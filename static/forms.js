// A refused form comes back as it was typed: the server sends the fields of the last post
// (without tokens or passwords) and its field errors in #form-echo; this puts the values back
// into the form posted to and writes each error beside its field. One script for every form.
(function () {
  'use strict';
  var data = document.getElementById('form-echo');
  if (!data) { return; }
  var echo;
  try { echo = JSON.parse(data.textContent); } catch (e) { return; }
  function pathOf(action) {
    var a = document.createElement('a');
    a.href = action || window.location.pathname;
    return a.pathname;
  }
  var forms = Array.prototype.filter.call(document.forms, function (f) {
    return pathOf(f.getAttribute('action')) === echo.action;
  });
  var form = forms[0];
  if (!form) { return; }
  var seen = {};
  echo.fields.forEach(function (pair) {
    var name = pair[0], value = pair[1];
    var all = form.querySelectorAll('[name="' + name.replace(/"/g, '\\"') + '"]');
    if (all.length === 0) { return; }
    var first = all[0];
    if (first.type === 'checkbox' || first.type === 'radio') {
      Array.prototype.forEach.call(all, function (el) { if (el.value === value) { el.checked = true; } });
      return;
    }
    // Repeated names (a post per line group …) take their values in order.
    var i = seen[name] || 0;
    seen[name] = i + 1;
    var el = all[Math.min(i, all.length - 1)];
    if (el.type === 'hidden' || el.type === 'file') { return; }
    el.value = value;
  });
  // An unticked checkbox is absent from a post: untick those the page ticked by default.
  Array.prototype.forEach.call(form.querySelectorAll('input[type=checkbox]'), function (el) {
    var sent = echo.fields.some(function (p) { return p[0] === el.name && p[1] === el.value; });
    if (!sent) { el.checked = false; }
  });
  (echo.errors || []).forEach(function (err) {
    if (!err.field) { return; }
    var label = Array.prototype.find.call(form.querySelectorAll('label'), function (l) {
      return l.textContent.trim().indexOf(err.field) === 0;
    });
    if (!label) { return; }
    var input = label.querySelector('input, select, textarea');
    if (input) { input.setAttribute('aria-invalid', 'true'); }
    var note = document.createElement('span');
    note.className = 'field-error';
    note.textContent = err.message;
    label.appendChild(note);
  });
})();
