// Countersign inbox live updates: when a task for one of my groups appears or goes away, the
// server sends an SSE event and this script refreshes the task list in place. Everything works
// without it (reload the page); no inline script, no third-party code.
(function () {
  'use strict';
  var list = document.getElementById('task-list');
  if (!list || !window.EventSource) {
    return;
  }
  var live = document.getElementById('live');
  var pending = false;

  function refresh(message) {
    if (pending) {
      return;
    }
    pending = true;
    fetch(window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        pending = false;
        if (!html) {
          return;
        }
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('task-list');
        if (fresh) {
          list.replaceWith(fresh);
          list = fresh;
          if (live) {
            live.textContent = message;
          }
        }
      })
      .catch(function () { pending = false; });
  }

  var source = new EventSource(list.getAttribute('data-live-url'));
  source.onmessage = function (e) {
    if (e.data === 'keep-alive') {
      return;
    }
    var kind = e.data.split(' ')[0];
    refresh(kind === 'created' ? 'A new task arrived.' : 'The task list changed.');
  };
})();
