/* Admin, dialogue page: shows the start in UTC and in other zones while the organiser types
   it in the dialogue's zone, before saving. Without JavaScript the same line appears after
   saving (rendered by the server). */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var out = document.querySelector(".times-elsewhere");
  var date = document.getElementById("id_starts_at_0");
  var time = document.getElementById("id_starts_at_1");
  var zone = document.getElementById("id_time_zone");
  if (!out || !date || !time || !zone || !window.Intl) return;
  var zones = out.getAttribute("data-zones").split(" ");
  var lang = document.documentElement.lang === "en" ? "en-GB" : document.documentElement.lang;

  function parts(ms, tz) {
    var format = new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric"
    });
    var found = {};
    format.formatToParts(new Date(ms)).forEach(function (part) {
      found[part.type] = Number(part.value);
    });
    return found;
  }

  // The UTC instant of a wall-clock time in a zone (twice corrected, for offset changes).
  function toUtc(y, m, d, h, mi, tz) {
    var wanted = Date.UTC(y, m - 1, d, h, mi);
    var guess = wanted;
    for (var i = 0; i < 3; i++) {
      var p = parts(guess, tz);
      guess += wanted - Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute);
    }
    return guess;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function update() {
    var iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(date.value.trim());
    var dmy = /^(\d{1,2})[\/.](\d{1,2})[\/.](\d{4})$/.exec(date.value.trim());
    var hm = /^(\d{1,2}):(\d{2})/.exec(time.value.trim());
    if (!(iso || dmy) || !hm || !zone.value) return;
    var ymd = iso ? [+iso[1], +iso[2], +iso[3]] : [+dmy[3], +dmy[2], +dmy[1]];
    var ms = toUtc(ymd[0], ymd[1], ymd[2], +hm[1], +hm[2], zone.value);
    if (isNaN(ms)) return;
    var own = parts(ms, zone.value);
    out.textContent = zones.filter(function (z) {
      return z === "UTC" || z !== zone.value;
    }).map(function (z) {
      var p = parts(ms, z);
      var text = z.replace(/_/g, " ") + " " + pad(p.hour % 24) + ":" + pad(p.minute);
      if (p.day !== own.day) {
        text += " (" + new Intl.DateTimeFormat(lang, {
          timeZone: z, day: "numeric", month: "long"
        }).format(new Date(ms)) + ")";
      }
      return text;
    }).join(" · ");
  }

  [date, time, zone].forEach(function (field) {
    field.addEventListener("input", update);
    field.addEventListener("change", update);
  });
});
