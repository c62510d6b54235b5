// A long page gets a table of contents: links to each card's heading, above the first card,
// when the page is taller than two screens and has at least three headed cards.
(function () {
  'use strict';
  var main = document.querySelector('main');
  if (!main || document.documentElement.scrollHeight < 2 * window.innerHeight) { return; }
  var heads = main.querySelectorAll('section.card > h2');
  if (heads.length < 3) { return; }
  var nav = document.createElement('nav');
  nav.className = 'toc no-print';
  nav.setAttribute('aria-label', '本页目录');
  nav.appendChild(document.createTextNode('本页：'));
  Array.prototype.forEach.call(heads, function (h, i) {
    if (!h.id) { h.id = 'part-' + (i + 1); }
    var a = document.createElement('a');
    a.href = '#' + h.id;
    a.textContent = h.textContent.trim();
    nav.appendChild(a);
  });
  var first = heads[0].closest('section');
  first.parentNode.insertBefore(nav, first);
})();
