/*
 * The header's menu on narrow screens (waymark default theme).
 *
 * Loaded in <head> and not deferred, so that it marks <html> with the class
 * wm-js before the first paint: the stylesheet then shows the "Menu" button
 * (partials/header.html) in place of the "Menu" link to the footer, and the
 * menu starts closed rather than jumping shut. The rest waits for the page.
 *
 * The button's aria-expanded says whether the menu (named by aria-controls)
 * is open; pressing it opens or closes the menu, and Escape closes it and
 * puts focus back on the button. On wide screens the stylesheet hides the
 * button and always shows the menu. No storage, no requests. Plain ES2017.
 */
(function () {
  'use strict';

  var root = document.documentElement;
  root.classList.add('wm-js');

  function setUp() {
    var button = document.querySelector('[data-wm-menu-button]');
    var menu = button && document.getElementById(button.getAttribute('aria-controls'));
    if (!menu) {
      // No menu to open: go back to the page as it is without JavaScript.
      root.classList.remove('wm-js');
      return;
    }

    function show(open) {
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
      menu.classList.toggle('wm-nav--open', open);
    }

    button.addEventListener('click', function () {
      show(button.getAttribute('aria-expanded') !== 'true');
    });

    document.addEventListener('keydown', function (event) {
      if (event.key !== 'Escape' || button.getAttribute('aria-expanded') !== 'true') return;
      var focus = document.activeElement;
      if (focus === button || menu.contains(focus) || focus === document.body) {
        show(false);
        button.focus();
      }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', setUp);
  } else {
    setUp();
  }
})();
