// Warns two minutes before the idle session ends and lets the person extend it (WCAG 2.2.1).
// Without JavaScript the page says how long a session lasts; every page view renews it.
(function () {
  "use strict";
  var warning = document.getElementById("sessie-waarschuwing");
  if (!warning) return;
  var seconds = parseInt(warning.getAttribute("data-session-seconds"), 10);
  var warnBefore = 120;
  var timer;

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      warning.hidden = false;
      var button = warning.querySelector("button");
      if (button) button.focus();
    }, Math.max(seconds - warnBefore, 1) * 1000);
  }

  var form = warning.querySelector("form");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.ok) {
        warning.hidden = true;
        schedule();
      } else {
        form.submit();
      }
    });
  });
  schedule();
})();
