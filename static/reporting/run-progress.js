// Follows a report run on its page: polls the run's JSON status and updates the progress bar, the status,
// and shows the download links or the reason of a failure when it ends. No inline script (CSP); without
// JavaScript the page refreshes itself instead.
(function () {
  "use strict";
  var box = document.getElementById("run");
  if (!box || box.dataset.finished === "1") { return; }
  var url = box.dataset.statusUrl;
  var fa = document.documentElement.lang === "fa";
  function digits(text) {
    return fa ? String(text).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }) : String(text);
  }
  function q(selector) { return box.querySelector(selector); }
  function show(run) {
    var bar = q("progress");
    bar.value = run.progress;
    bar.textContent = digits(run.progress) + "٪";
    q("[data-run-percent]").textContent = digits(run.progress);
    q("[data-run-message]").textContent = run.message || "";
    q("[data-run-status]").textContent = run.status_label;
    if (!run.finished) { return false; }
    q("[data-run-progress]").hidden = true;
    if (run.status === "succeeded") {
      q("[data-run-links]").hidden = false;
      var xlsx = q('[data-link="xlsx"]');
      if (xlsx && !run.links.xlsx) { xlsx.hidden = true; }
    } else {
      q("[data-run-error]").textContent = run.error;
      q("[data-run-failed]").hidden = false;
    }
    return true;
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (run) {
        if (run && show(run)) { return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 800);
})();
