// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }

  // A visitor who never chose a zone sees times in the browser's zone, with the zone named.
  if (document.body.getAttribute("data-tz-chosen") === "false") {
    var styles = {
      datetime: { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
      date: { weekday: "short", day: "numeric", month: "short", year: "numeric" },
      time: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
      month: { month: "long", year: "numeric" }
    };
    document.querySelectorAll("time[data-local]").forEach(function (el) {
      var options = Object.assign({ timeZone: zone }, styles[el.getAttribute("data-local")] || styles.datetime);
      var text = new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(new Date(el.getAttribute("datetime")));
      el.textContent = el.getAttribute("data-local") === "datetime" ? text + " (" + zone + ")" : text;
    });
    var note = document.querySelector("[data-zone-note]");
    if (note) { note.textContent = note.textContent.replace("UTC", zone); }
  }

  // Pre-select the browser's zone in a time zone picker still on its default.
  document.querySelectorAll("select[data-guess-time-zone]").forEach(function (select) {
    if (select.value === "UTC" && select.querySelector('option[value="' + zone + '"]')) { select.value = zone; }
  });
})();
