// Starts Swagger UI for allauth's headless API description (templates/headless/spec/).
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]*)/) || [])[1] || "";
  window.SwaggerUIBundle({
    url: node.dataset.url,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    requestInterceptor: function (request) {
      request.headers["X-CSRFToken"] = decodeURIComponent(csrf);
      return request;
    },
  });
})();
