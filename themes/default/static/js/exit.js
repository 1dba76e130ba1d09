/*
 * Exit this page (waymark default theme).
 *
 * Without this script the control is an ordinary link to another website.
 * With it:
 *   - pressing Shift three times (each within 5 seconds of the last) leaves
 *     the page; Shift held as part of a shortcut (Shift+Tab, capitals) does
 *     not count;
 *   - a status message tells screen reader users how many presses are left;
 *   - the words it says come from the control's data-wm-text-* attributes
 *     (partials/exit.html, in the page's language; English without them);
 *   - leaving hides the page at once, shows "Loading.", and replaces the
 *     current history entry with the exit site (location.replace), so Back
 *     does not return here. Earlier history entries are NOT removed: the
 *     safety advice page explains how to clear them.
 *
 * No storage, no cookies, no network requests of its own. Plain ES2017.
 */
(function () {
  'use strict';

  var PRESSES_NEEDED = 3;
  var TIMEOUT_MS = 5000;

  var root = document.querySelector('[data-wm-exit]');
  if (!root) {
    return;
  }
  var button = root.querySelector('.wm-exit__button');
  if (!button || !button.href) {
    return;
  }
  var exitUrl = button.href;

  // The words said: data-wm-text-NAME on the control, English if none;
  // {name} in them is filled from `values`.
  function text(name, english, values) {
    var s = root.getAttribute('data-wm-text-' + name) || english;
    return s.replace(/\{(\w+)\}/g, function (all, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  var presses = 0;
  var timer = null;
  var shiftDown = false;
  var shiftUsedAsModifier = false;
  var overlay = null;

  // The live region must be in the document before its text changes.
  var status = document.createElement('span');
  status.className = 'wm-visually-hidden';
  status.setAttribute('role', 'status');
  root.appendChild(status);

  // Three dots inside the button show progress to sighted keyboard users.
  var indicator = document.createElement('span');
  indicator.className = 'wm-exit__indicator';
  indicator.setAttribute('aria-hidden', 'true');
  var dots = [];
  for (var i = 0; i < PRESSES_NEEDED; i++) {
    var dot = document.createElement('span');
    dot.className = 'wm-exit__dot';
    indicator.appendChild(dot);
    dots.push(dot);
  }
  button.appendChild(indicator);

  function announce(text) {
    status.textContent = text;
  }

  function showProgress() {
    indicator.classList.toggle('wm-exit__indicator--active', presses > 0);
    for (var j = 0; j < dots.length; j++) {
      dots[j].classList.toggle('wm-exit__dot--on', j < presses);
    }
  }

  function reset() {
    presses = 0;
    if (timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    }
    showProgress();
  }

  function expire() {
    timer = null;
    if (presses > 0) {
      presses = 0;
      showProgress();
      announce(text('expired', 'Exit this page expired.'));
    }
  }

  function exitPage() {
    // Other scripts stop what they are doing first (listen.js stops reading
    // aloud); the event is sent synchronously, before the page is left.
    document.dispatchEvent(new CustomEvent('wm:exit'));
    reset();
    announce('');
    if (!overlay) {
      overlay = document.createElement('p');
      overlay.className = 'wm-exit-overlay';
      overlay.setAttribute('role', 'alert');
      overlay.textContent = text('loading', 'Loading.');
    }
    document.body.appendChild(overlay);
    document.body.classList.add('wm-exit-active');
    window.location.replace(exitUrl);
  }

  function isShift(event) {
    return event.key === 'Shift' || event.keyCode === 16;
  }

  document.addEventListener('keydown', function (event) {
    if (isShift(event)) {
      if (!event.repeat) {
        shiftDown = true;
        shiftUsedAsModifier = false;
      }
    } else if (shiftDown || event.shiftKey) {
      // Shift is part of a combination such as Shift+Tab or a capital.
      shiftUsedAsModifier = true;
    } else if (presses > 0) {
      // Any other key breaks the sequence.
      reset();
    }
  });

  document.addEventListener('keyup', function (event) {
    if (!isShift(event)) {
      return;
    }
    var counts = shiftDown && !shiftUsedAsModifier;
    shiftDown = false;
    shiftUsedAsModifier = false;
    if (!counts) {
      return;
    }

    presses += 1;
    if (timer !== null) {
      window.clearTimeout(timer);
    }

    if (presses >= PRESSES_NEEDED) {
      exitPage();
      return;
    }

    showProgress();
    var left = PRESSES_NEEDED - presses;
    announce(left === 1
      ? text('presses-one', 'Shift, press {count} more time to exit.', { count: left })
      : text('presses-other', 'Shift, press {count} more times to exit.', { count: left }));
    timer = window.setTimeout(expire, TIMEOUT_MS);
  });

  // Losing focus (switching app or tab) cancels a half-held Shift.
  window.addEventListener('blur', function () {
    shiftDown = false;
    shiftUsedAsModifier = false;
  });

  button.addEventListener('click', function (event) {
    event.preventDefault();
    exitPage();
  });

  // Coming back with the Back button from the back-forward cache: show the
  // page again instead of the "Loading." screen.
  window.addEventListener('pageshow', function () {
    document.body.classList.remove('wm-exit-active');
    if (overlay && overlay.parentNode) {
      overlay.parentNode.removeChild(overlay);
    }
    shiftDown = false;
    shiftUsedAsModifier = false;
    reset();
    announce('');
  });
})();
