// Keeps the waiting room up to date without reloading it: every so many seconds it fetches the
// page, puts the new place, people ahead, wait and budget in, and once the person is admitted
// shows the link to the form in the status region (which a screen reader then reads out).
// Without JavaScript a meta refresh (in <noscript>) reloads the page instead.
(function () {
  "use strict";
  var room = document.getElementById("wachtkamer");
  if (!room || !window.fetch || !window.DOMParser) return;
  var seconds = parseInt(room.getAttribute("data-refresh"), 10);
  if (!seconds) return;
  var parts = ["plaats", "voor-u", "wachttijd", "budget-over", "beurt"];

  function update() {
    window
      .fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new window.DOMParser().parseFromString(html, "text/html");
        parts.forEach(function (id) {
          var now = document.getElementById(id);
          var then = fresh.getElementById(id);
          if (now && then && now.innerHTML !== then.innerHTML) now.innerHTML = then.innerHTML;
          if (now && !then && id !== "beurt") now.textContent = "—";
        });
        var next = fresh.getElementById("wachtkamer");
        if (next && next.getAttribute("data-refresh")) window.setTimeout(update, seconds * 1000);
      })
      .catch(function () {
        window.setTimeout(update, seconds * 2000);
      });
  }

  window.setTimeout(update, seconds * 1000);
})();
