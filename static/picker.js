// The person picker: an input marked data-pick="<search address>" holds a person's id (or,
// with data-pick-multi, ids separated by commas, in order). This hides it and puts a search
// box in its place: the clerk types a name, the initials of its pinyin or the last digits of
// the ID number, and picks from the matches, each with what tells namesakes apart. Without
// this script the plain input still takes an id.
(function () {
  'use strict';
  var PLACEHOLDER = '输入姓名、拼音首字母或身份证号后几位';

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  function lookup(url, params) {
    var sep = url.indexOf('?') < 0 ? '?' : '&';
    return fetch(url + sep + params, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : { people: [] }; })
      .then(function (j) { return j.people || []; })
      .catch(function () { return []; });
  }

  function setUp(input) {
    var url = input.getAttribute('data-pick');
    var multi = input.hasAttribute('data-pick-multi');
    var required = input.required;
    input.required = false;
    input.style.display = 'none';
    input.setAttribute('aria-hidden', 'true');
    input.tabIndex = -1;

    var wrap = el('span', 'picker');
    var chips = el('span', 'pick-chips');
    var box = el('input', 'pick-box');
    box.type = 'search';
    box.autocomplete = 'off';
    box.placeholder = PLACEHOLDER;
    box.setAttribute('aria-label', PLACEHOLDER);
    var list = el('ul', 'pick-list');
    list.hidden = true;
    var chosenNote = el('small', 'pick-hint muted');
    wrap.appendChild(chips);
    wrap.appendChild(box);
    wrap.appendChild(chosenNote);
    wrap.appendChild(list);
    input.parentNode.insertBefore(wrap, input.nextSibling);

    var chosen = []; // [{id, name, hint}]
    var matches = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function sync() {
      input.value = chosen.map(function (p) { return p.id; }).join(multi ? ',' : '');
      input.dispatchEvent(new Event('change', { bubbles: true }));
      if (multi) {
        chips.textContent = '';
        chosen.forEach(function (p, i) {
          var chip = el('span', 'chip', (multi ? (i + 1) + '. ' : '') + p.name);
          chip.title = p.hint || '';
          var x = el('button', 'chip-x', '×');
          x.type = 'button';
          x.setAttribute('aria-label', '移除' + p.name);
          x.addEventListener('click', function () { chosen.splice(i, 1); sync(); });
          chip.appendChild(x);
          chips.appendChild(chip);
        });
        chosenNote.textContent = '';
      } else {
        var p = chosen[0];
        chosenNote.textContent = p ? p.hint || '' : '';
      }
      box.setCustomValidity('');
    }

    function close() { list.hidden = true; active = -1; }

    function show() {
      list.textContent = '';
      if (matches.length === 0) {
        var none = el('li', 'pick-none', box.value.trim() ? '没有找到符合的人员' : '');
        list.appendChild(none);
      }
      matches.forEach(function (p, i) {
        var li = el('li', i === active ? 'active' : '');
        li.appendChild(el('strong', '', p.name));
        li.appendChild(el('small', 'muted', ' ' + (p.hint || '')));
        li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = !box.value.trim();
    }

    function choose(i) {
      var p = matches[i];
      if (!p) { return; }
      if (multi) {
        if (!chosen.some(function (c) { return c.id === p.id; })) { chosen.push(p); }
        box.value = '';
      } else {
        chosen = [p];
        box.value = p.name;
      }
      sync();
      close();
    }

    box.addEventListener('input', function () {
      if (!multi) { chosen = []; sync(); }
      clearTimeout(timer);
      var q = box.value.trim();
      if (!q) { close(); return; }
      timer = setTimeout(function () {
        var n = ++asked;
        lookup(url, 'q=' + encodeURIComponent(q)).then(function (people) {
          if (n !== asked) { return; }
          matches = people;
          active = people.length ? 0 : -1;
          show();
        });
      }, 150);
    });
    box.addEventListener('keydown', function (e) {
      if (list.hidden) { return; }
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (!matches.length) { return; }
        active = (active + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
        show();
      } else if (e.key === 'Enter') {
        e.preventDefault();
        choose(active < 0 ? 0 : active);
      } else if (e.key === 'Escape') {
        close();
      }
    });
    box.addEventListener('blur', function () { setTimeout(close, 100); });

    var form = input.form;
    if (form) {
      form.addEventListener('submit', function (e) {
        if (required && chosen.length === 0) {
          e.preventDefault();
          box.setCustomValidity('请从列表中选择人员');
          box.reportValidity();
        }
      });
    }

    // An id already in the input (an edit, or a refused form given back): show the names.
    var ids = (input.value || '').split(/[,，、\s]+/).filter(function (s) { return /^\d+$/.test(s); });
    ids.reduce(function (done, id) {
      return done.then(function () {
        return lookup(url, 'id=' + id).then(function (people) {
          if (people[0]) { chosen.push(people[0]); }
        });
      });
    }, Promise.resolve()).then(function () {
      if (ids.length && !chosen.length) { return; } // not found: keep the typed ids as they are
      if (!multi && chosen[0]) { box.value = chosen[0].name; }
      sync();
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('input[data-pick]'), setUp);
})();
