// Points Swagger UI at the document the router is built from (same origin, no token needed to read it).
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.yaml',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // Never ask a third party to validate the document.
    validatorUrl: null
  });
});
