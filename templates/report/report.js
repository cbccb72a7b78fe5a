// Sorting and filtering of the tables marked `data-sortable`: the one thing the pages need
// JavaScript for. Without it the tables read in their written order. The state of the main
// table can be given in the address: `#sort=score&dir=desc&q=watch`.
(function () {
  "use strict";

  function cellKey(cell, numeric) {
    var v = cell ? cell.getAttribute("data-sort") : null;
    if (v === null) {
      v = cell ? cell.textContent.trim() : "";
    }
    if (numeric) {
      var n = parseFloat(v);
      return isNaN(n) ? Infinity : n;
    }
    return v.toLowerCase();
  }

  function fromHash() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("=");
      if (kv.length === 2) {
        out[decodeURIComponent(kv[0])] = decodeURIComponent(kv[1].replace(/\+/g, " "));
      }
    });
    return out;
  }

  function setup(table, state) {
    var body = table.tBodies[0];
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var input = document.querySelector('input[data-filter-for="' + table.id + '"]');
    var counter = document.querySelector('[data-count-for="' + table.id + '"]');

    function sortBy(index, dir) {
      var numeric = heads[index].getAttribute("data-type") === "number";
      var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
        return { row: row, key: cellKey(row.cells[index], numeric), i: i };
      });
      rows.sort(function (a, b) {
        if (a.key < b.key) { return -dir; }
        if (a.key > b.key) { return dir; }
        return a.i - b.i;
      });
      rows.forEach(function (r) { body.appendChild(r.row); });
      heads.forEach(function (h, i) {
        if (i === index) {
          h.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
        } else {
          h.removeAttribute("aria-sort");
        }
      });
      table.setAttribute("data-sorted-by", heads[index].getAttribute("data-key") || String(index));
    }

    function filter(text) {
      var terms = text.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var content = row.textContent.toLowerCase();
        var keep = terms.every(function (t) { return content.indexOf(t) >= 0; });
        row.hidden = !keep;
        if (keep) { shown += 1; }
      });
      if (counter) {
        counter.textContent = terms.length ? shown + " of " + body.rows.length : String(body.rows.length);
      }
    }

    heads.forEach(function (h, i) {
      var button = document.createElement("button");
      button.type = "button";
      while (h.firstChild) { button.appendChild(h.firstChild); }
      h.appendChild(button);
      button.addEventListener("click", function () {
        var dir = h.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        sortBy(i, dir);
      });
    });
    if (input) {
      input.closest(".controls").hidden = false;
      input.addEventListener("input", function () { filter(input.value); });
    }
    if (state) {
      var index = heads.findIndex(function (h) { return h.getAttribute("data-key") === state.sort; });
      if (index >= 0) { sortBy(index, state.dir === "desc" ? -1 : 1); }
      if (input && state.q) {
        input.value = state.q;
        filter(state.q);
      }
    }
    table.setAttribute("data-ready", "");
  }

  var tables = document.querySelectorAll("table[data-sortable]");
  var state = fromHash();
  Array.prototype.forEach.call(tables, function (t, i) {
    setup(t, i === 0 ? state : null);
  });
})();
