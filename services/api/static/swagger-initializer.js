// Starts Swagger UI on the page at <stage>/docs. A separate file because the
// page's Content-Security-Policy forbids inline scripts. "openapi.json" is
// relative to the page, so it keeps the stage prefix; validatorUrl is null so
// the page never calls a server other than this API.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
  });
});
