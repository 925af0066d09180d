/*
 * Layout checks of the page in the current viewport, run by inbox/PhoneLayoutBrowserTest; returns a
 * JSON string. The rules, exactly (docs/inbox.md, "On a phone"):
 * - overflow: the page must not scroll sideways (documentElement.scrollWidth <= innerWidth, and a
 *   phone must not zoom out to fit wider content: innerWidth stays the device's width); the
 *   innermost elements whose box or content reaches past that width, outside any element that
 *   scrolls or clips sideways, are listed to say where an overflow comes from;
 * - touch targets: every visible, enabled a[href], button, input (not hidden), select, textarea and
 *   summary has a box of at least 44x44 CSS px. Exempt only: a link inside running prose, that is a
 *   link whose computed display is "inline" and whose nearest non-inline ancestor has letters or
 *   digits outside its links and buttons. An element lying wholly left of or above the page (the
 *   skip link's pattern) is measured while it has the focus, as it appears then;
 * - hidden: an element counts as invisible when it or an ancestor has no box, is not
 *   visibility:visible, or is clipped to at most 1x1 px (the visually-hidden pattern);
 * - font sizes: visible text at least 14 px, form controls at least 16 px (smaller makes
 *   phones zoom in on focus).
 */
window.countersignLayoutCheck = function (width) {
  var MIN_TARGET = 44, MIN_TEXT = 14, MIN_CONTROL = 16;
  var vw = width;

  function describe(el) {
    var s = el.tagName.toLowerCase();
    if (el.id) {
      s += '#' + el.id;
    } else if (typeof el.className === 'string' && el.className.trim()) {
      s += '.' + el.className.trim().split(/\s+/).join('.');
    }
    var text = (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT')
      ? (el.name || '') : (el.textContent || '');
    text = text.trim().replace(/\s+/g, ' ').slice(0, 40);
    return s + (text ? ' "' + text + '"' : '');
  }

  function hidden(el) {
    for (var a = el; a && a.nodeType === 1; a = a.parentElement) {
      var cs = getComputedStyle(a);
      if (cs.display === 'none') {
        return true;
      }
      var r = a.getBoundingClientRect();
      if (cs.overflow !== 'visible' && r.width <= 1 && r.height <= 1) {
        return true;
      }
    }
    var box = el.getBoundingClientRect();
    return (box.width === 0 && box.height === 0) || getComputedStyle(el).visibility !== 'visible';
  }

  function inProse(el) {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') {
      return false;
    }
    var block = el.parentElement;
    while (block && getComputedStyle(block).display.indexOf('inline') === 0) {
      block = block.parentElement;
    }
    if (!block) {
      return false;
    }
    var copy = block.cloneNode(true);
    copy.querySelectorAll('a, button').forEach(function (x) { x.remove(); });
    return /[\p{L}\p{N}]/u.test(copy.textContent);
  }

  function clipsSideways(el) {
    var o = getComputedStyle(el).overflowX;
    return o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip';
  }

  function insideClipper(el) {
    for (var a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (clipsSideways(a)) {
        return true;
      }
    }
    return false;
  }

  function end(el) {
    var r = el.getBoundingClientRect();
    return Math.max(r.right, r.left + el.scrollWidth);
  }

  function sticksOut(el) {
    return end(el) > vw + 0.5 && !hidden(el) && !insideClipper(el);
  }

  // the innermost elements that reach past the intended width: where the overflow comes from
  var overflowing = [];
  document.querySelectorAll('body *').forEach(function (el) {
    if (sticksOut(el) && !Array.prototype.some.call(el.children, sticksOut)) {
      overflowing.push(describe(el) + ' ends at ' + Math.round(end(el)) + ' px');
    }
  });

  var small = [];
  document.querySelectorAll('a[href], button, input, select, textarea, summary').forEach(function (el) {
    if (el.disabled || (el.tagName === 'INPUT' && el.type === 'hidden')) {
      return;
    }
    var r = el.getBoundingClientRect();
    var focused = false;
    if (r.right <= 0 || r.bottom <= -window.scrollY) {
      el.focus();
      focused = true;
      r = el.getBoundingClientRect();
    }
    if (!hidden(el) && !inProse(el) && (r.width + 0.01 < MIN_TARGET || r.height + 0.01 < MIN_TARGET)) {
      small.push(describe(el) + ' ' + Math.round(r.width * 10) / 10 + 'x' + Math.round(r.height * 10) / 10);
    }
    if (focused) {
      el.blur();
    }
  });

  var smallText = [];
  var smallControls = [];
  document.querySelectorAll('body *').forEach(function (el) {
    // Text inside an SVG drawing (the process diagram) is part of a picture that scales as a whole;
    // the step list beside it carries the same names as readable text.
    if (hidden(el) || el.closest('svg')) {
      return;
    }
    var size = parseFloat(getComputedStyle(el).fontSize);
    if (el.matches('input, select, textarea')) {
      if (size < MIN_CONTROL) {
        smallControls.push(describe(el) + ' ' + size + 'px');
      }
      return;
    }
    var ownText = Array.prototype.some.call(el.childNodes, function (n) {
      return n.nodeType === 3 && n.textContent.trim() !== '';
    });
    if (ownText && size < MIN_TEXT) {
      smallText.push(describe(el) + ' ' + size + 'px');
    }
  });

  var meta = document.querySelector('meta[name=viewport]');
  return JSON.stringify({
    innerWidth: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    viewportMeta: meta ? meta.getAttribute('content') : null,
    overflowing: overflowing,
    smallTargets: small,
    smallText: smallText,
    smallControls: smallControls
  });
};
