// Countersign request page: draws the request's approval process with the vendored bpmn-js
// viewer and marks the steps taken (completed, active, ended early) and the flows between them.
// The ordered list of steps on the page says the same without JavaScript; this only enhances it.
// Data comes from the same-origin JSON endpoint named by data-source (the reviewer's session);
// no inline script or style, no eval.
(function () {
  'use strict';

  function stateOf(steps) {
    // one element may have been entered several times (a review loop): active wins, then completed
    var rank = { terminated: 1, completed: 2, active: 3 };
    var byId = {};
    steps.forEach(function (s) {
      var seen = byId[s.elementId];
      if (!seen || rank[s.state] > rank[seen]) {
        byId[s.elementId] = s.state;
      }
    });
    return byId;
  }

  // A flow was taken when its source completed and its target was entered after that (element
  // instance keys grow in activation order), so a loop back that never ran stays unmarked.
  function taken(flow, steps) {
    return steps.some(function (s) {
      return s.elementId === flow.source.id && s.state === 'completed' && steps.some(function (t) {
        return t.elementId === flow.target.id && t.key > s.key;
      });
    });
  }

  function draw(figure, canvasEl, trace) {
    canvasEl.hidden = false;
    var viewer = new window.BpmnJS({ container: canvasEl });
    return viewer.importXML(trace.bpmnXml).then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      var states = stateOf(trace.steps);
      Object.keys(states).forEach(function (id) {
        var element = registry.get(id);
        if (element) {
          canvas.addMarker(id, 'process-' + states[id]);
          if (element.type === 'bpmn:SubProcess') {
            canvas.addMarker(id, 'process-scope'); // a container: outlined, not filled over its content
          }
        }
      });
      registry.filter(function (e) { return e.type === 'bpmn:SequenceFlow'; }).forEach(function (flow) {
        if (flow.source && flow.target && taken(flow, trace.steps)) {
          canvas.addMarker(flow.id, 'process-taken');
        }
      });
      canvas.zoom('fit-viewport');
      var svg = canvasEl.querySelector('svg');
      if (svg) {
        svg.setAttribute('role', 'img');
        svg.setAttribute('aria-label', 'Diagram of the approval process; the list below names each step taken');
      }
      figure.setAttribute('data-state', 'drawn');
    });
  }

  function start() {
    var figure = document.getElementById('process-diagram');
    var canvasEl = document.getElementById('process-canvas');
    if (!figure || !canvasEl || !window.fetch || typeof window.BpmnJS !== 'function') {
      return;
    }
    fetch(figure.getAttribute('data-source'), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.json();
      })
      .then(function (trace) {
        if (!trace.bpmnXml) {
          figure.setAttribute('data-state', 'unavailable');
          return null;
        }
        return draw(figure, canvasEl, trace);
      })
      .catch(function () {
        canvasEl.hidden = true;
        figure.setAttribute('data-state', 'failed');
      });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
