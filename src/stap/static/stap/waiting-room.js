// Keeps the waiting room up to date without reloading it: every so many seconds it asks the
// status endpoint (a small JSON answer that writes nothing) and puts the new people ahead, wait
// and budget in. Once the draw has given a place, or the person is admitted, or the budget is
// gone, it loads the page once, which then says so (in a status region a screen reader reads).
// Without JavaScript a meta refresh (in <noscript>) reloads the page instead.
(function () {
  "use strict";
  var room = document.getElementById("wachtkamer");
  if (!room || !window.fetch) return;
  var seconds = parseInt(room.getAttribute("data-refresh"), 10);
  var url = room.getAttribute("data-status-url");
  if (!seconds || !url) return;
  var hadPlace = room.getAttribute("data-has-place") === "true";

  function put(id, text) {
    var element = document.getElementById(id);
    if (element && text !== null && text !== undefined) element.textContent = String(text);
  }

  function update() {
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (status) {
        if (!status.ticket || status.admitted || status.budget_gone || (status.place && !hadPlace)) {
          window.location.reload();
          return;
        }
        put("voor-u", status.ahead);
        put("wachttijd", status.wait_text);
        put("budget-over", status.left);
        window.setTimeout(update, seconds * 1000);
      })
      .catch(function () {
        window.setTimeout(update, seconds * 2000);
      });
  }

  window.setTimeout(update, seconds * 1000);
})();
