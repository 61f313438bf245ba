/* An htmx request that the server could not answer (503: busy, nothing saved; 500: an error on our side) or that
   did not reach it says so in an alert at the top of the page: htmx itself swaps nothing and says nothing. The
   alert goes away at the next request. */
(function () {
  "use strict";

  var MESSAGES = {
    503: "The service is busy with other changes and nothing was saved. Please try again in a few seconds.",
    other: "Something went wrong on our side and nothing was saved; it was logged. Please try again.",
    offline: "The service could not be reached, so nothing was saved. Check your connection and try again.",
  };

  function show(text) {
    var alert = document.getElementById("request-error");
    if (!alert) {
      alert = document.createElement("p");
      alert.id = "request-error";
      alert.className = "alert";
      alert.setAttribute("role", "alert");
      var main = document.getElementById("main");
      main.insertBefore(alert, main.firstChild);
    }
    alert.textContent = text;
  }

  document.addEventListener("htmx:responseError", function (event) {
    show(MESSAGES[event.detail.xhr.status] || MESSAGES.other);
  });
  document.addEventListener("htmx:sendError", function () {
    show(MESSAGES.offline);
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var alert = document.getElementById("request-error");
    if (alert) alert.remove();
  });
})();
