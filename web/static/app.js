// Meridian: progressive enhancement only. Every page works without this file.
// - "Where?" suggestions from /api/v1/places as you type;
// - "Use my location" asks the browser and fills the box (never stored);
// - the guide shows one question at a time;
// - on wide screens the results' filters and search form start open (on
//   phones the results come first; both stay behind their buttons).
// Nothing here moves focus when a page loads.
(function () {
  "use strict";
  var where = document.getElementById("where");
  var list = document.getElementById("where-list");
  if (where && list && window.fetch) {
    var timer = null;
    where.addEventListener("input", function () {
      clearTimeout(timer);
      var q = where.value.trim();
      if (q.length < 2 || /^\d{1,2}$/.test(q) || /,\s*-?\d/.test(q)) return;
      timer = setTimeout(function () {
        fetch("/api/v1/places?q=" + encodeURIComponent(q))
          .then(function (r) { return r.ok ? r.json() : { places: [] }; })
          .then(function (data) {
            list.textContent = "";
            (data.places || []).forEach(function (p) {
              var o = document.createElement("option");
              o.value = p.label;
              list.appendChild(o);
            });
          })
          .catch(function () {});
      }, 150);
    });
  }
  var locate = document.querySelector("[data-locate]");
  if (locate && where && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        where.value = pos.coords.latitude.toFixed(4) + "," + pos.coords.longitude.toFixed(4);
      }, function () {
        locate.textContent = "Could not get your location";
      });
    });
  }
  if (window.matchMedia && window.matchMedia("(min-width: 60rem)").matches) {
    ["[data-facets]", "[data-refine]"].forEach(function (sel) {
      var d = document.querySelector(sel);
      if (d) d.open = true;
    });
  }
  var form = document.querySelector("[data-stepper]");
  if (form) {
    var steps = Array.prototype.slice.call(form.querySelectorAll("fieldset.step"));
    var submit = form.querySelector("button[type=submit]");
    var at = 0;
    var nav = document.createElement("div");
    nav.className = "stepnav";
    var back = document.createElement("button");
    back.type = "button";
    back.textContent = "Back";
    var next = document.createElement("button");
    next.type = "button";
    next.textContent = "Next question";
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    nav.appendChild(back);
    nav.appendChild(next);
    form.insertBefore(status, submit);
    form.insertBefore(nav, submit);
    var show = function (moveFocus) {
      steps.forEach(function (s, i) { s.hidden = i !== at; });
      back.hidden = at === 0;
      next.hidden = at === steps.length - 1;
      submit.hidden = at !== steps.length - 1;
      status.textContent = "Question " + (at + 1) + " of " + steps.length;
      var first = steps[at].querySelector("input");
      if (moveFocus && first) first.focus();  // only after the person pressed Back or Next
    };
    back.addEventListener("click", function () { if (at > 0) { at--; show(true); } });
    next.addEventListener("click", function () { if (at < steps.length - 1) { at++; show(true); } });
    show(false);
  }
})();
