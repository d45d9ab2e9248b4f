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
    document.querySelectorAll(".date-block[data-datetime]").forEach(function (el) {
      var when = new Date(el.getAttribute("data-datetime"));
      var lang = document.documentElement.lang || undefined;
      var part = function (options) { return new Intl.DateTimeFormat(lang, Object.assign({ timeZone: zone }, options)).format(when); };
      el.children[0].setAttribute("data-text", part({ month: "short" }));
      el.children[1].setAttribute("data-text", part({ day: "numeric" }));
      el.children[2].setAttribute("data-text", part({ weekday: "short" }));
    });
    var note = document.querySelector("[data-zone-note]");
    if (note) { note.textContent = note.textContent.replace("UTC", zone); }
  }

  // Pre-select the browser's zone in a time zone picker still on its default.
  document.querySelectorAll("select[data-guess-time-zone]").forEach(function (select) {
    if (select.value === "UTC" && select.querySelector('option[value="' + zone + '"]')) { select.value = zone; }
  });
})();
