(function () {
  "use strict";
  // Reading the report needs none of this: it only adds filtering, sorting and print help.
  function filter(input, items) {
    var needle = input.value.trim().toLowerCase();
    for (var i = 0; i < items.length; i++) {
      var text = items[i].getAttribute("data-text");
      if (text === null) {
        text = items[i].textContent.toLowerCase();
        items[i].setAttribute("data-text", text);
      }
      items[i].hidden = needle !== "" && text.indexOf(needle) === -1;
    }
  }
  function wire(inputId, selector) {
    var input = document.getElementById(inputId);
    if (!input) { return; }
    input.hidden = false;
    var items = document.querySelectorAll(selector);
    input.addEventListener("input", function () { filter(input, items); });
  }
  wire("inventory-filter", "#inventory-table tbody tr");
  wire("findings-filter", "#findings li.finding");

  var table = document.getElementById("inventory-table");
  if (table) {
    var headers = table.querySelectorAll("thead th");
    Array.prototype.forEach.call(headers, function (th, column) {
      th.tabIndex = 0;
      th.classList.add("sortable");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].textContent.trim(), y = b.cells[column].textContent.trim();
          var order = x.localeCompare(y, undefined, {numeric: true, sensitivity: "base"});
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
}());
