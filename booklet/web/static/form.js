// booklet serve: the form works without this file. With it, "add a row" adds the row in place
// (no round trip), and the error summary, the fill-in notice or the new row takes the focus.
(function () {
  "use strict";
  function renumber(row, index) {
    row.dataset.row = String(index);
    row.querySelectorAll("[id], [for], [name], [aria-describedby]").forEach(function (el) {
      ["id", "for", "name", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/-\d+-/g, "-" + index + "-")); }
      });
    });
    var legend = row.querySelector(".row-legend");
    if (legend) { legend.textContent = legend.textContent.replace(/\d+/, String(index + 1)); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      // A link in the summary moves to its field with the field's label and message in view.
      summary.querySelectorAll("a[href^='#']").forEach(function (link) {
        link.addEventListener("click", function (event) {
          var field = document.getElementById(link.getAttribute("href").slice(1));
          if (!field) { return; }
          event.preventDefault();
          var label = document.querySelector("label[for='" + field.id + "']") ||
            (field.closest("fieldset") && field.closest("fieldset").querySelector("legend"));
          (label || field).scrollIntoView({block: "start"});
          field.focus({preventScroll: true});
        });
      });
    } else {
      // "Filled in from the file": read out first, so the person knows to check the fields.
      var notice = document.getElementById("notice");
      if (notice) { notice.focus(); }
    }
    document.querySelectorAll("fieldset.rows").forEach(function (group) {
      var button = group.querySelector("button.add-row");
      var count = group.querySelector("input.row-count");
      var limit = parseInt(group.dataset.limit, 10);
      button.addEventListener("click", function (event) {
        var rows = group.querySelectorAll("fieldset.row");
        if (rows.length >= limit) { return; }     // the server says why
        event.preventDefault();
        var copy = rows[rows.length - 1].cloneNode(true);
        copy.querySelectorAll("input, textarea").forEach(function (el) {
          el.value = ""; el.removeAttribute("aria-invalid");
        });
        copy.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
        renumber(copy, rows.length);
        group.insertBefore(copy, button);
        count.value = String(rows.length + 1);
        var first = copy.querySelector("input, textarea");
        if (first) { first.focus(); }
      });
    });
    var focus = document.body.dataset.focus;
    if (focus) {
      var rows = document.querySelectorAll("#" + focus + " fieldset.row");
      var last = rows[rows.length - 1];
      var input = last && last.querySelector("input, textarea");
      if (input) { input.focus(); }
    }
  });
})();
