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
})();
