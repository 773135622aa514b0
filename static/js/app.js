/* SesioCloset: small progressive enhancements. Everything works without this file. */
(function () {
  "use strict";

  // Dismissible notices: any [data-dismiss] button removes its [data-notice] container.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss]");
    if (!button) return;
    var notice = button.closest("[data-notice]");
    if (!notice) return;
    var region = notice.parentElement;
    notice.classList.add("is-leaving");
    window.setTimeout(function () {
      notice.remove();
      if (region && !region.querySelector("[data-notice]")) region.remove();
      var main = document.getElementById("main");
      if (main && document.activeElement === document.body) main.focus({ preventScroll: true });
    }, 160);
  });

  // Devices (Settings → Devices): tell the server this browser's time zone and screen size, once per browser
  // session. Nothing else is sent, and only for signed-in people.
  var reportUrl = document.body.getAttribute("data-device-report-url");
  if (reportUrl && window.fetch && !window.sessionStorage.getItem("sc-device-reported")) {
    var headers = { "Content-Type": "application/json" };
    try {
      var hx = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (hx["X-CSRFToken"]) headers["X-CSRFToken"] = hx["X-CSRFToken"];
    } catch (error) { /* no token: the server will refuse, which is fine */ }
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { zone = ""; }
    window.fetch(reportUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify({ timezone: zone, screen: window.screen.width + "x" + window.screen.height }),
    }).then(function (response) {
      if (response.ok) window.sessionStorage.setItem("sc-device-reported", "1");
    }).catch(function () { /* try again on the next page */ });
  }

  // Settings → Profile: "Use my precise location" asks the browser only when the person presses the button.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-precise-location]");
    if (!button || !navigator.geolocation) return;
    var form = button.closest("[data-location-form]");
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.latitude.value = position.coords.latitude.toFixed(3);
      form.elements.longitude.value = position.coords.longitude.toFixed(3);
      var precision = document.createElement("input");
      precision.type = "hidden"; precision.name = "precision"; precision.value = "precise";
      form.appendChild(precision);
      form.submit();
    });
  });
})();
