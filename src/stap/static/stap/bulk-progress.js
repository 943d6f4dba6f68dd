// Follows a bulk run while it is queued or running: moves the progress bar and the counts, tells
// screen reader users at every tenth and at the end (a polite status, so never more often), and
// loads the page once more when the run is finished, so that its report shows.
// Without JavaScript the page has a link that reloads it; that link stays.
(function () {
  "use strict";
  var box = document.getElementById("voortgang");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("voortgang-balk");
  var text = document.getElementById("voortgang-tekst");
  var count = document.getElementById("verwerkt");
  var status = document.getElementById("status");
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "nl");

  var EVERY = 2000; // while the tab is visible
  var HIDDEN = 20000; // while it is not
  var LONGEST = 60000; // after failed requests, doubling up to this
  var GIVE_UP = 10 * 60 * 1000; // without any change, so an idle tab does not poll forever
  var RELOAD_AFTER = 1500; // lets the status announce the end before the report loads

  var processed = parseInt(box.getAttribute("data-processed"), 10) || 0;
  var total = parseInt(box.getAttribute("data-total"), 10) || 0;
  var lastStep = step(processed, total);
  var lastStatus = status ? status.textContent : "";
  var lastChange = Date.now();
  var failures = 0;
  var fetching = false;
  var stopped = false;
  var timer;

  function step(done, all) {
    return all ? Math.floor((done * 10) / all) : 0;
  }

  function fill(template, done, all) {
    return template
      .replace("{processed}", numbers.format(done))
      .replace("{total}", numbers.format(all));
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    if (!stopped) timer = window.setTimeout(poll, delay);
  }

  function delay() {
    var base = document.hidden ? HIDDEN : EVERY;
    return failures ? Math.min(base * Math.pow(2, failures), LONGEST) : base;
  }

  function show(run) {
    var percent = run.done ? 100 : run.total ? Math.floor((run.processed * 100) / run.total) : 0;
    bar.value = percent;
    bar.textContent = percent + "%";
    if (count) {
      count.textContent = fill(box.getAttribute("data-count-text"), run.processed, run.total);
    }
    if (status && run.status_display) status.textContent = run.status_display;
    if (run.done) {
      text.textContent = box.getAttribute("data-done-text");
      return;
    }
    var now = step(run.processed, run.total);
    if (now !== lastStep) {
      lastStep = now;
      text.textContent = fill(box.getAttribute("data-progress-text"), run.processed, run.total);
    }
  }

  function follow(run) {
    failures = 0;
    if (run.processed !== processed || run.total !== total || run.status_display !== lastStatus) {
      processed = run.processed;
      total = run.total;
      lastStatus = run.status_display;
      lastChange = Date.now();
    }
    show(run);
    if (run.done) {
      stopped = true;
      window.setTimeout(function () {
        window.location.reload();
      }, RELOAD_AFTER);
    } else if (Date.now() - lastChange > GIVE_UP) {
      stopped = true;
    } else {
      schedule(delay());
    }
  }

  function poll() {
    if (fetching || stopped) return;
    fetching = true;
    fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    })
      .then(function (response) {
        if (response.status >= 500) throw new Error(String(response.status));
        var type = response.headers.get("Content-Type") || "";
        // Signed out, or no longer allowed: stop, and leave the page (and its link) as it is.
        if (!response.ok || response.redirected || type.indexOf("application/json") !== 0) {
          return null;
        }
        return response.json();
      })
      .then(
        function (run) {
          fetching = false;
          if (run) follow(run);
          else stopped = true;
        },
        function () {
          fetching = false;
          failures += 1;
          schedule(delay());
        }
      );
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) schedule(0);
  });
  schedule(EVERY);
})();
