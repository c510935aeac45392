// Gift forms: a small help to pick the donor from the donors' lookup (progressive enhancement only).
// Without this script, or without the lookup, the typed mobile or national code is resolved on the server.
(function () {
  "use strict";
  var field = document.querySelector(".donor-field[data-lookup-url]");
  if (!field) { return; }
  var input = field.querySelector("input[type=text], input:not([type])");
  var hidden = field.querySelector("input[type=hidden]");
  var list = field.querySelector(".donor-matches");
  var anonymous = document.querySelector("input[name=anonymous]");
  var url = field.getAttribute("data-lookup-url");
  var timer = null;
  var asked = "";

  function clear() {
    list.replaceChildren();
    list.hidden = true;
  }

  function pick(donor) {
    hidden.value = donor.id;
    input.value = donor.name + (donor.mobile ? " — " + donor.mobile : "");
    if (anonymous) { anonymous.checked = false; }
    clear();
    input.focus();
  }

  function show(results) {
    clear();
    results.slice(0, 8).forEach(function (donor) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.tabIndex = -1;  // reached with the arrow keys: Tab keeps going donor → date
      button.textContent = [donor.name, donor.national_code_masked, donor.mobile].filter(Boolean).join(" — ");
      button.addEventListener("click", function () { pick(donor); });
      item.appendChild(button);
      list.appendChild(item);
    });
    list.hidden = results.length === 0;
  }

  function lookup() {
    var q = input.value.trim();
    if (q.length < 3 || q === asked) { return; }
    asked = q;
    fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {results: []}; })
      .then(function (data) { if (input.value.trim() === q) { show(data.results || []); } })
      .catch(function () { clear(); });
  }

  input.addEventListener("input", function () {
    hidden.value = "";
    window.clearTimeout(timer);
    timer = window.setTimeout(lookup, 250);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && !list.hidden) {
      event.preventDefault();
      list.querySelector("button").focus();
    } else if (event.key === "Escape") {
      clear();
    }
  });
  if (anonymous) {
    anonymous.addEventListener("change", function () {
      if (anonymous.checked) { hidden.value = ""; clear(); }
    });
  }
}());
